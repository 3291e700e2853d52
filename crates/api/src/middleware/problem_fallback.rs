use actix_web::{
    Error, HttpResponse,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue},
    middleware::Next,
};

use crate::problem::{self, PROBLEM_JSON};

/// Rewrites any error response that is not problem+json yet (actix-cors'
/// refusals, or an error some middleware returns) so that clients can rely
/// on one error format. Our own errors are problem+json already and pass.
pub(crate) async fn problem_fallback(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    match next.call(request).await {
        Ok(response) => {
            let (request, response) = response.map_into_boxed_body().into_parts();
            Ok(ServiceResponse::new(request, as_problem(response)))
        }
        // The request is gone with the error, so the rewrite waits for
        // actix to build the response.
        Err(mut error) => {
            error.add_response_mapper(as_problem);
            Err(error)
        }
    }
}

fn as_problem(response: HttpResponse) -> HttpResponse {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || problem::is_problem(&response) {
        return response;
    }
    let detail = match response.error() {
        Some(error) if status.is_client_error() => error.to_string(),
        _ => status.canonical_reason().unwrap_or("Error").to_owned(),
    };
    response.map_body(|head, _| {
        head.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        head.headers.remove(CONTENT_LENGTH);
        BoxBody::new(problem::body(status, &detail, &[]))
    })
}
