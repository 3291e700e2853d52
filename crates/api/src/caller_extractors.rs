//! Extractors that turn a request's bearer token into the domain's
//! [`Caller`], or a [`ClaimedCaller`] for a read or a write that checks
//! the session itself: a handler states whether it needs a caller by the
//! type it asks for, so there is no list of public paths to keep in sync.

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header::AUTHORIZATION, web::Data};
use domain::{AccountService, Caller, ClaimedCaller, DomainError};
use futures_util::future::LocalBoxFuture;

use crate::error::ApiError;

/// A caller with a valid token whose session is live and whose user still
/// exists; 401 otherwise.
pub(crate) struct AuthenticatedUser(pub Caller);

impl FromRequest for AuthenticatedUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let bearer = Bearer::read(request);
        Box::pin(async move {
            let bearer = bearer?.ok_or(ApiError::MissingToken)?;
            Ok(Self(bearer.authenticate().await?))
        })
    }
}

/// What the token claims, if one is presented, with its signature and
/// expiry checked but not its session: for the reads open to anyone, which
/// check the session in their own statement. No header means anonymous,
/// while a bad token is a 401 here and an ended session a 401 from the
/// read, so a client never silently loses its identity.
pub(crate) struct MaybeClaimed(pub Option<ClaimedCaller>);

impl FromRequest for MaybeClaimed {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Bearer::read(request).and_then(|bearer| {
            let claimed = bearer
                .map(|Bearer { accounts, token }| accounts.claim(&token))
                .transpose()?;
            Ok(Self(claimed))
        }))
    }
}

/// What a required token claims, with its signature and expiry checked but
/// not its session: for a write that checks the session in its own
/// statement. 401 without a header or with a bad token here, and for an
/// ended session from the write.
pub(crate) struct Claimed(pub ClaimedCaller);

impl FromRequest for Claimed {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        std::future::ready(
            MaybeClaimed::from_request(request, payload)
                .into_inner()
                .and_then(|claimed| claimed.0.map(Self).ok_or(ApiError::MissingToken)),
        )
    }
}

/// A bearer token whose signature and claims are good, whether or not its
/// session is still live: what ending a session needs, so that logging
/// out twice is not an error. 401 without a header or with a bad token.
pub(crate) struct SignedToken(pub String);

impl FromRequest for SignedToken {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let bearer = Bearer::read(request);
        Box::pin(async move {
            match bearer? {
                Some(Bearer { token, .. }) => Ok(Self(token)),
                None => Err(ApiError::MissingToken),
            }
        })
    }
}

/// A presented token with the service that checks it, taken from the
/// request up front because the extractor's future may not borrow it.
struct Bearer {
    accounts: Data<AccountService>,
    token: String,
}

impl Bearer {
    /// `None` without an `Authorization` header; an error for a header
    /// that does not hold a bearer token.
    fn read(request: &HttpRequest) -> Result<Option<Self>, ApiError> {
        let Some(header) = request.headers().get(AUTHORIZATION) else {
            return Ok(None);
        };
        let token = header
            .to_str()
            .ok()
            .and_then(|value| value.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim().to_owned())
            .filter(|token| !token.is_empty())
            .ok_or(DomainError::InvalidToken)?;
        let accounts = request
            .app_data::<Data<AccountService>>()
            .cloned()
            .ok_or_else(|| {
                DomainError::unexpected("AccountService is not registered as app data")
            })?;
        Ok(Some(Self { accounts, token }))
    }

    async fn authenticate(self) -> Result<Caller, ApiError> {
        Ok(self.accounts.authenticate(&self.token).await?)
    }
}
