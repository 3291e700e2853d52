use actix_web::{
    HttpRequest, HttpResponse,
    http::header::{CACHE_CONTROL, USER_AGENT},
    web::Data,
};
use domain::{AccountService, UserAgent};

use crate::{
    client::Client,
    dto::{Grant, JsonCredentials, PasswordForm, TokenBody},
    error::ApiError,
    openapi::responses::{
        BadRequest, PayloadTooLarge, RequestTimeout, TooManyAttempts, Unauthorized, Unavailable,
        Unprocessable, UnsupportedMediaType,
    },
};

/// Log in, or refresh
///
/// The OAuth2 token endpoint. The password grant (the default; `username`
/// is the email) opens a session; the refresh grant
/// (`grant_type=refresh_token`) trades a refresh token for a new pair, and
/// the one presented stops working. Presenting a spent refresh token again
/// ends its session. An unknown email and a wrong password get the same
/// 401; repeated failures are refused with 429 and `Retry-After`.
#[utoipa::path(
    post,
    path = "/login",
    operation_id = "login",
    tag = "accounts",
    request_body(
        description = "The OAuth2 token request as a form, or the same as JSON.",
        content(
            (PasswordForm = "application/x-www-form-urlencoded"),
            (JsonCredentials = "application/json"),
        ),
    ),
    responses(
        (status = 200, description = "An access token and a refresh token.", body = TokenBody,
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
    grant: Grant,
    client: Client,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let signed_in = match grant {
        Grant::Password { email, password } => {
            let agent = request
                .headers()
                .get(USER_AGENT)
                .and_then(|value| value.to_str().ok());
            accounts
                .login(&email, &password, &client.0, UserAgent::new(agent))
                .await?
        }
        Grant::RefreshToken { refresh_token } => accounts.refresh(&refresh_token).await?,
    };
    // RFC 6749 §5.1: a token response must not be cached.
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(TokenBody::from(signed_in)))
}
