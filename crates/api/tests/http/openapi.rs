//! `GET /openapi.json`, its committed snapshot, and the Swagger UI at `/docs`.

use std::{env, fs, path::PathBuf};

use actix_web::{
    http::{
        Method, StatusCode,
        header::{ALLOW, CONTENT_TYPE, LOCATION},
    },
    test::{self, TestRequest},
};
use serde_json::Value;

use super::support::{Mocks, json, send};

/// `docs/openapi.json` at the workspace root.
fn snapshot_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

async fn served_document() -> Value {
    let response = send(Mocks::default(), TestRequest::get().uri("/openapi.json")).await;
    assert_eq!(
        response.headers().get(CONTENT_TYPE).unwrap(),
        "application/json"
    );
    json(response, StatusCode::OK).await
}

/// The served document is insta's snapshot (`snapshots/`): a change fails
/// with a diff until accepted. `just openapi` accepts it (`INSTA_UPDATE=always`)
/// and writes the same document to docs/openapi.json, the copy readers and
/// tools take, which must otherwise match it too.
#[actix_web::test]
async fn the_committed_document_is_what_is_served() {
    let served = served_document().await;
    insta::assert_json_snapshot!("openapi", served);
    let mut served = serde_json::to_string_pretty(&served).unwrap();
    served.push('\n');
    let path = snapshot_path();
    if env::var_os("INSTA_UPDATE").is_some_and(|value| value == "always") {
        fs::write(&path, &served).unwrap();
    }
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == served,
        "docs/openapi.json differs from the document the API serves: run `just openapi` \
         to regenerate it, then review and commit the change"
    );
}

#[actix_web::test]
async fn it_is_openapi_3_1_with_both_security_schemes() {
    let doc = served_document().await;
    assert_eq!(doc["openapi"], "3.1.0");
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["oauth2"]["type"], "oauth2");
    assert_eq!(schemes["oauth2"]["flows"]["password"]["tokenUrl"], "/login");
    assert_eq!(schemes["bearer"]["type"], "http");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            found.push((path.clone(), method.to_uppercase(), operation.clone()));
        }
    }
    found
}

/// The route table answers 405 with `Allow` for a method it lacks, so this
/// proves each documented path has exactly the documented methods.
#[actix_web::test]
async fn each_documented_path_allows_exactly_the_documented_methods() {
    let doc = served_document().await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let mut documented: Vec<String> = item
            .as_object()
            .unwrap()
            .keys()
            .map(|method| method.to_uppercase())
            .collect();
        documented.sort();
        let uri = path.replace("{id}", "1");
        let response = send(
            Mocks::default(),
            TestRequest::default().method(Method::TRACE).uri(&uri),
        )
        .await;
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{uri}");
        let allow = response.headers().get(ALLOW).unwrap().to_str().unwrap();
        let mut allowed: Vec<String> = allow.split(", ").map(str::to_owned).collect();
        allowed.sort();
        assert_eq!(allowed, documented, "{path}");
    }
}

#[actix_web::test]
async fn every_error_is_documented_as_problem_json() {
    let doc = served_document().await;
    for (path, method, operation) in operations(&doc) {
        for (status, response) in operation["responses"].as_object().unwrap() {
            if !status.starts_with('4') && !status.starts_with('5') {
                continue;
            }
            let reference = response["$ref"].as_str().unwrap_or_default();
            let name = reference.strip_prefix("#/components/responses/");
            let name = name.unwrap_or_else(|| panic!("{method} {path} {status} is not shared"));
            let content = &doc["components"]["responses"][name]["content"];
            let content = content.as_object().unwrap();
            assert_eq!(
                content.keys().collect::<Vec<_>>(),
                ["application/problem+json"],
                "{name}"
            );
        }
    }
    let unprocessable = &doc["components"]["responses"]["Unprocessable"]["content"]["application/problem+json"]
        ["schema"]["$ref"];
    assert_eq!(unprocessable, "#/components/schemas/ValidationProblem");
}

