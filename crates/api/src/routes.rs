//! The route table, as in the contract.

use actix_web::{
    HttpRequest, HttpResponse, Resource, Route,
    http::Method,
    middleware::from_fn,
    web::{self, ServiceConfig},
};

use crate::{
    error::ApiError,
    handlers::{docs, health, likes, login, metrics, posts, sessions, users},
    middleware,
};

pub(crate) fn routes(config: &mut ServiceConfig) {
    use Method as M;
    config
        // Posts first: actix tries resources in order, and each dynamic one
        // it passes costs a regex run, a few percent of a cheap read.
        .service(resource(
            "/posts",
            [
                (M::GET, web::to(posts::list)),
                (M::POST, web::to(posts::create)),
            ],
        ))
        .service(resource(
            "/posts/{id}",
            [
                (M::GET, web::to(posts::get)),
                (M::PUT, web::to(posts::replace)),
                (M::PATCH, web::to(posts::patch)),
                (M::DELETE, web::to(posts::delete)),
            ],
        ))
        .service(resource(
            "/posts/{id}/like",
            [
                (M::PUT, web::to(likes::like)),
                (M::DELETE, web::to(likes::unlike)),
            ],
        ))
        .service(resource(
            "/posts/{id}/likes",
            [(M::GET, web::to(likes::likers))],
        ))
        .service(resource("/users", [(M::POST, web::to(users::register))]))
        .service(
            resource("/login", [(M::POST, web::to(login::login))])
                .wrap(from_fn(middleware::token_endpoint_errors)),
        )
        .service(resource("/logout", [(M::POST, web::to(sessions::logout))]))
        // Before `/users/{id}`, which would otherwise take "me" for an id.
        .service(resource(
            "/users/me",
            [
                (M::GET, web::to(users::me)),
                (M::PATCH, web::to(users::update_me)),
                (M::DELETE, web::to(users::delete_me)),
            ],
        ))
        .service(resource(
            "/users/me/sessions",
            [
                (M::GET, web::to(sessions::list)),
                (M::DELETE, web::to(sessions::revoke_others)),
            ],
        ))
        .service(resource(
            "/users/me/sessions/{id}",
            [(M::DELETE, web::to(sessions::revoke))],
        ))
        .service(resource("/users/{id}", [(M::GET, web::to(users::profile))]))
        .service(resource(
            "/users/{id}/posts",
            [(M::GET, web::to(users::posts))],
        ))
        .service(resource("/health/live", [(M::GET, web::to(health::live))]))
        .service(resource("/metrics", [(M::GET, web::to(metrics::metrics))]))
        .service(resource(
            "/health/ready",
            [(M::GET, web::to(health::ready))],
        ))
        .service(resource(
            docs::OPENAPI_PATH,
            [(M::GET, web::to(docs::openapi))],
        ))
        .service(resource("/docs", [(M::GET, web::to(docs::to_docs))]))
        .service(resource(
            "/docs/{file:.*}",
            [(M::GET, web::to(docs::swagger_ui))],
        ));
}

/// A path with its methods; any other method gets 405 with `Allow` listing
/// these (actix alone would answer 404).
fn resource<const N: usize>(path: &str, routes: [(Method, Route); N]) -> Resource {
    let allow = routes
        .iter()
        .map(|(method, _)| method.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    routes
        .into_iter()
        .fold(web::resource(path), |resource, (method, route)| {
            resource.route(route.method(method))
        })
        .default_service(web::to(move || {
            let allow = allow.clone();
            async move { Err::<HttpResponse, _>(ApiError::MethodNotAllowed { allow }) }
        }))
}

/// The app's default service: no resource has this path.
pub(crate) async fn no_route(request: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound(format!(
        "no route for {} {}",
        request.method(),
        request.path()
    )))
}
