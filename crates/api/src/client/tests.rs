use actix_web::http::header::{HeaderName, HeaderValue};

use super::*;

fn trusting(proxies: &[&str]) -> TrustedProxies {
    TrustedProxies(
        proxies
            .iter()
            .map(|p| parse_trusted_proxy(p).unwrap())
            .collect(),
    )
}

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    map
}

fn ip(text: &str) -> Option<IpAddr> {
    Some(text.parse().unwrap())
}

fn client(text: &str) -> ClientAddress {
    ClientAddress::new(text.parse().unwrap())
}

#[test]
fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
    let forged = headers(&[
        ("x-forwarded-for", "203.0.113.9"),
        ("forwarded", "for=203.0.113.9"),
    ]);
    assert_eq!(
        trusting(&[]).client(ip("198.51.100.7"), &forged),
        client("198.51.100.7")
    );
    assert_eq!(
        trusting(&["10.0.0.0/8"]).client(ip("198.51.100.7"), &forged),
        client("198.51.100.7")
    );
}

#[test]
fn behind_trusted_proxies_the_rightmost_untrusted_address_is_the_client() {
    let trusted = trusting(&["10.0.0.0/8", "192.0.2.1"]);
    let chain = headers(&[("x-forwarded-for", "1.1.1.1, 198.51.100.7, 10.1.2.3")]);
    assert_eq!(
        trusted.client(ip("192.0.2.1"), &chain),
        client("198.51.100.7"),
        "1.1.1.1 was written by the client and proves nothing"
    );
    let split_over_lines = headers(&[
        ("x-forwarded-for", "1.1.1.1"),
        ("x-forwarded-for", "198.51.100.7, 10.1.2.3"),
    ]);
    assert_eq!(
        trusted.client(ip("10.9.9.9"), &split_over_lines),
        client("198.51.100.7")
    );
}

#[test]
fn forwarded_wins_over_x_forwarded_for_and_reads_ports_and_ipv6() {
    let trusted = trusting(&["10.0.0.0/8"]);
    let both = headers(&[
        (
            "forwarded",
            "for=1.1.1.1, for=\"[2001:db8:cafe::17]:4711\";proto=https",
        ),
        ("x-forwarded-for", "198.51.100.7"),
    ]);
    assert_eq!(
        trusted.client(ip("10.0.0.1"), &both),
        client("2001:db8:cafe::17")
    );
    let with_port = headers(&[("forwarded", "for=198.51.100.7:5000;by=10.0.0.1")]);
    assert_eq!(
        trusted.client(ip("10.0.0.1"), &with_port),
        client("198.51.100.7")
    );
}

#[test]
fn an_unreadable_or_missing_hop_stops_at_the_last_trusted_address() {
    let trusted = trusting(&["10.0.0.0/8"]);
    let obfuscated = headers(&[("forwarded", "for=198.51.100.7, for=unknown, for=10.0.0.2")]);
    assert_eq!(
        trusted.client(ip("10.0.0.1"), &obfuscated),
        client("10.0.0.2")
    );
    assert_eq!(
        trusted.client(ip("10.0.0.1"), &HeaderMap::new()),
        client("10.0.0.1")
    );
    let all_trusted = headers(&[("x-forwarded-for", "10.0.0.3, 10.0.0.2")]);
    assert_eq!(
        trusted.client(ip("10.0.0.1"), &all_trusted),
        client("10.0.0.3")
    );
    assert_eq!(trusted.client(None, &all_trusted), ClientAddress::unknown());
}

#[test]
fn proxies_are_cidrs_or_addresses_and_anything_else_is_refused() {
    assert_eq!(
        parse_trusted_proxy(" 10.1.2.3/8 ").unwrap().to_string(),
        "10.0.0.0/8"
    );
    assert_eq!(
        parse_trusted_proxy("192.0.2.1").unwrap().to_string(),
        "192.0.2.1/32"
    );
    assert_eq!(
        parse_trusted_proxy("2001:db8::/32").unwrap().to_string(),
        "2001:db8::/32"
    );
    for bad in ["", "10.0.0.0/33", "proxy.example.com", "10.0.0"] {
        assert!(parse_trusted_proxy(bad).is_err(), "{bad:?}");
    }
}
