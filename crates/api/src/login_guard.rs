use std::net::IpAddr;

use domain::{AccessToken, AccountService, AccountUpdate, DomainError, User};

use crate::{dto::Credentials, error::ApiError, throttle::LoginThrottle};

/// The login use case behind the throttle: a locked email or client is
/// refused before any password hashing is spent on it, and every attempt is
/// counted as it starts, so parallel guesses cannot outrun the count.
pub(crate) struct ThrottledLogin {
    accounts: AccountService,
    throttle: LoginThrottle,
}

impl ThrottledLogin {
    pub(crate) fn new(accounts: AccountService, throttle: LoginThrottle) -> Self {
        Self { accounts, throttle }
    }

    /// Errors: [`ApiError::TooManyAttempts`], then whatever the login fails with.
    pub(crate) async fn login(
        &self,
        credentials: &Credentials,
        client: Option<IpAddr>,
    ) -> Result<AccessToken, ApiError> {
        let email = credentials.email.as_str();
        self.throttle
            .begin_attempt(email, client)
            .map_err(|retry_after| ApiError::TooManyAttempts { retry_after })?;
        let outcome = self.accounts.login(email, &credentials.password).await;
        match &outcome {
            Ok(_) => self.throttle.succeeded(email, client),
            Err(DomainError::InvalidCredentials) => {}
            Err(_) => self.throttle.abandoned(email, client),
        }
        Ok(outcome?)
    }

    /// Account changes that carry `current_password` are password checks
    /// too: they count against the same limits, keyed by the account's email,
    /// so a stolen token cannot be used to guess the password.
    /// Errors: [`ApiError::TooManyAttempts`], then whatever the update fails with.
    pub(crate) async fn update_account(
        &self,
        caller: &User,
        update: AccountUpdate,
        client: Option<IpAddr>,
    ) -> Result<User, ApiError> {
        if update.current_password.is_none() {
            return Ok(self.accounts.update(caller.id, update).await?);
        }
        let email = caller.email.as_str();
        self.throttle
            .begin_attempt(email, client)
            .map_err(|retry_after| ApiError::TooManyAttempts { retry_after })?;
        let outcome = self.accounts.update(caller.id, update).await;
        match &outcome {
            Ok(_) => self.throttle.succeeded(email, client),
            // Given but refused: the only rule current_password can break.
            Err(DomainError::Validation(errors))
                if errors.iter().any(|e| e.field == "current_password") => {}
            Err(_) => self.throttle.abandoned(email, client),
        }
        Ok(outcome?)
    }
}
