use domain::{AccountUpdate, Registration, User, UserProfile};
use serde::{Deserialize, Serialize};

use super::time::rfc3339;

/// No `Debug`: it holds a password.
#[derive(Deserialize)]
pub(crate) struct RegisterBody {
    name: String,
    email: String,
    password: String,
}

impl From<RegisterBody> for Registration {
    fn from(body: RegisterBody) -> Self {
        Self {
            name: body.name,
            email: body.email,
            password: body.password,
        }
    }
}

/// No `Debug`: it holds passwords.
#[derive(Deserialize)]
pub(crate) struct UpdateAccountBody {
    name: Option<String>,
    password: Option<String>,
    current_password: Option<String>,
}

impl From<UpdateAccountBody> for AccountUpdate {
    fn from(body: UpdateAccountBody) -> Self {
        Self {
            name: body.name,
            password: body.password,
            current_password: body.current_password,
        }
    }
}

/// The caller's own account: the only place an email is shown.
#[derive(Debug, Serialize)]
pub(crate) struct AccountBody {
    id: i64,
    name: String,
    email: String,
    created_at: String,
}

impl From<User> for AccountBody {
    fn from(user: User) -> Self {
        Self {
            id: user.id.get(),
            name: user.name.as_str().to_owned(),
            email: user.email.as_str().to_owned(),
            created_at: rfc3339(user.created_at),
        }
    }
}

/// What anyone may see of a user.
#[derive(Debug, Serialize)]
pub(crate) struct ProfileBody {
    id: i64,
    name: String,
    created_at: String,
    post_count: i64,
}

impl From<UserProfile> for ProfileBody {
    fn from(profile: UserProfile) -> Self {
        Self {
            id: profile.id.get(),
            name: profile.name.as_str().to_owned(),
            created_at: rfc3339(profile.created_at),
            post_count: profile.post_count,
        }
    }
}
