use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use domain::{AccessToken, DomainError, FieldError};
use futures_util::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;

/// Login credentials, from the OAuth2 password form (what Swagger UI's
/// Authorize button and OAuth2 clients send) or from JSON. No `Debug`: it
/// holds a password.
pub(crate) struct Credentials {
    pub email: String,
    pub password: String,
}

/// The OAuth2 password grant (RFC 6749 §4.3.2): what Swagger UI's Authorize
/// button sends. `grant_type`, `scope` and client credentials are ignored.
#[derive(Deserialize, ToSchema)]
#[schema(as = LoginForm)]
pub(crate) struct PasswordForm {
    /// The account's email address.
    #[schema(value_type = String, required = true, format = Email, example = "ada@example.com")]
    username: Option<String>,
    #[schema(value_type = String, required = true, format = Password, example = "correct horse")]
    password: Option<String>,
}

/// Credentials as JSON.
#[derive(Deserialize, ToSchema)]
#[schema(as = LoginJson)]
pub(crate) struct JsonCredentials {
    #[schema(format = Email, example = "ada@example.com")]
    email: String,
    #[schema(format = Password, example = "correct horse")]
    password: String,
}

const FORM: &str = "application/x-www-form-urlencoded";

impl FromRequest for Credentials {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type = request.content_type().to_ascii_lowercase();
        if content_type == FORM {
            let form = web::Form::<PasswordForm>::from_request(request, payload);
            Box::pin(async move { Ok(Self::from_form(form.await?.into_inner())?) })
        } else if content_type == "application/json" || content_type.ends_with("+json") {
            let json = web::Json::<JsonCredentials>::from_request(request, payload);
            Box::pin(async move {
                let web::Json(JsonCredentials { email, password }) = json.await?;
                Ok(Self { email, password })
            })
        } else {
            Box::pin(async {
                Err(ApiError::UnsupportedMediaType(
                    "expected an OAuth2 password form (application/x-www-form-urlencoded) or JSON",
                )
                .into())
            })
        }
    }
}

impl Credentials {
    fn from_form(form: PasswordForm) -> Result<Self, ApiError> {
        match (form.username, form.password) {
            (Some(email), Some(password)) => Ok(Self { email, password }),
            (email, password) => {
                let missing = |field, value: &Option<String>| {
                    value.is_none().then(|| FieldError {
                        field,
                        message: "is required".to_owned(),
                    })
                };
                let errors = [missing("username", &email), missing("password", &password)];
                Err(DomainError::Validation(errors.into_iter().flatten().collect()).into())
            }
        }
    }
}

/// An access token (RFC 6749 §5.1): send it as `Authorization: Bearer <access_token>`.
#[derive(Serialize, ToSchema)]
#[schema(as = Token)]
pub(crate) struct TokenBody {
    /// A signed JWT (HS256).
    access_token: String,
    token_type: TokenType,
    /// Seconds until the token expires.
    #[schema(minimum = 1, example = 1800)]
    expires_in: u64,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TokenType {
    Bearer,
}

impl From<AccessToken> for TokenBody {
    fn from(token: AccessToken) -> Self {
        Self {
            access_token: token.token,
            token_type: TokenType::Bearer,
            expires_in: token.expires_in_seconds,
        }
    }
}
