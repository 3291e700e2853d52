use actix_cors::Cors;
use actix_web::http::{
    Method,
    header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, LOCATION},
};

use super::request_context::X_REQUEST_ID;

/// How long browsers may cache a preflight answer.
const PREFLIGHT_MAX_AGE_SECONDS: usize = 3600;

/// CORS for these origins, which must already be validated
/// ([`crate::HttpSettings::validate`]): actix-cors would otherwise refuse to
/// start the app.
///
/// A request from another origin is served without CORS headers rather than
/// refused, so the browser, not the server, blocks the page from reading it.
pub(crate) fn cors(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allowed_headers([AUTHORIZATION, CONTENT_TYPE])
        .expose_headers([LOCATION, HeaderName::from_static(X_REQUEST_ID)])
        .max_age(PREFLIGHT_MAX_AGE_SECONDS)
        .block_on_origin_mismatch(false)
}
