use actix_web::{HttpRequest, HttpResponse, http::header::CACHE_CONTROL, web::Data};

use super::client_address;
use crate::{
    dto::{Credentials, JsonCredentials, PasswordForm, TokenBody},
    error::ApiError,
    login_guard::ThrottledLogin,
    openapi::responses::{
        BadRequest, PayloadTooLarge, RequestTimeout, TooManyAttempts, Unauthorized, Unavailable,
        Unprocessable, UnsupportedMediaType,
    },
};

/// Log in
///
/// Exchanges an email and password for a bearer token, from the OAuth2
/// password form (`username` is the email) or from JSON. An unknown email and
/// a wrong password get the same 401. Repeated failures for one email or from
/// one client are refused with 429 for a while.
#[utoipa::path(
    post,
    path = "/login",
    operation_id = "login",
    tag = "accounts",
    request_body(
        description = "The OAuth2 password form, or the same as JSON.",
        content(
            (PasswordForm = "application/x-www-form-urlencoded"),
            (JsonCredentials = "application/json"),
        ),
    ),
    responses(
        (status = 200, description = "A bearer token.", body = TokenBody,
            headers(("Cache-Control" = String, description = "`no-store`: tokens are not cached."))),
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
pub(crate) async fn login(
    login: Data<ThrottledLogin>,
    credentials: Credentials,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let token = login.login(&credentials, client_address(&request)).await?;
    // RFC 6749 §5.1: a token response must not be cached.
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(TokenBody::from(token)))
}
