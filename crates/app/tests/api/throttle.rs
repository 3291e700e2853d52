//! The credential throttle over real HTTP and PostgreSQL: correct logins are
//! never refused for being concurrent, another client's failures never lock
//! the owner out, guessing stays bounded per email, per address and per
//! IPv6 /64, nothing resets a limit, and registration is limited.

use std::time::{Duration, Instant};

use domain::{Limit, ThrottlePolicy};
use futures_util::future::join_all;
use reqwest::{Response, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, body, problem, spawn_app, spawn_app_behind_proxy};

const HOUR: Duration = Duration::from_secs(3600);

fn retry_after(response: &Response) -> u64 {
    response
        .headers()
        .get("retry-after")
        .expect("a 429 carries Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Statuses of the responses, in order.
fn statuses(responses: &[Response]) -> Vec<StatusCode> {
    responses.iter().map(Response::status).collect()
}

/// Fails `times` logins of `email` from `client`, each answered 401.
async fn fail(app: &TestApp, client: &str, email: &str, times: usize) {
    for n in 0..times {
        let response = app.login_from(client, email, &format!("guess {n}")).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{client} {email}"
        );
    }
}

#[tokio::test]
async fn sixty_four_concurrent_correct_logins_from_one_address_all_succeed() {
    let app = spawn_app().await;
    app.register("Ada", "ada@example.com", "correct horse")
        .await;
    // A few typos first: the owner's own failures below the limit change nothing.
    for _ in 0..4 {
        app.login("ada@example.com", "typo horse").await;
    }
    let started = Instant::now();
    let logins = (0..64).map(|_| app.login("ada@example.com", "correct horse"));
    let answers = statuses(&join_all(logins).await);
    let took = started.elapsed();
    let served = answers.iter().filter(|s| **s == StatusCode::OK).count();
    println!("64 concurrent correct logins from one address: {served} x 200 in {took:?}");
    assert_eq!(served, 64, "{answers:?}");
}

#[tokio::test]
async fn another_clients_failures_never_lock_the_owner_out() {
    let app = spawn_app_behind_proxy(ThrottlePolicy::default()).await;
    let (_, token) = app.signed_up("Victim").await;
    // 50 failures from 10 addresses, each until its pair is locked.
    for n in 0..10 {
        let attacker = format!("203.0.113.{n}");
        fail(&app, &attacker, "victim@example.com", 5).await;
        let locked = app
            .login_from(&attacker, "victim@example.com", "correct horse")
            .await;
        assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    let owner = app
        .login_from("198.51.100.7", "victim@example.com", "correct horse")
        .await;
    assert_eq!(owner.status(), StatusCode::OK, "the owner logs in");
    let change = app
        .client
        .patch(app.url("/users/me"))
        .header("x-forwarded-for", "198.51.100.7")
        .bearer_auth(&token)
        .json(&json!({"password": "new password", "current_password": "correct horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(change.status(), StatusCode::OK, "and changes the password");
    println!("after 50 failures from 10 other addresses: owner's login 200, PATCH /users/me 200");
}

#[tokio::test]
async fn past_its_budget_an_email_is_slowed_except_from_where_its_owner_logged_in() {
    let policy = ThrottlePolicy {
        per_email: Limit {
            max: 10,
            window: HOUR,
        },
        slowed_interval: Duration::from_secs(600),
        ..ThrottlePolicy::default()
    };
    let app = spawn_app_behind_proxy(policy).await;
    app.register("Ada", "ada@example.com", "correct horse")
        .await;
    let home = app
        .login_from("198.51.100.50", "ada@example.com", "correct horse")
        .await;
    assert_eq!(home.status(), StatusCode::OK);
    for n in 0..5 {
        fail(&app, &format!("203.0.113.{n}"), "ada@example.com", 2).await;
    }
    let fresh = app
        .login_from("198.51.100.99", "ada@example.com", "guess")
        .await;
    let wait = retry_after(&fresh);
    assert!((590..=600).contains(&wait), "{wait}");
    problem(fresh, StatusCode::TOO_MANY_REQUESTS).await;
    let other = app
        .login_from("198.51.100.99", "bob@example.com", "guess")
        .await;
    assert_eq!(
        other.status(),
        StatusCode::UNAUTHORIZED,
        "other emails are not slowed"
    );
    let owner_at_home = app
        .login_from("198.51.100.50", "ada@example.com", "correct horse")
        .await;
    assert_eq!(
        owner_at_home.status(),
        StatusCode::OK,
        "a network the email logged in from is not slowed"
    );
    println!(
        "10 failures from 5 addresses spend the email's budget: a new address waits {wait} s, the owner's known network gets 200"
    );
}

/// Six failures per network and hour, the rest as in production.
fn six_failures_per_network() -> ThrottlePolicy {
    ThrottlePolicy {
        per_network: Limit {
            max: 6,
            window: HOUR,
        },
        ..ThrottlePolicy::default()
    }
}

#[tokio::test]
async fn one_address_is_bounded_over_many_emails() {
    let app = spawn_app_behind_proxy(six_failures_per_network()).await;
    for n in 0..6 {
        fail(&app, "203.0.113.1", &format!("user{n}@example.com"), 1).await;
    }
    let refused = app
        .login_from("203.0.113.1", "user99@example.com", "guess")
        .await;
    assert!(retry_after(&refused) > 3500);
    problem(refused, StatusCode::TOO_MANY_REQUESTS).await;
    let elsewhere = app
        .login_from("203.0.113.2", "user99@example.com", "guess")
        .await;
    assert_eq!(elsewhere.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_ipv6_client_is_bounded_per_64_however_it_rotates() {
    let app = spawn_app_behind_proxy(six_failures_per_network()).await;
    // Six addresses of one /64, one failure each, on six emails.
    for n in 1..=6 {
        let address = format!("2001:db8:1:2::{n:x}");
        fail(&app, &address, &format!("user{n}@example.com"), 1).await;
    }
    let rotated = app
        .login_from(
            "2001:db8:1:2:ffff:ffff:ffff:ffff",
            "new@example.com",
            "guess",
        )
        .await;
    problem(rotated, StatusCode::TOO_MANY_REQUESTS).await;
    let next_64 = app
        .login_from("2001:db8:1:3::1", "new@example.com", "guess")
        .await;
    assert_eq!(next_64.status(), StatusCode::UNAUTHORIZED);
    println!(
        "6 failures over 6 addresses of 2001:db8:1:2::/64: a 7th address of it gets 429, 2001:db8:1:3::1 gets 401"
    );
}

#[tokio::test]
async fn a_flood_of_failures_on_other_keys_does_not_reset_a_lock() {
    let app = spawn_app_behind_proxy(ThrottlePolicy::default()).await;
    app.register("Victim", "victim@example.com", "correct horse")
        .await;
    fail(&app, "203.0.113.1", "victim@example.com", 5).await;
    let before = app
        .login_from("203.0.113.1", "victim@example.com", "guess")
        .await;
    problem(before, StatusCode::TOO_MANY_REQUESTS).await;

    // 1,200 failures on 1,200 other emails from 300 addresses, 16 at a time.
    let started = Instant::now();
    let flood: Vec<(String, String)> = (0..1200)
        .map(|n| {
            (
                format!("198.51.{}.{}", n % 300 / 250, n % 300 % 250),
                format!("flood{n}@example.com"),
            )
        })
        .collect();
    for batch in flood.chunks(16) {
        let answers = join_all(
            batch
                .iter()
                .map(|(client, email)| app.login_from(client, email, "guess")),
        )
        .await;
        assert!(
            statuses(&answers)
                .iter()
                .all(|s| *s == StatusCode::UNAUTHORIZED),
            "{:?}",
            statuses(&answers)
        );
    }
    let flooded = started.elapsed();

    let after = app
        .login_from("203.0.113.1", "victim@example.com", "guess")
        .await;
    let wait = retry_after(&after);
    assert!(wait > 800, "the lock keeps its window: {wait}");
    problem(after, StatusCode::TOO_MANY_REQUESTS).await;
    println!(
        "1200 failures on other emails from 300 addresses ({flooded:?}): the locked pair still 429, Retry-After {wait} s"
    );
}

#[tokio::test]
async fn registration_is_limited_per_client_address() {
    let policy = ThrottlePolicy {
        registrations: Limit {
            max: 3,
            window: HOUR,
        },
        ..ThrottlePolicy::default()
    };
    let app = spawn_app_behind_proxy(policy).await;
    for n in 0..3 {
        let created = app
            .register_from("203.0.113.1", &format!("user{n}@example.com"))
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
    }
    let refused = app.register_from("203.0.113.1", "user3@example.com").await;
    assert!(retry_after(&refused) > 3500);
    let refusal = problem(refused, StatusCode::TOO_MANY_REQUESTS).await;
    assert!(
        refusal["detail"]
            .as_str()
            .unwrap()
            .contains("registrations"),
        "{refusal}"
    );
    let elsewhere = app.register_from("203.0.113.2", "user3@example.com").await;
    assert_eq!(
        elsewhere.status(),
        StatusCode::CREATED,
        "the refused one was not stored"
    );
    assert_eq!(body(elsewhere).await["email"], "user3@example.com");
    println!("registrations from one address: 3 x 201, the 4th 429; from another address 201");
}
