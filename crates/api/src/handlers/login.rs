use actix_web::{HttpResponse, http::header::CACHE_CONTROL, web::Data};
use domain::AccountService;

use crate::{
    client::Client,
    dto::{Credentials, JsonCredentials, PasswordForm, TokenBody},
    error::ApiError,
    openapi::responses::{
        BadRequest, PayloadTooLarge, RequestTimeout, TooManyAttempts, Unauthorized, Unavailable,
        Unprocessable, UnsupportedMediaType,
    },
};

/// Log in
///
/// Exchanges an email and password for a bearer token, from the OAuth2
/// password form (`username` is the email) or from JSON. An unknown email and
/// a wrong password get the same 401. Repeated failures are refused with 429
/// and `Retry-After` for a while (the limits are in docs/api.md).
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
    accounts: Data<AccountService>,
    credentials: Credentials,
    client: Client,
) -> Result<HttpResponse, ApiError> {
    let token = accounts
        .login(&credentials.email, &credentials.password, &client.0)
        .await?;
    // RFC 6749 §5.1: a token response must not be cached.
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(TokenBody::from(token)))
}
