use std::net::IpAddr;

use domain::{AccessToken, AccountService, DomainError};

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
}
