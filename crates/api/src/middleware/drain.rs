//! Draining before a stop. Closing the listener the moment a signal arrives
//! races the balancer: a connection it opens in that instant, or a request
//! it sends on a kept-alive one, is cut off unanswered, and a balancer cannot
//! safely retry a `POST` that may have run. So for a configured while
//! (`HttpSettings::shutdown_drain`) the server keeps serving, readiness
//! answers 503 so the balancer's check takes the node out, and every
//! response closes its connection so no balancer reuses one. Only then does
//! the server stop accepting. actix has no such phase (its graceful stop
//! closes the listener at once), hence this flag.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::ConnectionType,
    middleware::Next,
    web::Data,
};

/// Whether the server is draining; shared by every worker of one server.
#[derive(Debug, Clone, Default)]
pub(crate) struct Draining(Arc<AtomicBool>);

impl Draining {
    pub(crate) fn start(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub(crate) fn is_on(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// While draining, answers every request with `Connection: close`, errors
/// included, so the peer opens its next connection elsewhere.
pub(crate) async fn close_when_draining(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let draining = request.app_data::<Data<Draining>>().cloned();
    let closing = move || draining.as_ref().is_some_and(|d| d.is_on());
    match next.call(request).await {
        Ok(mut response) => {
            if closing() {
                let head = response.response_mut().head_mut();
                head.set_connection_type(ConnectionType::Close);
            }
            Ok(response)
        }
        // The request is gone with the error; the response is built later.
        Err(mut error) => {
            if closing() {
                error.add_response_mapper(|mut response| {
                    response
                        .head_mut()
                        .set_connection_type(ConnectionType::Close);
                    response
                });
            }
            Err(error)
        }
    }
}
