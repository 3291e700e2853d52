//! Every request's id, span and access-log line, and what every response
//! carries: its headers, and `Connection: close` while the server drains.
//!
//! Hand-written rather than tracing-actix-web's `TracingLogger`: its request
//! id is always a fresh UUID (a client's sane `X-Request-Id` cannot be kept)
//! and it writes no response header, so it would still need this file's id
//! choice and header middleware, plus a custom `RootSpanBuilder`. Tried, that
//! came to 120 lines against the 95 below, with a second id per request (the
//! crate's `RequestId`) and no latency in the log line of an error outcome.

use std::time::Instant;

use actix_web::{
    Error,
    body::{BoxBody, MessageBody},
    dev::{ResponseHead, ServiceRequest, ServiceResponse},
    http::{
        ConnectionType,
        header::{
            AUTHORIZATION, CACHE_CONTROL, HeaderMap, HeaderName, HeaderValue,
            X_CONTENT_TYPE_OPTIONS,
        },
    },
    middleware::Next,
    web::Data,
};
use tracing::Instrument;
use uuid::Uuid;

use super::Draining;

pub(crate) const X_REQUEST_ID: &str = "x-request-id";

/// The longest client-chosen request id kept; longer ones are replaced.
const MAX_REQUEST_ID_LEN: usize = 128;

/// Gives every request an id (the client's, when it is sane), runs it in a
/// span carrying that id so every log line of the request has it, logs the
/// request once when it is answered, and returns the id as `X-Request-Id`
/// with the headers every response carries ([`decorate`]).
pub(crate) async fn request_context(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let id = request_id(request.headers());
    let credentials = request.headers().contains_key(AUTHORIZATION);
    let draining = request.app_data::<Data<Draining>>().cloned();
    let method = request.method().clone();
    let path = request.path().to_owned();
    let span = tracing::info_span!("request", request_id = %as_text(&id));
    let result = next.call(request).instrument(span).await;
    let status = super::answered_status(&result);
    tracing::info!(
        %method,
        %path,
        status = status.as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        request_id = %as_text(&id),
        "request"
    );
    // Read as the answer leaves: a request that began before the drain ends in it.
    let closing = draining.is_some_and(|d| d.is_on());
    match result {
        Ok(response) => {
            let mut response = response.map_into_boxed_body();
            decorate(response.response_mut().head_mut(), id, credentials, closing);
            Ok(response)
        }
        // The request is gone with the error, so the headers wait for
        // actix to build the response.
        Err(mut error) => {
            error.add_response_mapper(move |mut response| {
                decorate(response.head_mut(), id.clone(), credentials, closing);
                response
            });
            Err(error)
        }
    }
}

/// What every response carries: its request id; `nosniff`, so a browser
/// never runs a JSON body as something else; when the request carried
/// credentials, `no-store`, so no cache keeps an answer meant for one person
/// (an email, drafts, `liked_by_me`); and while the server drains
/// (`drain.rs`), `Connection: close`, so the peer goes elsewhere next.
fn decorate(head: &mut ResponseHead, id: HeaderValue, credentials: bool, closing: bool) {
    let headers = &mut head.headers;
    headers.insert(HeaderName::from_static(X_REQUEST_ID), id);
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if credentials {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if closing {
        head.set_connection_type(ConnectionType::Close);
    }
}

/// The client's id if it is 1 to 128 visible ASCII characters (anything
/// else could garble logs), or a new UUID v4.
fn request_id(headers: &HeaderMap) -> HeaderValue {
    headers
        .get(X_REQUEST_ID)
        .filter(|value| {
            let bytes = value.as_bytes();
            !bytes.is_empty()
                && bytes.len() <= MAX_REQUEST_ID_LEN
                && bytes.iter().all(u8::is_ascii_graphic)
        })
        .cloned()
        .unwrap_or_else(|| {
            HeaderValue::from_str(&fresh_id().to_string())
                .unwrap_or_else(|_| HeaderValue::from_static("unidentified"))
        })
}

/// A UUID v4 from this thread's generator. A request id must be unique, not
/// unpredictable, and `Uuid::new_v4` asks the kernel for its 16 bytes: one
/// `getrandom` system call on every request (docs/performance.md, finding 35).
fn fresh_id() -> Uuid {
    uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes()).into_uuid()
}

fn as_text(id: &HeaderValue) -> &str {
    id.to_str().unwrap_or("unprintable")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_for(value: &[u8]) -> HeaderValue {
        let mut headers = HeaderMap::new();
        headers.insert(
            HeaderName::from_static(X_REQUEST_ID),
            HeaderValue::from_bytes(value).unwrap(),
        );
        request_id(&headers)
    }

    #[test]
    fn a_sane_client_id_is_kept() {
        assert_eq!(id_for(b"abc-123_XYZ"), "abc-123_XYZ");
        let longest = "a".repeat(128);
        assert_eq!(id_for(longest.as_bytes()), longest.as_str());
    }

    #[test]
    fn anything_else_gets_a_fresh_uuid() {
        for bad in [
            &b"has space"[..],
            &"a".repeat(129).into_bytes(),
            b"tab\there",
            "é".as_bytes(),
        ] {
            let id = id_for(bad);
            assert_ne!(id.as_bytes(), bad);
            assert!(Uuid::parse_str(id.to_str().unwrap()).is_ok());
        }
        assert!(Uuid::parse_str(request_id(&HeaderMap::new()).to_str().unwrap()).is_ok());
    }

    #[test]
    fn fresh_ids_are_version_4_and_differ() {
        let ids: std::collections::HashSet<Uuid> = (0..10_000).map(|_| fresh_id()).collect();
        assert_eq!(ids.len(), 10_000);
        for id in ids {
            assert_eq!(id.get_version(), Some(uuid::Version::Random));
            assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
        }
    }
}
