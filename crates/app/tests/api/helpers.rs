use std::{net::TcpListener, time::Duration};

use auth::{BcryptHasher, JwtTokenService};
use domain::{Limit, ThrottlePolicy};
use infra::{ReadRouter, testing::TestDatabase};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

pub const SECRET: &str = "an end-to-end test secret of 32+ bytes";

/// A running server with its own database; both go away when this drops.
pub struct TestApp {
    pub address: String,
    pub client: Client,
    /// What keeps the database alive: a [`TestDatabase`], or a server of the test's own.
    pub _database: Box<dyn std::any::Any + Send + Sync>,
}

/// A server with production's throttle, except that registrations are not
/// limited: tests sign many people up from 127.0.0.1.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(unlimited_registrations(), api::HttpSettings::default()).await
}

/// Production's throttle, except that tests may sign many people up from 127.0.0.1.
pub fn unlimited_registrations() -> ThrottlePolicy {
    ThrottlePolicy {
        registrations: Limit {
            max: u32::MAX,
            window: Duration::from_secs(1),
        },
        ..ThrottlePolicy::default()
    }
}

/// A server that believes `X-Forwarded-For` from 127.0.0.1, so a test can
/// pose as any client with [`TestApp::login_from`] and its siblings.
pub async fn spawn_app_behind_proxy(policy: ThrottlePolicy) -> TestApp {
    let settings = api::HttpSettings {
        trusted_proxies: vec![api::parse_trusted_proxy("127.0.0.1").unwrap()],
        ..api::HttpSettings::default()
    };
    spawn_app_with(policy, settings).await
}

pub async fn spawn_app_with(policy: ThrottlePolicy, settings: api::HttpSettings) -> TestApp {
    let db = TestDatabase::new();
    spawn_app_on(db.database(), policy, settings, db)
}

/// The server on `database` (a primary, or a primary and its replicas) with
/// `policy` and `settings`; `guard` is kept alive with it.
pub fn spawn_app_on(
    database: impl Into<ReadRouter>,
    policy: ThrottlePolicy,
    settings: api::HttpSettings,
    guard: impl std::any::Any + Send + Sync,
) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    // Cost 4 keeps bcrypt fast in tests; production's cost comes from BCRYPT_COST.
    let hasher = BcryptHasher::new(4).unwrap();
    let tokens = JwtTokenService::new(SECRET.as_bytes(), Duration::from_secs(1800)).unwrap();
    let services = agora::wiring::services(database, hasher, tokens, policy);
    let server = api::server(listener, services, settings, std::future::pending()).unwrap();
    tokio::spawn(server);
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        address,
        client,
        _database: Box::new(guard),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn post_json(&self, path: &str, body: &Value, token: Option<&str>) -> Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    pub async fn register(&self, name: &str, email: &str, password: &str) -> Response {
        self.post_json(
            "/users",
            &json!({"name": name, "email": email, "password": password}),
            None,
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.client
            .post(self.url("/login"))
            .form(&[("username", email), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    /// A login forwarded for `client` (see [`spawn_app_behind_proxy`]).
    pub async fn login_from(&self, client: &str, email: &str, password: &str) -> Response {
        self.client
            .post(self.url("/login"))
            .header("x-forwarded-for", client)
            .form(&[("username", email), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    /// A registration forwarded for `client` (see [`spawn_app_behind_proxy`]).
    pub async fn register_from(&self, client: &str, email: &str) -> Response {
        self.client
            .post(self.url("/users"))
            .header("x-forwarded-for", client)
            .json(&json!({"name": "Someone", "email": email, "password": "correct horse"}))
            .send()
            .await
            .unwrap()
    }

    /// Deletes the account of `token`, whose password is `password`.
    pub async fn delete_me(&self, token: &str, password: &str) -> Response {
        self.client
            .delete(self.url("/users/me"))
            .bearer_auth(token)
            .json(&json!({"current_password": password}))
            .send()
            .await
            .unwrap()
    }

    /// Registers someone and logs them in; returns (user id, token).
    pub async fn signed_up(&self, name: &str) -> (i64, String) {
        let email = format!("{}@example.com", name.to_lowercase());
        let created = self.register(name, &email, "correct horse").await;
        assert_eq!(created.status(), StatusCode::CREATED, "registering {name}");
        let id = body(created).await["id"].as_i64().unwrap();
        let login = self.login(&email, "correct horse").await;
        assert_eq!(login.status(), StatusCode::OK);
        let token = body(login).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        (id, token)
    }
}

pub async fn body(response: Response) -> Value {
    response.json().await.unwrap()
}

/// Asserts an RFC 9457 problem response with the given status; returns its body.
pub async fn problem(response: Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("application/problem+json"),
        "content type {content_type}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status.as_u16());
    assert_eq!(body["type"], "about:blank");
    assert!(
        body["title"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    body
}
