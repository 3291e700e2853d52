use std::{fmt, sync::Arc};

use crate::{
    Caller, ClientAddress, CredentialThrottle, DomainError, Email, Entity, NewUser, Password,
    PasswordHasher, SessionRepository, SignIn, TokenService, User, UserAgent, UserChanges, UserId,
    UserName, UserProfile, UserRepository, validation::collect,
};

/// Raw registration input, as a client sent it. `Debug` redacts the password.
#[derive(Clone, Default)]
pub struct Registration {
    /// Display name; rules in [`UserName::parse`].
    pub name: String,
    /// Login address; rules in [`Email::parse`].
    pub email: String,
    /// Rules in [`Password::parse`].
    pub password: String,
}

/// Raw account changes; `current_password` is required to set a new password.
/// `Debug` redacts both passwords.
#[derive(Clone, Default)]
pub struct AccountUpdate {
    /// New display name; `None` keeps the current one.
    pub name: Option<String>,
    /// New password; `None` keeps the current one.
    pub password: Option<String>,
    /// The password now in force: required with `password`, checked whenever given.
    pub current_password: Option<String>,
}

/// What `Debug` shows of a password that may or may not be given.
fn redacted(password: Option<&String>) -> Option<&'static str> {
    password.map(|_| "<redacted>")
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("name", &self.name)
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl fmt::Debug for AccountUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountUpdate")
            .field("name", &self.name)
            .field("password", &redacted(self.password.as_ref()))
            .field(
                "current_password",
                &redacted(self.current_password.as_ref()),
            )
            .finish()
    }
}

/// Registration, sign-in and sessions, token checks and self-service on
/// one's account. Every password check (login, `current_password`) and
/// every registration goes through the [`CredentialThrottle`].
#[derive(Clone)]
pub struct AccountService {
    pub(super) users: Arc<dyn UserRepository>,
    pub(super) sessions: Arc<dyn SessionRepository>,
    pub(super) hasher: Arc<dyn PasswordHasher>,
    pub(super) tokens: Arc<dyn TokenService>,
    pub(super) throttle: CredentialThrottle,
}

impl AccountService {
    /// Builds the service on its ports.
    pub fn new(
        users: Arc<dyn UserRepository>,
        sessions: Arc<dyn SessionRepository>,
        hasher: Arc<dyn PasswordHasher>,
        tokens: Arc<dyn TokenService>,
        throttle: CredentialThrottle,
    ) -> Self {
        Self {
            users,
            sessions,
            hasher,
            tokens,
            throttle,
        }
    }

    /// Errors: [`DomainError::Validation`] listing every broken rule,
    /// [`DomainError::TooManyAttempts`] past the registrations allowed from
    /// the client's network (only valid input counts), [`DomainError::EmailTaken`].
    pub async fn register(
        &self,
        input: Registration,
        client: &ClientAddress,
    ) -> Result<User, DomainError> {
        let email = Email::parse(&input.email);
        let max_bytes = self.hasher.max_password_bytes();
        let password = match &email {
            Ok(email) => Password::parse(&input.password, email, max_bytes).map(Some),
            // The email rule cannot be checked; the others still are.
            Err(_) => Password::check(&input.password, max_bytes).map(|()| None),
        };
        let (name, email, password) = match (UserName::parse(&input.name), email, password) {
            (Ok(name), Ok(email), Ok(Some(password))) => (name, email, password),
            (name, email, password) => {
                return Err(collect([
                    ("name", name.err()),
                    ("email", email.err()),
                    ("password", password.err()),
                ]));
            }
        };
        self.throttle.register(client).await?;
        let password_hash = self.hasher.hash(&password).await?;
        self.users
            .insert(NewUser {
                name,
                email,
                password_hash,
            })
            .await
    }

