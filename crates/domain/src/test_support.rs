//! What this crate's unit tests share: callers, which only authentication
//! makes outside the crate.

use std::time::SystemTime;

use crate::{Caller, Email, PasswordHash, SessionId, User, UserId, UserName};

/// A caller for user `id` in session 1.
pub(crate) fn caller(id: UserId) -> Caller {
    Caller::new(
        User {
            id,
            name: UserName::parse("Someone").expect("a valid name"),
            email: Email::parse(&format!("user{id}@example.com")).expect("a valid email"),
            password_hash: PasswordHash::new("hash"),
            created_at: SystemTime::UNIX_EPOCH,
        },
        SessionId::new(1),
    )
}
