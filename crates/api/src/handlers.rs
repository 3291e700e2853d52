//! One function per route: extract, call one use case, map the result.

pub(crate) mod docs;
pub(crate) mod health;
pub(crate) mod likes;
pub(crate) mod login;
pub(crate) mod metrics;
pub(crate) mod posts;
pub(crate) mod sessions;
pub(crate) mod users;

use actix_web::{
    HttpRequest, HttpResponse, Responder, ResponseError,
    body::BoxBody,
    http::header::{ContentType, LOCATION},
};
use domain::DomainError;
use serde::Serialize;

use crate::{dto::PageBody, error::ApiError};

/// 201 with the new resource's address and representation.
fn created(location: String, body: impl Serialize) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((LOCATION, location))
        .json(body)
}

/// What a page's body is expected to take an item: a post of the benchmark's
/// seed is about 420 bytes, and longer ones grow the buffer as before. A
/// page of likers (about 120 bytes each) reserves more than it uses, for
/// as long as its answer is being written.
const EXPECTED_ITEM_BYTES: usize = 512;

/// A page is written into a buffer sized for its items: actix-web's `Json`
/// starts serde_json at 128 bytes and doubles, seven reallocations and their
/// copies for the 8 KB of a default page (docs/performance.md, finding 34).
impl<T: Serialize> Responder for PageBody<T> {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        let mut body = Vec::with_capacity(64 + self.len() * EXPECTED_ITEM_BYTES);
        match serde_json::to_writer(&mut body, &self) {
            Ok(()) => HttpResponse::Ok()
                .content_type(ContentType::json())
                .body(body),
            Err(error) => ApiError::from(DomainError::unexpected(error)).error_response(),
        }
    }
}
