use std::{
    sync::Arc,
    time::{Duration, UNIX_EPOCH},
};

use actix_web::{
    dev::ServiceResponse,
    http::{StatusCode, header::CONTENT_TYPE},
    test::{self, TestRequest},
};
use api::{HttpApp, HttpSettings, Services};
use domain::{
    AccountService, Author, CredentialThrottle, DomainError, Email, LikeService, LoginAttempts,
    MockHealthCheck, MockLikeRepository, MockLoginAttempts, MockPasswordHasher, MockPostRepository,
    MockSessionRepository, MockTokenService, MockUserRepository, PasswordHash, Post, PostContent,
    PostId, PostService, PostTitle, PostView, SessionId, ThrottlePolicy, TokenClaims, User, UserId,
    UserName,
};
use mockall::predicate::eq;
use serde_json::Value;
use testkit::InMemoryLoginAttempts;

/// The token that [`Mocks::signed_in`] accepts.
pub const TOKEN: &str = "valid-token";

/// The session [`TOKEN`] belongs to.
pub const SESSION: SessionId = SessionId::new(3);

#[derive(Default)]
pub struct Mocks {
    pub users: MockUserRepository,
    pub sessions: MockSessionRepository,
    pub posts: MockPostRepository,
    pub likes: MockLikeRepository,
    pub hasher: MockPasswordHasher,
    pub tokens: MockTokenService,
    pub health: MockHealthCheck,
    /// The throttle's store; `None`: the testkit's in-memory one, starting
    /// with nothing counted.
    pub attempts: Option<MockLoginAttempts>,
}

impl Mocks {
    /// [`TOKEN`] stands for `user` in session [`SESSION`]; any other token is invalid.
    pub fn signed_in(self, user: User) -> Self {
        let id = user.id;
        let mut mocks = self.claimed(id);
        let caller = user.clone();
        mocks
            .sessions
            .expect_caller()
            .with(eq(id), eq(SESSION))
            .returning(move |_, _| Ok(Some(caller.clone())));
        mocks
            .users
            .expect_find_by_id()
            .with(eq(id))
            .returning(move |_| Ok(Some(user.clone())));
        mocks
    }

    /// [`TOKEN`] claims `user`'s session [`SESSION`], but no session or user
    /// is looked up: for the reads and writes that check the session
    /// themselves. Any other token is invalid.
    pub fn claimed(mut self, id: UserId) -> Self {
        self.tokens
            .expect_verify()
            .withf(|token| token == TOKEN)
            .returning(move |_| {
                Ok(TokenClaims {
                    user: id,
                    session: SESSION,
                })
            });
        self.tokens
            .expect_verify()
            .returning(|_| Err(DomainError::InvalidToken));
        self
    }

    pub fn services(mut self) -> Services {
        self.hasher
            .expect_max_password_bytes()
            .return_const(api::NEW_PASSWORD_MAX_BYTES);
        let users = Arc::new(self.users);
        let posts = Arc::new(self.posts);
        let attempts: Arc<dyn LoginAttempts> = match self.attempts {
            Some(mock) => Arc::new(mock),
            None => Arc::new(InMemoryLoginAttempts::new()),
        };
        Services {
            accounts: AccountService::new(
                users.clone(),
                Arc::new(self.sessions),
                Arc::new(self.hasher),
                Arc::new(self.tokens),
                CredentialThrottle::new(attempts, ThrottlePolicy::default()),
            ),
            posts: PostService::new(posts.clone(), users),
            likes: LikeService::new(posts, Arc::new(self.likes)),
            health: Arc::new(self.health),
        }
    }
}

pub async fn send(mocks: Mocks, request: TestRequest) -> ServiceResponse {
    send_with(mocks.services(), HttpSettings::default(), request).await
}

pub async fn send_with(
    services: Services,
    settings: HttpSettings,
    request: TestRequest,
) -> ServiceResponse {
    let app = test::init_service(HttpApp::new(services, settings).unwrap().build()).await;
    test::call_service(&app, request.to_request()).await
}

pub fn bearer() -> (&'static str, String) {
    ("Authorization", format!("Bearer {TOKEN}"))
}

pub async fn json(response: ServiceResponse, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    let body = test::read_body(response).await;
    serde_json::from_slice(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:?}"))
}

/// Asserts an RFC 9457 body with this status, and returns it.
pub async fn problem(response: ServiceResponse, status: StatusCode) -> Value {
    assert_eq!(
        response.headers().get(CONTENT_TYPE).unwrap(),
        "application/problem+json",
        "for a {} response",
        response.status()
    );
    let body = json(response, status).await;
    assert_eq!(body["type"], "about:blank");
    assert_eq!(body["title"], status.canonical_reason().unwrap());
    assert_eq!(body["status"], status.as_u16());
    assert!(body["detail"].is_string(), "{body}");
    body
}

/// The `field`s of a 422 body, in order.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .expect("a 422 has errors")
        .iter()
        .map(|error| {
            assert!(error["message"].is_string(), "{error}");
            error["field"].as_str().unwrap().to_owned()
        })
        .collect()
}

pub fn at(micros: u64) -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_micros(micros)
}

pub fn user(id: i64, name: &str) -> User {
    User {
        id: UserId::new(id),
        name: UserName::parse(name).unwrap(),
        email: Email::parse(&format!("{}@example.com", name.to_lowercase())).unwrap(),
        password_hash: PasswordHash::new("hash"),
        created_at: at(1_764_158_400_000_000),
    }
}

pub fn ada() -> User {
    user(7, "Ada")
}

pub fn post(id: i64, author: &User, published: bool) -> PostView {
    PostView {
        post: Post {
            id: PostId::new(id),
            author_id: author.id,
            title: PostTitle::parse("Hello").unwrap(),
            content: PostContent::parse("First post").unwrap(),
            published,
            created_at: at(1_764_158_400_123_456),
            updated_at: at(1_764_158_401_000_000),
            like_count: 3,
        },
        author: Author {
            id: author.id,
            name: author.name.clone(),
        },
        liked_by_me: false,
    }
}