    /// Opens a session: an access token and the first refresh token.
    /// Errors: [`DomainError::TooManyAttempts`] before any hashing, then
    /// [`DomainError::InvalidCredentials`], the same for an unknown email and
    /// a wrong password, after the same amount of hashing work.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client: &ClientAddress,
        user_agent: UserAgent,
    ) -> Result<SignIn, DomainError> {
        let check = self.throttle.begin(email, client).await?;
        let outcome = self.check_credentials(email, password).await;
        match &outcome {
            Ok(_) => check.succeeded().await?,
            Err(DomainError::InvalidCredentials) => check.failed().await?,
            // Storage trouble says nothing about the password: not counted.
            Err(_) => {}
        }
        self.open_session(outcome?, client, user_agent).await
    }

    async fn check_credentials(&self, email: &str, password: &str) -> Result<User, DomainError> {
        let user = match Email::parse(email) {
            Ok(email) => self.users.find_by_email(&email).await?,
            Err(_) => None,
        };
        let matches = match &user {
            Some(user) => self.hasher.verify(password, &user.password_hash).await?,
            None => {
                self.hasher
                    .verify(password, &self.hasher.dummy_hash())
                    .await?;
                false
            }
        };
        match user {
            Some(user) if matches => Ok(user),
            _ => Err(DomainError::InvalidCredentials),
        }
    }

    /// The caller's account as stored now.
    ///
    /// # Errors
    /// [`DomainError::CallerGone`] when the account was deleted after the
    /// caller was authenticated.
    pub async fn current_user(&self, caller: &Caller) -> Result<User, DomainError> {
        self.users
            .find_by_id(caller.id())
            .await?
            .ok_or(DomainError::CallerGone)
    }

    /// Changes name and/or password. A given `current_password` is always
    /// checked, as a password check of the account's email from `client`;
    /// a new password requires it, and revokes every session but the caller's.
    /// Errors: [`DomainError::Validation`], [`DomainError::CallerGone`],
    /// [`DomainError::TooManyAttempts`], [`DomainError::WrongCurrentPassword`].
    pub async fn update(
        &self,
        caller: &Caller,
        input: AccountUpdate,
        client: &ClientAddress,
    ) -> Result<User, DomainError> {
        let id = caller.id();
        let name = input.name.as_deref().map(UserName::parse).transpose();
        let password = input
            .password
            .as_deref()
            .map(|raw| Password::parse(raw, &caller.user().email, self.hasher.max_password_bytes()))
            .transpose();
        let missing_current = (input.password.is_some() && input.current_password.is_none())
            .then(|| crate::InvalidValue::new("is required to change the password"));
        let (name, password) = match (name, password, missing_current) {
            (Ok(name), Ok(password), None) => (name, password),
            (name, password, missing_current) => {
                return Err(collect([
                    ("name", name.err()),
                    ("password", password.err()),
                    ("current_password", missing_current),
                ]));
            }
        };
        let user = self.current_user(caller).await?;
        if let Some(current) = &input.current_password {
            self.check_current_password(&user, current, client).await?;
        }
        if name.is_none() && password.is_none() {
            return Ok(user);
        }
        let password_hash = match &password {
            Some(password) => Some(self.hasher.hash(password).await?),
            None => None,
        };
        let changes_password = password_hash.is_some();
        let user = self
            .users
            .update(
                id,
                UserChanges {
                    name,
                    password_hash,
                },
            )
            .await?
            .ok_or(DomainError::CallerGone)?;
        if changes_password {
            // Whoever held the old password may hold a session: only the
            // caller's survives.
            self.sessions.revoke_others(id, caller.session()).await?;
        }
        Ok(user)
    }

    async fn check_current_password(
        &self,
        user: &User,
        current: &str,
        client: &ClientAddress,
    ) -> Result<(), DomainError> {
        let check = self.throttle.begin(user.email.as_str(), client).await?;
        if self.hasher.verify(current, &user.password_hash).await? {
            check.succeeded().await
        } else {
            check.failed().await?;
            Err(DomainError::WrongCurrentPassword)
        }
    }

    /// Deletes the account with its posts, likes and sessions, once
    /// `current_password` (checked as a password check from `client`) proves
    /// the caller knows the password, not just holds a token.
    /// Errors: [`DomainError::Validation`] without `current_password`,
    /// [`DomainError::TooManyAttempts`], [`DomainError::WrongCurrentPassword`],
    /// [`DomainError::CallerGone`].
    pub async fn delete(
        &self,
        caller: &Caller,
        current_password: Option<&str>,
        client: &ClientAddress,
    ) -> Result<(), DomainError> {
        let Some(current) = current_password else {
            return Err(DomainError::invalid(
                "current_password",
                "is required to delete the account",
            ));
        };
        self.check_current_password(caller.user(), current, client)
            .await?;
        if self.users.delete(caller.id()).await? {
            Ok(())
        } else {
            Err(DomainError::CallerGone)
        }
    }

    /// Errors: [`DomainError::NotFound`].
    pub async fn profile(&self, id: UserId) -> Result<UserProfile, DomainError> {
        self.users
            .profile(id)
            .await?
            .ok_or(DomainError::NotFound(Entity::User))
    }
}

#[cfg(test)]
mod tests;
