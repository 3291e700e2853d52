//! Accounts: users and their values in `model`, registration, sign-in and
//! self-service in `service`, the session use cases in `sessions`.

mod model;
mod service;
mod sessions;

pub use model::{
    AccessToken, Email, NewUser, Password, PasswordHash, User, UserChanges, UserName, UserProfile,
};
pub use service::{AccountService, AccountUpdate, Registration};