/// Protected routes take either scheme; reading routes also take none.
#[actix_web::test]
async fn security_is_marked_per_operation() {
    let doc = served_document().await;
    let scheme = |name: &str| serde_json::json!({ name: [] });
    let protected = [scheme("oauth2"), scheme("bearer")];
    let optional = [serde_json::json!({}), scheme("oauth2"), scheme("bearer")];
    for (path, method, operation) in operations(&doc) {
        let security = operation["security"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let expected: &[Value] = match (method.as_str(), path.as_str()) {
            ("POST", "/users" | "/login") | (_, "/health/live" | "/health/ready" | "/metrics") => {
                &[]
            }
            ("GET", "/users/{id}") => &[],
            ("GET", "/posts" | "/posts/{id}" | "/posts/{id}/likes" | "/users/{id}/posts") => {
                &optional
            }
            _ => &protected,
        };
        assert_eq!(security, expected, "{method} {path}");
    }
}

#[actix_web::test]
async fn login_documents_the_form_and_json() {
    let doc = served_document().await;
    let content = doc["paths"]["/login"]["post"]["requestBody"]["content"]
        .as_object()
        .unwrap();
    let mut types: Vec<&String> = content.keys().collect();
    types.sort();
    assert_eq!(
        types,
        ["application/json", "application/x-www-form-urlencoded"]
    );
}

#[actix_web::test]
async fn docs_redirects_to_the_swagger_ui_page() {
    let response = send(Mocks::default(), TestRequest::get().uri("/docs")).await;
    assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(response.headers().get(LOCATION).unwrap(), "/docs/");
}

async fn docs_file(uri: &str) -> (String, String) {
    let response = send(Mocks::default(), TestRequest::get().uri(uri)).await;
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    let content_type = response.headers().get(CONTENT_TYPE).unwrap();
    let content_type = content_type.to_str().unwrap().to_owned();
    let body = test::read_body(response).await;
    (content_type, String::from_utf8_lossy(&body).into_owned())
}

/// Everything the page needs is served by the application itself.
#[actix_web::test]
async fn swagger_ui_is_served_from_the_binary() {
    let (content_type, page) = docs_file("/docs/").await;
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let assets: Vec<&str> = ["src=\"", "href=\""]
        .iter()
        .flat_map(|attribute| page.split(attribute).skip(1))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    for script in ["./swagger-ui-bundle.js", "./swagger-initializer.js"] {
        assert!(assets.contains(&script), "{script} in {page}");
    }
    for asset in &assets {
        let (content_type, _) =
            docs_file(&format!("/docs/{}", asset.trim_start_matches("./"))).await;
        if asset.ends_with(".js") {
            assert!(
                content_type.contains("javascript"),
                "{asset}: {content_type}"
            );
        }
    }
    let (_, initializer) = docs_file("/docs/swagger-initializer.js").await;
    assert!(initializer.contains("\"/openapi.json\""), "{initializer}");
}

#[actix_web::test]
async fn a_missing_docs_file_is_a_problem_404() {
    let response = send(Mocks::default(), TestRequest::get().uri("/docs/nope.js")).await;
    super::support::problem(response, StatusCode::NOT_FOUND).await;
}

/// Swagger UI shows each response's example: a 409 must not show a 404.
#[actix_web::test]
async fn every_error_example_has_the_status_of_its_response() {
    let doc = served_document().await;
    let mut checked = 0;
    for (path, method, operation) in operations(&doc) {
        for (status, response) in operation["responses"].as_object().unwrap() {
            let response = match response["$ref"].as_str() {
                Some(reference) => {
                    let name = reference.rsplit('/').next().unwrap();
                    &doc["components"]["responses"][name]
                }
                None => response,
            };
            let Some(problem) = response["content"].get("application/problem+json") else {
                continue;
            };
            let example = &problem["example"];
            assert_eq!(
                example["status"].as_u64().map(|s| s.to_string()).as_deref(),
                Some(status.as_str()),
                "{method} {path} {status}: {example}"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} error responses checked");
}

#[actix_web::test]
async fn the_docs_page_has_a_title_no_validator_and_the_refresh_url() {
    let page = send(Mocks::default(), TestRequest::get().uri("/docs/")).await;
    let page = String::from_utf8(test::read_body(page).await.to_vec()).unwrap();
    assert!(page.contains("<title>Agora API</title>"), "{page}");
    let init = send(
        Mocks::default(),
        TestRequest::get().uri("/docs/swagger-initializer.js"),
    )
    .await;
    let init = String::from_utf8(test::read_body(init).await.to_vec()).unwrap();
    assert!(init.contains(r#""validatorUrl": "none""#), "{init}");
    assert!(
        init.contains("SwaggerUIBundle.plugins.DownloadUrl, AgoraPadlocks"),
        "the padlocks plugin is registered: {init}"
    );
    assert!(init.starts_with("// Agora: a padlock"), "{init}");
    let doc = served_document().await;
    let password = &doc["components"]["securitySchemes"]["oauth2"]["flows"]["password"];
    assert_eq!(password["refreshUrl"], "/login");
}

/// Swagger UI shows a parameter's description, not its schema's range, so
/// each parameter says its range in words, and the words match the numbers.
#[actix_web::test]
async fn every_parameter_is_described_and_limits_say_their_range() {
    let doc = served_document().await;
    let mut limits = 0;
    for (path, method, operation) in operations(&doc) {
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            let name = parameter["name"].as_str().unwrap();
            let description = parameter["description"].as_str().unwrap_or_default();
            assert!(!description.is_empty(), "{method} {path} {name}");
            let schema = &parameter["schema"];
            if name == "limit" {
                let words = format!(
                    "{} to {}, {} when absent",
                    schema["minimum"], schema["maximum"], schema["default"]
                );
                assert!(
                    description.contains(&words),
                    "{method} {path}: {description}"
                );
                limits += 1;
            }
            if name == "id" || name == "author_id" {
                assert_eq!(schema["minimum"], 1, "{method} {path} {name}");
            }
        }
    }
    assert_eq!(limits, 3, "the three paged routes");
}

/// Tried as filled in, the example changes only the name: one that changed
/// the password would end the caller's other sessions.
#[actix_web::test]
async fn the_account_change_example_leaves_the_password_alone() {
    let doc = served_document().await;
    let body = &doc["paths"]["/users/me"]["patch"]["requestBody"]["content"]["application/json"];
    assert_eq!(body["example"], serde_json::json!({"name": "Ada King"}));
}
