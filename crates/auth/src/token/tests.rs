use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::{DomainError, SessionId, TokenClaims, TokenService, UserId};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use super::JwtTokenService;
use crate::AuthError;

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef-test-secret";
const LIFETIME: Duration = Duration::from_secs(30 * 60);

fn service() -> JwtTokenService {
    JwtTokenService::new(SECRET, LIFETIME).unwrap()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Signs arbitrary claims with `key` and `alg`, as an attacker holding the
/// key (or a buggy issuer) could.
fn sign(alg: Algorithm, key: &[u8], claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(key)).unwrap()
}

fn valid_claims(sub: &str) -> Value {
    let now = now();
    json!({
        "sub": sub, "sid": 3, "iss": "agora", "aud": "agora-api",
        "iat": now, "nbf": now, "exp": now + 600,
    })
}

fn claims(user: i64, session: i64) -> TokenClaims {
    TokenClaims {
        user: UserId::new(user),
        session: SessionId::new(session),
    }
}

/// `valid_claims` with the given members replaced.
fn claims_with(changes: Value) -> Value {
    let mut claims = valid_claims("1");
    for (key, value) in changes.as_object().unwrap() {
        claims[key] = value.clone();
    }
    claims
}

fn assert_rejected(token: &str) {
    let result = service().verify(token);
    assert!(
        matches!(result, Err(DomainError::InvalidToken)),
        "token {token:?} gave {result:?}"
    );
}

fn segments(token: &str) -> [String; 3] {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    [parts[0].into(), parts[1].into(), parts[2].into()]
}

fn decode_segment(segment: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).unwrap()).unwrap()
}

