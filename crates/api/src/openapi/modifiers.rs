//! What the derive cannot say: the security schemes, and the responses and
//! headers every operation has.

use utoipa::{
    Modify,
    openapi::{
        Header, HeaderBuilder, ObjectBuilder, OpenApi, Ref, RefOr, Schema, Type,
        path::{Operation, ParameterIn},
        response::Response,
        security::{Flow, HttpAuthScheme, HttpBuilder, OAuth2, Password, Scopes, SecurityScheme},
    },
};

/// The scheme names. Handlers' `security(...)` lists repeat them as literals,
/// which is all utoipa's path macro takes; a test checks they agree.
const OAUTH2: &str = "oauth2";
const BEARER: &str = "bearer";

/// Two ways to say the same thing: OAuth2's password flow, so that Swagger
/// UI's Authorize button can log in through `/login` (the email goes in its
/// `username` field); and a plain bearer token, for a token already at hand.
pub(crate) struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            OAUTH2,
            SecurityScheme::OAuth2(OAuth2::with_description(
                [Flow::Password(Password::with_refresh_url(
                    "/login",
                    Scopes::new(),
                    "/login",
                ))],
                "Log in with the account's email as the username, and its password. \
                 The same endpoint refreshes (`grant_type=refresh_token`).",
            )),
        );
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("The `access_token` that `POST /login` returns."))
                    .build(),
            ),
        );
    }
}

/// Every response carries `X-Request-Id`, and any operation can fail
/// unexpectedly with a 500.
pub(crate) struct CommonResponses;

const X_REQUEST_ID: &str = "X-Request-Id";
const INTERNAL_ERROR: &str = "500";

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        let internal_error = RefOr::Ref(Ref::from_response_name("InternalError"));
        for operation in operations(openapi) {
            let responses = &mut operation.responses.responses;
            responses
                .entry(INTERNAL_ERROR.to_owned())
                .or_insert_with(|| internal_error.clone());
            responses.values_mut().for_each(add_request_id);
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        components.responses.values_mut().for_each(add_request_id);
        components
            .headers
            .insert(X_REQUEST_ID.to_owned(), RefOr::T(request_id()));
    }
}

fn request_id() -> Header {
    HeaderBuilder::new()
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^[!-~]{1,128}$")),
        ))
        .description(Some(
            "The request's id: the client's own `X-Request-Id` when it is 1 to 128 \
             visible ASCII characters, otherwise a new UUID. Logs name it too.",
        ))
        .build()
}

/// Referenced responses get the header where they are defined.
fn add_request_id(response: &mut RefOr<Response>) {
    if let RefOr::T(response) = response {
        let header = Ref::new(format!("#/components/headers/{X_REQUEST_ID}"));
        response
            .headers
            .insert(X_REQUEST_ID.to_owned(), RefOr::Ref(header));
    }
}

/// An empty query parameter (`?cursor=`) counts as absent, as HTML forms
/// send them; OpenAPI says so with `allowEmptyValue`, which utoipa's model
/// lacks, so it goes where the model keeps fields it does not know.
pub(crate) struct EmptyQueryValues;

impl Modify for EmptyQueryValues {
    fn modify(&self, openapi: &mut OpenApi) {
        for operation in operations(openapi) {
            let parameters = operation.parameters.iter_mut().flatten();
            let inline = parameters.filter_map(|parameter| match parameter {
                RefOr::T(parameter) => Some(parameter),
                RefOr::Ref(_) => None,
            });
            for parameter in inline.filter(|p| p.parameter_in == ParameterIn::Query) {
                parameter
                    .extensions
                    .get_or_insert_with(Default::default)
                    .insert("allowEmptyValue".to_owned(), true.into());
            }
        }
    }
}

/// Swagger UI shows a parameter's own description, never its schema's, and
/// utoipa ignores a doc comment beside `schema_with`: a description written
/// on a parameter's schema moves up to the parameter.
pub(crate) struct ParameterDescriptions;

impl Modify for ParameterDescriptions {
    fn modify(&self, openapi: &mut OpenApi) {
        for operation in operations(openapi) {
            for parameter in operation.parameters.iter_mut().flatten() {
                let RefOr::T(parameter) = parameter else {
                    continue;
                };
                let Some(RefOr::T(Schema::Object(schema))) = parameter.schema.as_mut() else {
                    continue;
                };
                if parameter.description.is_none() {
                    parameter.description = schema.description.take();
                }
            }
        }
    }
}

fn operations(openapi: &mut OpenApi) -> impl Iterator<Item = &mut Operation> {
    openapi.paths.paths.values_mut().flat_map(|item| {
        [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
    })
}
