//! One function per route: extract, call one use case, map the result.

pub(crate) mod docs;
pub(crate) mod health;
pub(crate) mod likes;
pub(crate) mod login;
pub(crate) mod metrics;
pub(crate) mod posts;
pub(crate) mod sessions;
pub(crate) mod users;

use actix_web::{HttpResponse, http::header::LOCATION};
use serde::Serialize;

/// 201 with the new resource's address and representation.
fn created(location: String, body: impl Serialize) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((LOCATION, location))
        .json(body)
}
