//! A panic in a handler becomes a logged 500, not a dropped connection.
//! actix-web leaves panics to the worker, which drops the connection with no
//! answer and no request log; actix-web-lab's `CatchPanic` answers, but in
//! plain text and from a large crate of experimental parts, so a few lines of
//! our own feed the panic into the one error path ([`ApiError`]) instead.

use std::panic::AssertUnwindSafe;

use actix_web::{
    Error,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
};
use domain::DomainError;
use futures_util::FutureExt;

use crate::error::ApiError;

/// A handler panicked; what it said goes to the log only.
#[derive(Debug, thiserror::Error)]
#[error("a handler panicked: {0}")]
struct Panicked(String);

pub(crate) async fn catch_panic(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // Nothing the handler shared survives to be seen half-updated: the
    // request is answered and dropped, and the application state is behind
    // locks that poisoning makes safe or atomics.
    match AssertUnwindSafe(next.call(request)).catch_unwind().await {
        Ok(result) => result.map(ServiceResponse::map_into_boxed_body),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic with no message".to_owned());
            // The request went down with the handler; actix builds the
            // response from the error, and the outer layers still see it.
            Err(ApiError::from(DomainError::unexpected(Panicked(message))).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::{
        App, HttpResponse,
        http::StatusCode,
        middleware::from_fn,
        test::{self, TestRequest},
        web,
    };

    use super::*;
    use crate::middleware::{problem_fallback, request_context};

    #[actix_web::test]
    async fn a_panicking_handler_answers_a_logged_500_problem_with_a_request_id() {
        let app = test::init_service(
            App::new()
                .route(
                    "/boom",
                    web::get().to(|| async {
                        if true {
                            panic!("test-only panic");
                        }
                        HttpResponse::Ok().finish()
                    }),
                )
                .route("/fine", web::get().to(HttpResponse::Ok))
                .wrap(from_fn(catch_panic))
                .wrap(from_fn(problem_fallback))
                .wrap(from_fn(request_context)),
        )
        .await;
        // As actix's dispatcher does with an error that reaches it.
        let response = test::try_call_service(&app, TestRequest::get().uri("/boom").to_request())
            .await
            .unwrap_err()
            .error_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers().contains_key("x-request-id"));
        assert_eq!(
            response.headers().get("content-type").unwrap(),
            "application/problem+json"
        );
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["status"], 500);
        assert!(!body.to_string().contains("test-only panic"), "{body}");
        // The worker lives on and serves the next request.
        let response = test::call_service(&app, TestRequest::get().uri("/fine").to_request()).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
}
