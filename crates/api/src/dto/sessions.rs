use domain::{Session, SessionId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time::Rfc3339;
use crate::openapi::fields;

/// One of the caller's sessions: a sign-in and the tokens refreshed from it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Session)]
pub(crate) struct SessionBody {
    #[schema(example = 1)]
    id: i64,
    /// When this session signed in.
    #[schema(value_type = String, format = DateTime)]
    created_at: Rfc3339,
    /// The last sign-in or refresh.
    #[schema(value_type = String, format = DateTime)]
    last_used_at: Rfc3339,
    /// The client's address at sign-in, if known.
    #[schema(example = "203.0.113.7")]
    client_address: Option<String>,
    /// The client's `User-Agent` at sign-in.
    #[schema(example = "Mozilla/5.0")]
    user_agent: Option<String>,
    /// Whether the token of this request belongs to this session.
    current: bool,
}

impl SessionBody {
    pub(crate) fn new(session: Session, current: SessionId) -> Self {
        Self {
            id: session.id.get(),
            created_at: Rfc3339(session.created_at),
            last_used_at: Rfc3339(session.last_used_at),
            client_address: session.client_address,
            user_agent: session.user_agent,
            current: session.id == current,
        }
    }
}

/// What deleting the account asks for: the password, not just a token.
// No `Debug`: it holds a password.
#[derive(Deserialize, ToSchema)]
#[schema(as = AccountDeletion)]
pub(crate) struct DeleteAccountBody {
    #[schema(schema_with = fields::current_password)]
    pub current_password: Option<String>,
}
