//! Adapters for the domain's credential ports: [`BcryptHasher`] implements
//! [`domain::PasswordHasher`] and [`JwtTokenService`] implements
//! [`domain::TokenService`] (HS256 JSON Web Tokens).
//!
//! Both are built once in the composition root from validated settings;
//! their constructors refuse parameters that would make them insecure
//! (a cost outside bcrypt's range, a short signing secret) with an
//! [`AuthError`].

mod error;
mod password;
mod token;

pub use error::AuthError;
pub use password::BcryptHasher;
pub use token::JwtTokenService;
