use domain::{AccountUpdate, Registration, User, UserProfile};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time::Rfc3339;
use crate::openapi::fields;

/// A new account.
// No `Debug`: it holds a password.
#[derive(Deserialize, ToSchema)]
#[schema(as = Registration)]
pub(crate) struct RegisterBody {
    #[schema(schema_with = fields::name)]
    name: String,
    #[schema(schema_with = fields::email)]
    email: String,
    #[schema(schema_with = fields::new_password)]
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

/// Changes to the caller's account; absent or null fields stay as they are.
// No `Debug`: it holds passwords.
#[derive(Deserialize, ToSchema)]
#[schema(as = AccountUpdate)]
pub(crate) struct UpdateAccountBody {
    #[schema(schema_with = fields::optional_name)]
    name: Option<String>,
    #[schema(schema_with = fields::optional_new_password)]
    password: Option<String>,
    #[schema(schema_with = fields::current_password)]
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
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Account)]
pub(crate) struct AccountBody {
    #[schema(example = 1)]
    id: i64,
    #[schema(example = "Ada Lovelace")]
    name: String,
    #[schema(format = Email, example = "ada@example.com")]
    email: String,
    #[schema(value_type = String, format = DateTime)]
    created_at: Rfc3339,
}

impl From<User> for AccountBody {
    fn from(user: User) -> Self {
        Self {
            id: user.id.get(),
            name: user.name.into(),
            email: user.email.as_str().to_owned(),
            created_at: Rfc3339(user.created_at),
        }
    }
}

/// What anyone may see of a user.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Profile)]
pub(crate) struct ProfileBody {
    #[schema(example = 1)]
    id: i64,
    #[schema(example = "Ada Lovelace")]
    name: String,
    #[schema(value_type = String, format = DateTime)]
    created_at: Rfc3339,
    /// Published posts only.
    #[schema(minimum = 0)]
    post_count: i64,
}

impl From<UserProfile> for ProfileBody {
    fn from(profile: UserProfile) -> Self {
        Self {
            id: profile.id.get(),
            name: profile.name.into(),
            created_at: Rfc3339(profile.created_at),
            post_count: profile.post_count,
        }
    }
}
