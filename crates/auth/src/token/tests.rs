use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::{DomainError, TokenService, UserId};
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
    json!({ "sub": sub, "iat": now(), "exp": now() + 600 })
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
    let issued = service.issue(UserId::new(42)).unwrap();
    assert_eq!(issued.expires_in_seconds, 1800);
    assert_eq!(service.verify(&issued.token).unwrap(), UserId::new(42));
}

#[test]
fn issued_token_is_hs256_with_string_sub_iat_and_exp() {
    let issued = service().issue(UserId::new(7)).unwrap();
    let [header, payload, _] = segments(&issued.token);
    let header = decode_segment(&header);
    assert_eq!(header["alg"], "HS256");
    assert_eq!(header["typ"], "JWT");
    let payload = decode_segment(&payload);
    assert_eq!(payload["sub"], "7");
    let iat = payload["iat"].as_u64().unwrap();
    let exp = payload["exp"].as_u64().unwrap();
    assert_eq!(exp - iat, 1800);
    assert!(iat.abs_diff(now()) <= 1);
}

#[test]
fn a_token_signed_with_the_same_key_by_hand_verifies() {
    // Guards the negative tests below: they fail for the reason they name.
    let token = sign(Algorithm::HS256, SECRET, &valid_claims("5"));
    assert_eq!(service().verify(&token).unwrap(), UserId::new(5));
}

#[test]
fn tampered_payload_is_rejected() {
    let issued = service().issue(UserId::new(1)).unwrap();
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
    let claims = json!({ "sub": "1", "iat": now() - 61, "exp": now() - 1 });
    assert_rejected(&sign(Algorithm::HS256, SECRET, &claims));
}

#[test]
fn missing_claims_are_rejected() {
    for missing in ["sub", "iat", "exp"] {
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
        let claims = json!({ "sub": sub, "iat": now(), "exp": now() + 600 });
        assert_rejected(&sign(Algorithm::HS256, SECRET, &claims));
    }
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
