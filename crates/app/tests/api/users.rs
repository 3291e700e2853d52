use std::time::{SystemTime, UNIX_EPOCH};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{EncodingKey, Header, encode};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{SECRET, body, problem, spawn_app};

#[tokio::test]
async fn register_returns_201_with_location_and_no_secrets() {
    let app = spawn_app().await;
    let response = app
        .register("  Ada  ", "Ada@Example.com", "correct horse")
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let user = body(response).await;
    assert_eq!(location, format!("/users/{}", user["id"]));
    assert_eq!(user["name"], "Ada");
    assert_eq!(user["email"], "ada@example.com");
    assert!(user["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());
}

#[tokio::test]
async fn duplicate_email_is_409_case_insensitively() {
    let app = spawn_app().await;
    assert_eq!(
        app.register("Ada", "ada@example.com", "correct horse")
            .await
            .status(),
        StatusCode::CREATED
    );
    let response = app
        .register("Other Ada", "ADA@example.COM", "another pass")
        .await;
    problem(response, StatusCode::CONFLICT).await;
}

/// Look-alikes of an email are the same account: NFKC folds fullwidth
/// letters; invisible characters are refused rather than making a second one.
#[tokio::test]
async fn look_alike_emails_cannot_make_a_second_account() {
    let app = spawn_app().await;
    let created = app
        .register("Ada", "ada@example.com", "correct horse")
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let fullwidth = app
        .register("Ada", "ａｄａ＠ｅｘａｍｐｌｅ．ｃｏｍ", "correct horse")
        .await;
    problem(fullwidth, StatusCode::CONFLICT).await;
    for hidden in ["ada\u{200D}@example.com", "\u{FEFF}ada@example.com"] {
        let response = app.register("Ada", hidden, "correct horse").await;
        let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(body["errors"][0]["field"], "email", "{hidden:?}");
    }
    // The fullwidth spelling logs in to the one account.
    let login = app
        .login("ａｄａ＠ｅｘａｍｐｌｅ．ｃｏｍ", "correct horse")
        .await;
    assert_eq!(login.status(), StatusCode::OK);
}

#[tokio::test]
async fn trivial_passwords_and_blank_rendering_names_are_422_and_store_nothing() {
    let app = spawn_app().await;
    for (name, password, field) in [
        ("Ada", "password", "password"),
        ("Ada", "12345678", "password"),
        ("Ada", "        ", "password"),
        ("Ada", "ada@example.com", "password"),
        ("\u{3164}", "correct horse", "name"),
        ("Ada\u{202E}", "correct horse", "name"),
    ] {
        let response = app.register(name, "ada@example.com", password).await;
        let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(body["errors"][0]["field"], field, "{name:?} {password:?}");
    }
    let created = app
        .register("Ada", "ada@example.com", "correct horse")
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn invalid_registration_is_422_naming_each_field_and_stores_nothing() {
    let app = spawn_app().await;
    let response = app.register("", "nope", &"x".repeat(72)).await;
    let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "email", "password"]);
    // Nothing was stored: the same email registers fine afterwards.
    assert_eq!(
        app.register("Ada", "nope@example.com", "correct horse")
            .await
            .status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn login_with_form_or_json_then_me() {
    let app = spawn_app().await;
    app.register("Ada", "ada@example.com", "correct horse")
        .await;

    let form = app.login("ADA@example.com", "correct horse").await;
    assert_eq!(form.status(), StatusCode::OK);
    let token = body(form).await;
    assert_eq!(token["token_type"], "bearer");
    assert_eq!(token["expires_in"], 1800);

    let json_login = app
        .post_json(
            "/login",
            &json!({"email": "ada@example.com", "password": "correct horse"}),
            None,
        )
        .await;
    assert_eq!(json_login.status(), StatusCode::OK);

    let me = app.get("/users/me", token["access_token"].as_str()).await;
    assert_eq!(me.status(), StatusCode::OK);
    let me = body(me).await;
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["name"], "Ada");
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn sign(claims: &Value, key: &[u8]) -> String {
    encode(&Header::default(), claims, &EncodingKey::from_secret(key)).unwrap()
}

#[tokio::test]
async fn forged_tokens_are_401() {
    let app = spawn_app().await;
    let (id, token) = app.signed_up("Ada").await;
    let (other_id, _) = app.signed_up("Bob").await;

    // Tampered payload: Bob's id with Ada's signature.
    let parts: Vec<&str> = token.split('.').collect();
    let payload = json!({"sub": other_id.to_string(), "iat": now(), "exp": now() + 600});
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        parts[2]
    );
    // alg: none, no signature.
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let none = format!(
        "{header}.{}.",
        URL_SAFE_NO_PAD
            .encode(json!({"sub": id.to_string(), "iat": now(), "exp": now() + 600}).to_string())
    );
    // Right claims, wrong key.
    let wrong_key = sign(
        &json!({"sub": id.to_string(), "iat": now(), "exp": now() + 600}),
        b"another secret that is long enough!!",
    );
    // Right key, expired one second ago.
    let expired = sign(
        &json!({"sub": id.to_string(), "iat": now() - 1801, "exp": now() - 1}),
        SECRET.as_bytes(),
    );
    // Right key, no subject.
    let no_sub = sign(
        &json!({"iat": now(), "exp": now() + 600}),
        SECRET.as_bytes(),
    );

    for (what, forged) in [
        ("tampered", tampered),
        ("alg none", none),
        ("wrong key", wrong_key),
        ("expired", expired),
        ("no sub", no_sub),
    ] {
        let response = app.get("/users/me", Some(&forged)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
        problem(response, StatusCode::UNAUTHORIZED).await;
    }
    // The genuine token still works, so the 401s above are about the forgery.
    assert_eq!(
        app.get("/users/me", Some(&token)).await.status(),
        StatusCode::OK
    );
}

/// Every strict JWT rule over HTTP: each token below is signed with the
/// right key and names a live session, and breaks exactly one rule.
#[tokio::test]
async fn tokens_breaking_a_claim_rule_are_401() {
    let app = spawn_app().await;
    let (_, token) = app.signed_up("Ada").await;
    let payload = token.split('.').nth(1).unwrap();
    let genuine: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    // Re-signing the genuine claims works: the 401s below are about the change.
    assert_eq!(
        app.get("/users/me", Some(&sign(&genuine, SECRET.as_bytes())))
            .await
            .status(),
        StatusCode::OK
    );
    let now = now();
    let cases: [(&str, Value); 9] = [
        ("another issuer", json!({"iss": "someone-else"})),
        ("another audience", json!({"aud": "someone-else"})),
        (
            "not valid before a minute from now",
            json!({"nbf": now + 60}),
        ),
        (
            "issued in the future",
            json!({"iat": now + 120, "nbf": now, "exp": now + 600}),
        ),
        (
            "expiring in the year 2999",
            json!({"exp": 32_472_144_000_u64}),
        ),
        ("living longer than issued for", json!({"exp": now + 1801})),
        ("no session", json!({"sid": null})),
        ("no issuer", json!({"iss": null})),
        ("another session", json!({"sid": 999_999})),
    ];
    for (what, change) in cases {
        let mut claims = genuine.clone();
        for (key, value) in change.as_object().unwrap() {
            if value.is_null() {
                claims.as_object_mut().unwrap().remove(key);
            } else {
                claims[key] = value.clone();
            }
        }
        let response = app
            .get("/users/me", Some(&sign(&claims, SECRET.as_bytes())))
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
    }
}

#[tokio::test]
async fn patch_me_renames_and_changes_password_with_the_current_one() {
    let app = spawn_app().await;
    let (_, token) = app.signed_up("Ada").await;
    let patch = |body: Value| {
        app.client
            .patch(app.url("/users/me"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };

    let renamed = patch(json!({"name": "Ada L."})).await.unwrap();
    assert_eq!(renamed.status(), StatusCode::OK);
    assert_eq!(body(renamed).await["name"], "Ada L.");

    problem(
        patch(json!({"password": "new password"})).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    problem(
        patch(json!({"password": "new password", "current_password": "wrong"}))
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let changed = patch(json!({"password": "new password", "current_password": "correct horse"}))
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);

    assert_eq!(
        app.login("ada@example.com", "correct horse").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("ada@example.com", "new password").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn public_profile_hides_the_email_and_unknown_user_is_404() {
    let app = spawn_app().await;
    let (id, _) = app.signed_up("Ada").await;
    let profile = app.get(&format!("/users/{id}"), None).await;
    assert_eq!(profile.status(), StatusCode::OK);
    let profile = body(profile).await;
    assert_eq!(profile["name"], "Ada");
    assert_eq!(profile["post_count"], 0);
    assert!(profile.get("email").is_none());
    problem(app.get("/users/999999", None).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn delete_me_needs_the_password_then_is_204_and_the_old_token_fails() {
    let app = spawn_app().await;
    let (_, token) = app.signed_up("Ada").await;
    let without = app
        .client
        .delete(app.url("/users/me"))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let without = problem(without, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(without["errors"][0]["field"], "current_password");
    let wrong = app.delete_me(&token, "wrong horse").await;
    problem(wrong, StatusCode::UNPROCESSABLE_ENTITY).await;
    // Neither refusal lost anything.
    assert_eq!(
        app.get("/users/me", Some(&token)).await.status(),
        StatusCode::OK
    );
    let deleted = app.delete_me(&token, "correct horse").await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    problem(
        app.get("/users/me", Some(&token)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(
        app.login("ada@example.com", "correct horse").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn parallel_wrong_passwords_cannot_outrun_the_login_throttle() {
    let app = spawn_app().await;
    app.register("Ada", "ada@example.com", "correct horse")
        .await;
    let attempts = (0..30).map(|_| app.login("ada@example.com", "wrong horse"));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(|response| response.status())
        .collect();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!((checked, refused), (5, 25), "{statuses:?}");
    let locked = app.login("ada@example.com", "correct horse").await;
    assert!(locked.headers().contains_key("retry-after"));
    problem(locked, StatusCode::TOO_MANY_REQUESTS).await;
}

#[tokio::test]
async fn guessing_the_current_password_through_patch_me_is_throttled() {
    let app = spawn_app().await;
    let (_, token) = app.signed_up("Ada").await;
    let guess = |current: &str| {
        app.client
            .patch(app.url("/users/me"))
            .bearer_auth(&token)
            .json(&json!({"password": "new password", "current_password": current}))
            .send()
    };
    for n in 0..5 {
        let wrong = guess(&format!("guess {n}")).await.unwrap();
        problem(wrong, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let locked = guess("correct horse").await.unwrap();
    assert!(locked.headers().contains_key("retry-after"));
    problem(locked, StatusCode::TOO_MANY_REQUESTS).await;
    // Renaming needs no password and stays possible.
    let rename = app
        .client
        .patch(app.url("/users/me"))
        .bearer_auth(&token)
        .json(&json!({"name": "Ada L."}))
        .send()
        .await
        .unwrap();
    assert_eq!(rename.status(), StatusCode::OK);
}