fn encode_segment(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

#[test]
fn issued_token_verifies_to_the_same_user() {
    let service = service();
    let issued = service.issue(UserId::new(42), SessionId::new(9)).unwrap();
    assert_eq!(issued.expires_in_seconds, 1800);
    assert_eq!(service.verify(&issued.token).unwrap(), claims(42, 9));
}

#[test]
fn issued_token_is_hs256_with_string_sub_sid_iss_aud_iat_nbf_and_exp() {
    let issued = service().issue(UserId::new(7), SessionId::new(9)).unwrap();
    let [header, payload, _] = segments(&issued.token);
    let header = decode_segment(&header);
    assert_eq!(header["alg"], "HS256");
    assert_eq!(header["typ"], "JWT");
    let payload = decode_segment(&payload);
    assert_eq!(payload["sub"], "7");
    assert_eq!(payload["sid"], 9);
    assert_eq!(payload["iss"], "agora");
    assert_eq!(payload["aud"], "agora-api");
    assert_eq!(payload["nbf"], payload["iat"]);
    let iat = payload["iat"].as_u64().unwrap();
    let exp = payload["exp"].as_u64().unwrap();
    assert_eq!(exp - iat, 1800);
    assert!(iat.abs_diff(now()) <= 1);
}

#[test]
fn a_token_signed_with_the_same_key_by_hand_verifies() {
    // Guards the negative tests below: they fail for the reason they name.
    let token = sign(Algorithm::HS256, SECRET, &valid_claims("5"));
    assert_eq!(service().verify(&token).unwrap(), claims(5, 3));
}

#[test]
fn tampered_payload_is_rejected() {
    let issued = service().issue(UserId::new(1), SessionId::new(1)).unwrap();
    let [header, payload, signature] = segments(&issued.token);
    let mut claims = decode_segment(&payload);
    claims["sub"] = json!("2");
    let forged = format!("{header}.{}.{signature}", encode_segment(&claims));
    assert_rejected(&forged);
}

#[test]
fn alg_none_is_rejected() {
    let header = encode_segment(&json!({ "alg": "none", "typ": "JWT" }));
    let payload = encode_segment(&valid_claims("1"));
    assert_rejected(&format!("{header}.{payload}."));
}

#[test]
fn token_signed_with_another_key_is_rejected() {
    let other = b"another-secret-that-is-long-enough-0123456789";
    assert_rejected(&sign(Algorithm::HS256, other, &valid_claims("1")));
}

#[test]
fn other_hmac_algorithms_with_the_same_key_are_rejected() {
    assert_rejected(&sign(Algorithm::HS384, SECRET, &valid_claims("1")));
    assert_rejected(&sign(Algorithm::HS512, SECRET, &valid_claims("1")));
}

#[test]
fn token_expired_by_one_second_is_rejected() {
    let claims = claims_with(json!({ "iat": now() - 61, "nbf": now() - 61, "exp": now() - 1 }));
    assert_rejected(&sign(Algorithm::HS256, SECRET, &claims));
}

#[test]
fn missing_claims_are_rejected() {
    for missing in ["sub", "sid", "iss", "aud", "iat", "nbf", "exp"] {
        let mut claims = valid_claims("1");
        claims.as_object_mut().unwrap().remove(missing);
        assert_rejected(&sign(Algorithm::HS256, SECRET, &claims));
    }
}

#[test]
fn sub_that_is_not_a_user_id_is_rejected() {
    for sub in [
        json!("ada"),
        json!(""),
        json!("99999999999999999999"),
        json!(1),
    ] {
        let claims = claims_with(json!({ "sub": sub }));
        assert_rejected(&sign(Algorithm::HS256, SECRET, &claims));
    }
}

#[test]
fn another_issuer_or_audience_is_rejected() {
    assert_rejected(&sign(
        Algorithm::HS256,
        SECRET,
        &claims_with(json!({ "iss": "other" })),
    ));
    assert_rejected(&sign(
        Algorithm::HS256,
        SECRET,
        &claims_with(json!({ "aud": "other" })),
    ));
    let elsewhere = service().with_issuer("agora-staging").unwrap();
    let issued = elsewhere.issue(UserId::new(1), SessionId::new(1)).unwrap();
    assert_rejected(&issued.token);
    assert_eq!(elsewhere.verify(&issued.token).unwrap(), claims(1, 1));
}

#[test]
fn an_empty_or_spaced_issuer_is_refused() {
    for issuer in ["", "agora staging", "agora\n"] {
        assert!(service().with_issuer(issuer).is_err(), "{issuer:?}");
    }
}

#[test]
fn a_token_not_yet_valid_is_rejected() {
    assert_rejected(&sign(
        Algorithm::HS256,
        SECRET,
        &claims_with(json!({ "nbf": now() + 120 })),
    ));
}

#[test]
fn a_token_issued_in_the_future_is_rejected_beyond_the_clock_skew() {
    let later = now() + 120;
    let claims = claims_with(json!({ "iat": later, "exp": later + 600 }));
    assert_rejected(&sign(Algorithm::HS256, SECRET, &claims));
    let slightly = now() + 5;
    let claims = claims_with(json!({ "iat": slightly, "exp": slightly + 600 }));
    assert!(
        service()
            .verify(&sign(Algorithm::HS256, SECRET, &claims))
            .is_ok()
    );
}

#[test]
fn a_token_living_longer_than_the_configured_lifetime_is_rejected() {
    // The year 2999.
    let claims = claims_with(json!({ "exp": 32_472_144_000_u64 }));
    assert_rejected(&sign(Algorithm::HS256, SECRET, &claims));
    let claims = claims_with(json!({ "exp": now() + LIFETIME.as_secs() + 1 }));
    assert_rejected(&sign(Algorithm::HS256, SECRET, &claims));
    let claims = claims_with(json!({ "exp": now() - 10 + LIFETIME.as_secs(), "iat": now() - 10 }));
    assert!(
        service()
            .verify(&sign(Algorithm::HS256, SECRET, &claims))
            .is_ok()
    );
}

#[test]
fn an_exp_before_iat_is_rejected() {
    let claims = claims_with(json!({ "iat": now(), "exp": now() - 1 }));
    assert_rejected(&sign(Algorithm::HS256, SECRET, &claims));
}

#[test]
fn refresh_tokens_are_256_random_bits_and_only_their_digest_is_kept() {
    let service = service();
    let first = service.new_refresh_token().unwrap();
    let second = service.new_refresh_token().unwrap();
    assert_ne!(first.token, second.token);
    assert_eq!(URL_SAFE_NO_PAD.decode(&first.token).unwrap().len(), 32);
    assert_eq!(first.digest.as_bytes().len(), 32);
    assert_eq!(service.digest(&first.token), first.digest);
    assert_ne!(first.digest.as_bytes(), first.token.as_bytes());
    assert!(!format!("{first:?}").contains(&first.token));
}

#[test]
fn garbage_is_rejected() {
    for token in ["", "abc", "a.b.c", "..", "Bearer x.y.z"] {
        assert_rejected(token);
    }
}

#[test]
fn short_secret_is_refused() {
    for len in [0, 1, 31] {
        let secret = vec![b'k'; len];
        assert!(matches!(
            JwtTokenService::new(&secret, LIFETIME),
            Err(AuthError::SecretTooShort { len: l }) if l == len
        ));
    }
    assert!(JwtTokenService::new(&[b'k'; 32], LIFETIME).is_ok());
}

#[test]
fn lifetime_under_a_second_is_refused() {
    assert!(matches!(
        JwtTokenService::new(SECRET, Duration::from_millis(999)),
        Err(AuthError::LifetimeTooShort)
    ));
}

#[test]
fn debug_does_not_show_the_secret() {
    let shown = format!("{:?}", service());
    assert!(!shown.contains("test-secret"), "{shown}");
    assert!(shown.contains("<redacted>"));
}
