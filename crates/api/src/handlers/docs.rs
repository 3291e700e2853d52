//! The OpenAPI document and the Swagger UI that browses it, whose files are
//! compiled into the binary so that the docs work without internet access.

use std::sync::Arc;

use actix_web::{
    HttpResponse,
    http::header::{CONTENT_SECURITY_POLICY, LOCATION, X_FRAME_OPTIONS},
    web::{Data, Path},
};
use domain::DomainError;
use utoipa::openapi::OpenApi;
use utoipa_swagger_ui::Config;

use crate::error::ApiError;

/// Where the document is served, and where Swagger UI reads it.
pub(crate) const OPENAPI_PATH: &str = "/openapi.json";
const DOCS_PATH: &str = "/docs/";
const PAGE_TITLE: &str = "<title>Agora API</title>";
/// The Swagger UI plugin that draws padlocks only where a token is needed.
const PADLOCKS_PLUGIN: &str = include_str!("docs/padlocks.js");
/// Where Swagger UI's initializer lists its plugins.
const PLUGINS: &str = "SwaggerUIBundle.plugins.DownloadUrl";

/// What the docs routes serve, built once per application.
pub(crate) struct ApiDocs {
    pub openapi: OpenApi,
    pub swagger: Arc<Config<'static>>,
}

impl ApiDocs {
    pub(crate) fn new(openapi: OpenApi) -> Self {
        Self {
            openapi,
            // No validator badge: it sends the document to
            // validator.swagger.io, and shows broken when offline.
            swagger: Arc::new(Config::new([OPENAPI_PATH]).validator_url("none")),
        }
    }
}

pub(crate) async fn openapi(docs: Data<ApiDocs>) -> HttpResponse {
    HttpResponse::Ok().json(&docs.openapi)
}

/// Swagger UI's page loads its scripts relative to its own address, so it
/// must be read from `/docs/`.
pub(crate) async fn to_docs() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((LOCATION, DOCS_PATH))
        .finish()
}

/// `file` is empty for the page itself.
pub(crate) async fn swagger_ui(
    docs: Data<ApiDocs>,
    file: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let file = file.into_inner();
    let found = utoipa_swagger_ui::serve(&file, docs.swagger.clone())
        .map_err(|error| DomainError::unexpected(error.to_string()))?
        .ok_or_else(|| ApiError::NotFound(format!("no such file in the docs: {file}")))?;
    let bytes = match file.as_str() {
        "" | "index.html" => titled(&found.bytes),
        "swagger-initializer.js" => with_padlocks_plugin(&found.bytes),
        _ => found.bytes.into_owned(),
    };
    // No other site may frame the page (clickjacking its Authorize dialog);
    // frame-ancestors restricts nothing that Swagger UI itself loads.
    Ok(HttpResponse::Ok()
        .content_type(found.content_type)
        .insert_header((CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"))
        .insert_header((X_FRAME_OPTIONS, "DENY"))
        .body(bytes))
}

/// The page's tab says what it documents, not which tool renders it.
fn titled(page: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(page)
        .replacen("<title>Swagger UI</title>", PAGE_TITLE, 1)
        .into_bytes()
}

/// Registers [`PADLOCKS_PLUGIN`] beside the plugins Swagger UI already loads;
/// a test checks the initializer still has the line this looks for.
fn with_padlocks_plugin(initializer: &[u8]) -> Vec<u8> {
    let initializer = String::from_utf8_lossy(initializer).replacen(
        PLUGINS,
        &format!("{PLUGINS}, AgoraPadlocks"),
        1,
    );
    format!("{PADLOCKS_PLUGIN}{initializer}").into_bytes()
}
