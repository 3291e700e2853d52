//! Who the throttle counts a request against: the peer address, unless the
//! peer is a trusted proxy (`TRUSTED_PROXIES`); then the right-most address
//! of `Forwarded` (RFC 7239), or else `X-Forwarded-For`, that is not a
//! trusted proxy. Addresses left of it were written by the client itself
//! and could be anything.
//!
//! CIDRs are parsed by `ipnet`. The header walk is hand-written: the crates
//! that parse `Forwarded` do not read `X-Forwarded-For` or pick a hop by a
//! trust list, which is all there is to it.

use std::{convert::Infallible, future::Ready, net::IpAddr, str::FromStr};

use actix_web::{
    FromRequest, HttpRequest,
    dev::Payload,
    http::header::{FORWARDED, HeaderMap, HeaderName},
    web::Data,
};
use domain::ClientAddress;
use ipnet::IpNet;

/// The proxies whose forwarding headers are believed; empty by default.
#[derive(Debug, Clone, Default)]
pub(crate) struct TrustedProxies(pub Vec<IpNet>);

impl TrustedProxies {
    fn contain(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client of a request from `peer` carrying `headers`.
    pub(crate) fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> ClientAddress {
        let Some(peer) = peer else {
            return ClientAddress::unknown();
        };
        let mut client = peer;
        if self.contain(peer) {
            for hop in forwarded_chain(headers).into_iter().rev() {
                // An entry we cannot read ("unknown", an obfuscated name):
                // the last trusted hop is the nearest address we know.
                let Some(hop) = hop else { break };
                client = hop;
                if !self.contain(hop) {
                    break;
                }
            }
        }
        ClientAddress::new(client)
    }
}

/// A proxy CIDR like `10.0.0.0/8`, or a single address.
/// Errors: what is neither, with the text.
pub fn parse_trusted_proxy(text: &str) -> Result<IpNet, InvalidProxy> {
    let text = text.trim();
    IpNet::from_str(text)
        .map(|net| net.trunc())
        .or_else(|_| IpAddr::from_str(text).map(IpNet::from))
        .map_err(|_| InvalidProxy {
            proxy: text.to_owned(),
        })
}

/// A trusted proxy that is neither a CIDR nor an IP address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{proxy}` is not a CIDR like 10.0.0.0/8 or an IP address")]
pub struct InvalidProxy {
    pub proxy: String,
}

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The forwarding chain, nearest the client first: `Forwarded` when
/// present, else `X-Forwarded-For`. `None` for an entry that is no address.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let joined = |name: &HeaderName| {
        let values: Vec<&str> = headers
            .get_all(name)
            .map(|value| value.to_str().unwrap_or(","))
            .collect();
        (!values.is_empty()).then(|| values.join(","))
    };
    if let Some(forwarded) = joined(&FORWARDED) {
        forwarded
            .split(',')
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(name, _)| name.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, node)| node_address(node.trim().trim_matches('"')))
            })
            .collect()
    } else if let Some(forwarded_for) = joined(&X_FORWARDED_FOR) {
        forwarded_for.split(',').map(node_address).collect()
    } else {
        Vec::new()
    }
}

/// `192.0.2.1`, `192.0.2.1:8080`, `2001:db8::1` or `[2001:db8::1]:8080`.
fn node_address(node: &str) -> Option<IpAddr> {
    let node = node.trim();
    if let Some(bracketed) = node.strip_prefix('[') {
        return bracketed.split_once(']')?.0.parse().ok();
    }
    node.parse().ok().or_else(|| {
        let (host, port) = node.rsplit_once(':')?;
        port.parse::<u16>().ok()?;
        host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
    })
}

/// The request's client, as [`TrustedProxies::client`] sees it.
pub(crate) struct Client(pub ClientAddress);

impl FromRequest for Client {
    type Error = Infallible;
    type Future = Ready<Result<Self, Infallible>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let peer = request.peer_addr().map(|address| address.ip());
        let client = match request.app_data::<Data<TrustedProxies>>() {
            Some(trusted) => trusted.client(peer, request.headers()),
            None => TrustedProxies::default().client(peer, request.headers()),
        };
        std::future::ready(Ok(Self(client)))
    }
}

#[cfg(test)]
mod tests;
