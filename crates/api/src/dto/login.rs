use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use domain::{DomainError, FieldError, SignIn};
use futures_util::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;

/// What a client asks the token endpoint for, from the OAuth2 form (what
/// Swagger UI's Authorize button and OAuth2 clients send) or from JSON.
/// No `Debug`: it holds a password or a refresh token.
pub(crate) enum Grant {
    /// RFC 6749 §4.3: the account's email and password.
    Password { email: String, password: String },
    /// RFC 6749 §6: a refresh token for a new pair of tokens.
    RefreshToken { refresh_token: String },
}

/// The OAuth2 token request as a form: the password grant (RFC 6749
/// §4.3.2, `username` is the email) or the refresh grant (§6). Without
/// `grant_type`, the password grant. `scope` and client credentials are ignored.
#[derive(Deserialize, ToSchema)]
#[schema(as = LoginForm)]
pub(crate) struct PasswordForm {
    /// `password` (the default) or `refresh_token`.
    #[schema(value_type = String, required = false, example = "password")]
    grant_type: Option<String>,
    /// The account's email address (password grant).
    #[schema(value_type = String, required = false, format = Email, example = "ada@example.com")]
    username: Option<String>,
    /// The account's password (password grant).
    #[schema(value_type = String, required = false, format = Password, example = "correct horse")]
    password: Option<String>,
    /// A refresh token from an earlier answer (refresh grant).
    #[schema(value_type = String, required = false)]
    refresh_token: Option<String>,
}

/// The token request as JSON: `{email, password}`, or
/// `{grant_type: "refresh_token", refresh_token}`. A `null` member is the
/// same as an absent one, and the document says so (schemathesis found a
/// `null` it called invalid being accepted).
#[derive(Deserialize, ToSchema)]
#[schema(as = LoginJson)]
pub(crate) struct JsonCredentials {
    /// `password` (the default) or `refresh_token`.
    #[schema(value_type = Option<String>, required = false, example = "password")]
    grant_type: Option<String>,
    #[schema(value_type = Option<String>, required = false, format = Email, example = "ada@example.com")]
    email: Option<String>,
    #[schema(value_type = Option<String>, required = false, format = Password, example = "correct horse")]
    password: Option<String>,
    #[schema(value_type = Option<String>, required = false)]
    refresh_token: Option<String>,
}

const FORM: &str = "application/x-www-form-urlencoded";

impl FromRequest for Grant {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type = request.content_type().to_ascii_lowercase();
        if content_type == FORM {
            let form = web::Form::<PasswordForm>::from_request(request, payload);
            Box::pin(async move {
                let form = form.await?.into_inner();
                let fields = [("username", form.username), ("password", form.password)];
                Ok(Self::parse(form.grant_type, fields, form.refresh_token)?)
            })
        } else if content_type == "application/json" || content_type.ends_with("+json") {
            let json = web::Json::<JsonCredentials>::from_request(request, payload);
            Box::pin(async move {
                let body = json.await?.into_inner();
                let fields = [("email", body.email), ("password", body.password)];
                Ok(Self::parse(body.grant_type, fields, body.refresh_token)?)
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

impl Grant {
    /// `credentials` are the email and password fields, under the names the
    /// client used.
    fn parse(
        grant_type: Option<String>,
        credentials: [(&'static str, Option<String>); 2],
        refresh_token: Option<String>,
    ) -> Result<Self, ApiError> {
        match grant_type.as_deref() {
            None | Some("password") => match credentials {
                [(_, Some(email)), (_, Some(password))] => Ok(Self::Password { email, password }),
                fields => Err(missing(fields.iter().map(|(name, value)| (*name, value)))),
            },
            Some("refresh_token") => match refresh_token {
                Some(refresh_token) => Ok(Self::RefreshToken { refresh_token }),
                None => Err(missing([("refresh_token", &None)])),
            },
            Some(_) => Err(ApiError::UnsupportedGrantType),
        }
    }
}

fn missing<'a>(fields: impl IntoIterator<Item = (&'static str, &'a Option<String>)>) -> ApiError {
    let errors = fields
        .into_iter()
        .filter(|(_, value)| value.is_none())
        .map(|(field, _)| FieldError {
            field,
            message: "is required".to_owned(),
        })
        .collect();
    DomainError::Validation(errors).into()
}

/// A token pair (RFC 6749 §5.1): send `access_token` as
/// `Authorization: Bearer <access_token>`; trade `refresh_token` for a new
/// pair before `expires_in` passes.
#[derive(Serialize, ToSchema)]
#[schema(as = Token)]
pub(crate) struct TokenBody {
    /// A signed JWT (HS256).
    access_token: String,
    token_type: TokenType,
    /// Seconds until the access token expires.
    #[schema(minimum = 1, example = 1800)]
    expires_in: u64,
    /// Opaque; works once: each refresh returns its successor, and using a
    /// spent one again ends the session.
    refresh_token: String,
    /// Seconds until the refresh token expires.
    #[schema(minimum = 1, example = 2_592_000)]
    refresh_expires_in: u64,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TokenType {
    Bearer,
}

impl From<SignIn> for TokenBody {
    fn from(signed_in: SignIn) -> Self {
        Self {
            access_token: signed_in.access.token,
            token_type: TokenType::Bearer,
            expires_in: signed_in.access.expires_in_seconds,
            refresh_token: signed_in.refresh.token,
            refresh_expires_in: signed_in.refresh_expires_in.as_secs(),
        }
    }
}
