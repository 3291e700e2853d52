//! Agora's HTTP adapter: actix-web routes, request/response DTOs, the bearer
//! token extractors and the mapping of every error to `application/problem+json`.
//!
//! The composition root builds the domain services, then either calls
//! [`server`] or, in tests, [`HttpApp::build`] with `actix_web::test`: both
//! serve the same application.

mod app;
mod auth;
mod dto;
mod error;
mod handlers;
mod login_guard;
mod middleware;
mod openapi;
mod problem;
mod rejections;
mod routes;
mod settings;
mod throttle;

pub use app::{HttpApp, Services, server};
pub use settings::{HttpSettings, InvalidOrigin, LoginThrottleSettings, normalise_origin};
