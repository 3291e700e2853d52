//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]`
//! annotations and the DTOs' `ToSchema` derives, and served at `/openapi.json`.
//!
//! Handlers are listed here by hand because routes are registered with the
//! `resource` helper (for 405 answers) rather than utoipa's actix bindings;
//! a test checks that each documented path allows exactly the documented methods.

pub(crate) mod fields;
mod modifiers;
pub(crate) mod responses;

use utoipa::OpenApi;

use crate::{
    dto::{
        AccountBody, AuthorBody, DeleteAccountBody, JsonCredentials, LikeStateBody, LikerBody,
        LikerPage, NewPostBody, PasswordForm, PatchPostBody, PostBody, PostPage, ProfileBody,
        RegisterBody, ReplacePostBody, SessionBody, TokenBody, TokenType, UpdateAccountBody,
    },
    handlers::{health, likes, login, posts, sessions, users},
    openapi::modifiers::{
        CommonResponses, EmptyQueryValues, ParameterDescriptions, SecuritySchemes,
    },
    openapi::responses::{
        BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, RequestTimeout,
        TooManyAttempts, Unauthorized, Unavailable, Unprocessable, UnsupportedMediaType,
    },
    problem::{FieldProblem, Problem, ValidationProblem},
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Agora",
        description = include_str!("openapi/description.md"),
        license(name = "MIT", identifier = "MIT"),
    ),
    paths(
        users::register,
        login::login,
        sessions::logout,
        users::me,
        users::update_me,
        users::delete_me,
        sessions::list,
        sessions::revoke_others,
        sessions::revoke,
        users::profile,
        users::posts,
        posts::list,
        posts::create,
        posts::get,
        posts::replace,
        posts::patch,
        posts::delete,
        likes::like,
        likes::unlike,
        likes::likers,
        health::live,
        health::ready,
    ),
    components(
        schemas(
            RegisterBody, UpdateAccountBody, AccountBody, ProfileBody,
            DeleteAccountBody, PasswordForm, JsonCredentials, TokenBody, TokenType, SessionBody,
            NewPostBody, ReplacePostBody, PatchPostBody, PostBody, AuthorBody,
            PostPage, LikeStateBody, LikerBody, LikerPage,
            health::Health, health::HealthStatus, Problem, ValidationProblem, FieldProblem,
        ),
        responses(
            BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PayloadTooLarge,
            UnsupportedMediaType, Unprocessable, TooManyAttempts, Unavailable, InternalError,
            RequestTimeout,
        ),
    ),
    modifiers(&SecuritySchemes, &CommonResponses, &EmptyQueryValues, &ParameterDescriptions),
    tags(
        (name = "accounts", description = "Registering, logging in, and the caller's own account."),
        (name = "sessions", description = "Signed-in sessions: logging out, here or everywhere else."),
        (name = "users", description = "What anyone may see of a user."),
        (name = "posts", description = "Writing and reading posts."),
        (name = "likes", description = "Liking posts and seeing who likes them."),
        (name = "operations", description = "Health probes for orchestrators."),
    ),
)]
pub(crate) struct ApiDoc;
