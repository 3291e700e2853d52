use actix_web::{
    Error,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
};

use crate::error::ApiError;

/// On the token endpoint only (`POST /login`), answers a refused request as
/// an OAuth2 error (RFC 6749 §5.2) as well as a problem: the same status and
/// problem members, plus `error` and `error_description`, which OAuth2
/// clients and Swagger UI's Authorize dialog show. The mapping itself stays
/// in [`ApiError`]; this only asks for its token-endpoint form.
pub(crate) async fn token_endpoint_errors(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let response = next.call(request).await?.map_into_boxed_body();
    let reshaped = response
        .response()
        .error()
        .and_then(|error| error.as_error::<ApiError>())
        .and_then(ApiError::token_endpoint_response);
    Ok(match reshaped {
        Some(reshaped) => response.into_response(reshaped),
        None => response,
    })
}
