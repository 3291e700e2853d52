//! Agora's HTTP adapter: actix-web routes, request/response DTOs, the bearer
//! token extractors and the mapping of every error to `application/problem+json`.
//!
//! The composition root builds the domain services, then either calls
//! [`server`] or, in tests, [`HttpApp::build`] with `actix_web::test`: both
//! serve the same application.

mod app;
mod caller_extractors;
mod client;
pub mod cursor_token;
mod dto;
mod error;
mod handlers;
mod middleware;
mod openapi;
mod problem;
mod rejections;
mod routes;
mod settings;

pub use app::{HttpApp, Services, metrics_server, server};
pub use client::{InvalidProxy, parse_trusted_proxy};
pub use openapi::fields::NEW_PASSWORD_MAX_BYTES;
pub use settings::{HttpSettings, InvalidOrigin, MetricsText, normalise_origin};
