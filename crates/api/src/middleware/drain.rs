//! Draining before a stop. Closing the listener the moment a signal arrives
//! races the balancer: a connection it opens in that instant, or a request
//! it sends on a kept-alive one, is cut off unanswered, and a balancer cannot
//! safely retry a `POST` that may have run. So for a configured while
//! (`HttpSettings::shutdown_drain`) the server keeps serving, readiness
//! answers 503 so the balancer's check takes the node out, and every
//! response closes its connection so no balancer reuses one (`request_context`
//! marks them, beside the headers every response carries). Only then does
//! the server stop accepting. actix has no such phase (its graceful stop
//! closes the listener at once), hence this flag.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
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
