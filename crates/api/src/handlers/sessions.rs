use actix_web::{
    HttpResponse,
    web::{Data, Json, Path},
};
use domain::{AccountService, SessionId};

use crate::{
    caller_extractors::{AuthenticatedUser, SignedToken},
    dto::SessionBody,
    error::ApiError,
    openapi::responses::{NotFound, Unauthorized, Unavailable},
};

/// Log out
///
/// Ends the session of the token presented: its access and refresh tokens
/// stop working at once. Idempotent: logging out again with the same token
/// is another 204 (until the token expires).
#[utoipa::path(
    post,
    path = "/logout",
    operation_id = "logout",
    tag = "sessions",
    security(("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "The session has ended."),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn logout(
    accounts: Data<AccountService>,
    token: SignedToken,
) -> Result<HttpResponse, ApiError> {
    accounts.logout(&token.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Your sessions
///
/// Every live session of the caller, most recently used first; `current`
/// marks the one of this request's token.
#[utoipa::path(
    get,
    path = "/users/me/sessions",
    operation_id = "list_sessions",
    tag = "sessions",
    security(("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The caller's sessions.", body = Vec<SessionBody>),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn list(
    accounts: Data<AccountService>,
    caller: AuthenticatedUser,
) -> Result<Json<Vec<SessionBody>>, ApiError> {
    let current = caller.0.session();
    let sessions = accounts.sessions(&caller.0).await?;
    Ok(Json(
        sessions
            .into_iter()
            .map(|session| SessionBody::new(session, current))
            .collect(),
    ))
}

/// End a session
///
/// Ends one of the caller's sessions, the current one included.
#[utoipa::path(
    delete,
    path = "/users/me/sessions/{id}",
    operation_id = "revoke_session",
    tag = "sessions",
    params(("id" = i64, Path, description = "The session's id, from the list of sessions.", minimum = 1)),
    security(("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "The session has ended."),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn revoke(
    accounts: Data<AccountService>,
    caller: AuthenticatedUser,
    id: Path<i64>,
) -> Result<HttpResponse, ApiError> {
    accounts
        .revoke_session(&caller.0, SessionId::new(id.into_inner()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Log out everywhere else
///
/// Ends every session of the caller but the current one.
#[utoipa::path(
    delete,
    path = "/users/me/sessions",
    operation_id = "revoke_other_sessions",
    tag = "sessions",
    security(("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "Every other session has ended."),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn revoke_others(
    accounts: Data<AccountService>,
    caller: AuthenticatedUser,
) -> Result<HttpResponse, ApiError> {
    accounts.revoke_other_sessions(&caller.0).await?;
    Ok(HttpResponse::NoContent().finish())
}
