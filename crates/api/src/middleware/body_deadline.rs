//! A deadline for the request body. actix cuts slow headers
//! (`client_request_timeout`) but lets a body trickle in for ever: one byte
//! every few seconds holds a connection, and a few thousand such clients
//! exhaust the file descriptors. No actix middleware crate bounds the body
//! (tower-http's `TimeoutBody` is for tower services), hence these few lines.

use std::{
    future::Future,
    io,
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use actix_web::{
    Error, HttpMessage,
    body::MessageBody,
    dev::{Payload, ServiceRequest, ServiceResponse},
    error::PayloadError,
    http::header::{CONTENT_LENGTH, TRANSFER_ENCODING},
    middleware::Next,
    rt::time::{Sleep, sleep},
    web::{Bytes, Data},
};
use futures_util::Stream;

/// How long a request's body may take to arrive, from when its headers did.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyDeadline(pub Duration);

/// Wraps the body of any request that has one in [`Deadline`]; the
/// extractor reading it then fails with a timeout (408) when it passes.
pub(crate) async fn body_deadline(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let limit = request.app_data::<Data<BodyDeadline>>().map(|d| d.0);
    if let Some(limit) = limit
        && has_body(&request)
    {
        let body = request.take_payload();
        let bounded: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> =
            Box::pin(Deadline {
                body,
                sleep: Box::pin(sleep(limit)),
                expired: false,
            });
        request.set_payload(Payload::from(bounded));
    }
    next.call(request).await
}

fn has_body(request: &ServiceRequest) -> bool {
    let headers = request.headers();
    headers.contains_key(TRANSFER_ENCODING)
        || headers
            .get(CONTENT_LENGTH)
            .is_some_and(|length| length.as_bytes() != b"0")
}

/// The body's chunks until the deadline, then one `TimedOut` error, then the end.
struct Deadline {
    body: Payload,
    sleep: Pin<Box<Sleep>>,
    expired: bool,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.expired {
            return Poll::Ready(None);
        }
        if let Poll::Ready(chunk) = Pin::new(&mut self.body).poll_next(cx) {
            return Poll::Ready(chunk);
        }
        match self.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.expired = true;
                Poll::Ready(Some(Err(PayloadError::Io(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the request body did not arrive in time",
                )))))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
