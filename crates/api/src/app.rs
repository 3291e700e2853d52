use std::{io, net::TcpListener, sync::Arc};

use actix_web::{
    App, Error, HttpServer,
    body::BoxBody,
    dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse},
    middleware::{Condition, from_fn},
    web::{self, Data},
};
use domain::{AccountService, HealthCheck, LikeService, PostService};
use utoipa::OpenApi;

use crate::{
    client::TrustedProxies,
    handlers::{docs::ApiDocs, health::Readiness},
    middleware::{
        BodyDeadline, Draining, body_deadline, catch_panic, cors, problem_fallback, record_metrics,
        request_context,
    },
    openapi::ApiDoc,
    rejections,
    routes::{no_route, routes},
    settings::{HttpSettings, InvalidOrigin, MetricsText},
};

/// The use cases the HTTP adapter calls, built by the composition root.
#[derive(Clone)]
pub struct Services {
    pub accounts: AccountService,
    pub posts: PostService,
    pub likes: LikeService,
    pub health: Arc<dyn HealthCheck>,
}

/// The whole HTTP application, ready to be built once per server worker.
#[derive(Clone)]
pub struct HttpApp {
    accounts: Data<AccountService>,
    posts: Data<PostService>,
    likes: Data<LikeService>,
    trusted_proxies: Data<TrustedProxies>,
    readiness: Data<Readiness>,
    docs: Data<ApiDocs>,
    body_deadline: Data<BodyDeadline>,
    metrics: Option<Data<MetricsText>>,
    draining: Data<Draining>,
    cors_origins: Arc<[String]>,
}

impl HttpApp {
    /// Errors: a CORS origin that is not `http(s)://host[:port]`.
    pub fn new(services: Services, settings: HttpSettings) -> Result<Self, InvalidOrigin> {
        let cors_origins = settings.normalised_origins()?.into();
        Ok(Self {
            trusted_proxies: Data::new(TrustedProxies(settings.trusted_proxies)),
            accounts: Data::new(services.accounts),
            posts: Data::new(services.posts),
            likes: Data::new(services.likes),
            readiness: Data::new(Readiness {
                check: services.health,
                timeout: settings.readiness_timeout,
            }),
            docs: Data::new(ApiDocs::new(ApiDoc::openapi())),
            body_deadline: Data::new(BodyDeadline(settings.body_timeout)),
            metrics: settings.metrics.map(Data::new),
            draining: Data::new(Draining::default()),
            cors_origins,
        })
    }

    /// The application with its routes, extractor limits and middleware;
    /// what [`server`] runs, and what tests give to `actix_web::test::init_service`.
    pub fn build(
        &self,
    ) -> App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<BoxBody>,
            Error = Error,
            InitError = (),
        > + use<>,
    > {
        let metrics = self.metrics.clone();
        App::new()
            .app_data(self.accounts.clone())
            .app_data(self.posts.clone())
            .app_data(self.likes.clone())
            .app_data(self.trusted_proxies.clone())
            .app_data(self.readiness.clone())
            .app_data(self.docs.clone())
            .app_data(self.body_deadline.clone())
            .app_data(self.draining.clone())
            .configure(|config| {
                if let Some(metrics) = metrics {
                    config.app_data(metrics);
                }
            })
            .app_data(rejections::json_config())
            .app_data(rejections::form_config())
            .app_data(rejections::payload_config())
            .app_data(rejections::path_config())
            .app_data(rejections::query_config())
            .configure(routes)
            .default_service(web::to(no_route))
            .wrap(from_fn(body_deadline))
            .wrap(from_fn(catch_panic))
            .wrap(Condition::new(
                !self.cors_origins.is_empty(),
                cors(&self.cors_origins),
            ))
            .wrap(from_fn(problem_fallback))
            .wrap(from_fn(record_metrics))
            .wrap(from_fn(request_context))
    }
}

/// Binds the application to `listener` with one worker per core. When
/// `shutdown` resolves the server drains for `settings.shutdown_drain`
/// (readiness 503, every connection closed after its response; see
/// `middleware/drain.rs`), then stops accepting, lets in-flight requests
/// finish (up to actix's 30 second grace period), and resolves. The caller
/// decides what stops it (the binary: SIGINT or SIGTERM), so both signals
/// are graceful; actix's own handling would drop requests on SIGINT.
///
/// Errors: an invalid CORS origin (`InvalidInput`), or a listener actix cannot use.
pub fn server(
    listener: TcpListener,
    services: Services,
    settings: HttpSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<Server> {
    let workers = settings.workers.max(1);
    let per_worker = (settings.max_connections / workers).max(1);
    let drain = settings.shutdown_drain;
    let app = HttpApp::new(services, settings)
        .map_err(|error| io::Error::new(io::ErrorKind::InvalidInput, error))?;
    let draining = app.draining.get_ref().clone();
    let drained = async move {
        shutdown.await;
        if !drain.is_zero() {
            draining.start();
            tracing::info!(
                ?drain,
                "draining: readiness answers 503 until the server stops accepting"
            );
            actix_web::rt::time::sleep(drain).await;
        }
    };
    Ok(HttpServer::new(move || app.build())
        .workers(workers)
        .max_connections(per_worker)
        .shutdown_signal(drained)
        .listen(listener)?
        .run())
}

/// Serves only `GET /metrics` on `listener`, with one worker: for a metrics
/// address of its own (`METRICS_ADDR`), away from the public listener, which
/// then answers 404 there. Stop it with the returned server's handle.
///
/// Errors: a listener actix cannot use.
pub fn metrics_server(listener: TcpListener, text: MetricsText) -> io::Result<Server> {
    let text = Data::new(text);
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(text.clone())
            .route("/metrics", web::get().to(crate::handlers::metrics::metrics))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run())
}
