use actix_web::{
    HttpResponse,
    web::{Data, Json, Path, Query},
};
use domain::{AccountService, PostService, UserId};

use super::created;
use crate::{
    caller_extractors::{AuthenticatedUser, MaybeClaimed},
    client::Client,
    dto::{
        AccountBody, DeleteAccountBody, PageBody, PageQuery, PostBody, PostPage, ProfileBody,
        RegisterBody, UpdateAccountBody,
    },
    error::ApiError,
    openapi::responses::{
        BadRequest, Conflict, NotFound, PayloadTooLarge, RequestTimeout, TooManyAttempts,
        Unauthorized, Unavailable, Unprocessable, UnsupportedMediaType,
    },
};

/// Register
///
/// Creates an account; log in with its email and password afterwards.
/// Registrations from one client network are limited (429 with `Retry-After`).
#[utoipa::path(
    post,
    path = "/users",
    operation_id = "register",
    tag = "accounts",
    request_body = RegisterBody,
    responses(
        (status = 201, description = "The new account.", body = AccountBody,
            headers(("Location" = String, description = "`/users/{id}`: the new user's public profile."))),
        (status = 400, response = BadRequest),
        (status = 409, response = Conflict),
        (status = 408, response = RequestTimeout),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyAttempts),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn register(
    accounts: Data<AccountService>,
    body: Json<RegisterBody>,
    client: Client,
) -> Result<HttpResponse, ApiError> {
    let user = accounts
        .register(body.into_inner().into(), &client.0)
        .await?;
    Ok(created(
        format!("/users/{}", user.id),
        AccountBody::from(user),
    ))
}

/// Your account
///
/// The account the token belongs to.
#[utoipa::path(
    get,
    path = "/users/me",
    operation_id = "get_me",
    tag = "accounts",
    security(("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The caller's account.", body = AccountBody),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    ),
)]
// The extractor has just loaded the caller, so no use case is needed.
pub(crate) async fn me(caller: AuthenticatedUser) -> Json<AccountBody> {
    Json(caller.0.into_user().into())
}

/// Change your account
///
/// Changes the name, the password, or both. Changing the password needs
/// `current_password`, and ends every other session of the account.
#[utoipa::path(
    patch,
    path = "/users/me",
    operation_id = "update_me",
    tag = "accounts",
    // Only the name: an example that changed the password would end the
    // caller's other sessions when tried as filled in.
    request_body(content = UpdateAccountBody, example = json!({"name": "Ada King"})),
    security(("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The account as changed.", body = AccountBody),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 408, response = RequestTimeout),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyAttempts),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn update_me(
    accounts: Data<AccountService>,
    caller: AuthenticatedUser,
    body: Json<UpdateAccountBody>,
    client: Client,
) -> Result<Json<AccountBody>, ApiError> {
    let user = accounts
        .update(&caller.0, body.into_inner().into(), &client.0)
        .await?;
    Ok(Json(user.into()))
}

/// Delete your account
///
/// Deletes the account with its posts, likes and sessions, once
/// `current_password` proves the caller knows the password. Its tokens stop
/// working. A wrong password counts as a failed login.
#[utoipa::path(
    delete,
    path = "/users/me",
    operation_id = "delete_me",
    tag = "accounts",
    request_body = DeleteAccountBody,
    security(("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 408, response = RequestTimeout),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyAttempts),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn delete_me(
    accounts: Data<AccountService>,
    caller: AuthenticatedUser,
    body: Json<DeleteAccountBody>,
    client: Client,
) -> Result<HttpResponse, ApiError> {
    accounts
        .delete(&caller.0, body.current_password.as_deref(), &client.0)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A user's profile
///
/// What anyone may see of a user: never the email.
#[utoipa::path(
    get,
    path = "/users/{id}",
    operation_id = "get_user",
    tag = "users",
    params(("id" = i64, Path, description = "The user's id.", minimum = 1)),
    responses(
        (status = 200, description = "The user's public profile.", body = ProfileBody),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn profile(
    accounts: Data<AccountService>,
    id: Path<i64>,
) -> Result<Json<ProfileBody>, ApiError> {
    let profile = accounts.profile(UserId::new(id.into_inner())).await?;
    Ok(Json(profile.into()))
}

/// A user's posts
///
/// Their published posts, newest first; their drafts too when the caller is
/// that user.
#[utoipa::path(
    get,
    path = "/users/{id}/posts",
    operation_id = "list_user_posts",
    tag = "users",
    params(("id" = i64, Path, description = "The author's id.", minimum = 1), PageQuery),
    security((), ("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of posts.", body = PostPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn posts(
    posts: Data<PostService>,
    viewer: MaybeClaimed,
    id: Path<i64>,
    query: Query<PageQuery>,
) -> Result<PageBody<PostBody>, ApiError> {
    let page = query.into_inner().parse()?;
    let found = posts
        .list_by_author(UserId::new(id.into_inner()), viewer.0.as_ref(), page)
        .await?;
    Ok(PageBody::from_page(found))
}
