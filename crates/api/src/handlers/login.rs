use actix_web::{HttpRequest, HttpResponse, http::header::CACHE_CONTROL, web::Data};

use crate::{
    dto::{Credentials, TokenBody},
    error::ApiError,
    login_guard::ThrottledLogin,
};

/// The peer address, not `X-Forwarded-For`: a header any client can forge
/// would let it dodge its per-client limit.
pub(crate) async fn login(
    login: Data<ThrottledLogin>,
    credentials: Credentials,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let client = request.peer_addr().map(|address| address.ip());
    let token = login.login(&credentials, client).await?;
    // RFC 6749 §5.1: a token response must not be cached.
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(TokenBody::from(token)))
}
