//! The SSRF guard: which URLs, ports and addresses an outbound fetch may reach, and the resolver
//! that hands the HTTP client only addresses it vetted (so a host cannot resolve to a public
//! address when checked and a private one when connected: there is one resolution).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use crate::error::{FetchError, FetchErrorKind};

/// IPv4 ranges refused by default: `(network, prefix length, reason)`, most specific first.
const V4_BLOCKED: &[([u8; 4], u8, &str)] = &[
    ([0, 0, 0, 0], 8, "unspecified, \"this network\" (0.0.0.0/8)"),
    ([10, 0, 0, 0], 8, "private network (10.0.0.0/8)"),
    (
        [100, 64, 0, 0],
        10,
        "shared address space, carrier-grade NAT (100.64.0.0/10)",
    ),
    ([127, 0, 0, 0], 8, "loopback (127.0.0.0/8)"),
    (
        [169, 254, 0, 0],
        16,
        "link-local, cloud metadata (169.254.0.0/16)",
    ),
    ([172, 16, 0, 0], 12, "private network (172.16.0.0/12)"),
    (
        [192, 0, 0, 0],
        24,
        "IETF protocol assignments (192.0.0.0/24)",
    ),
    ([192, 0, 2, 0], 24, "documentation (192.0.2.0/24)"),
    ([192, 88, 99, 0], 24, "6to4 relay anycast (192.88.99.0/24)"),
    ([192, 168, 0, 0], 16, "private network (192.168.0.0/16)"),
    ([198, 18, 0, 0], 15, "benchmarking (198.18.0.0/15)"),
    ([198, 51, 100, 0], 24, "documentation (198.51.100.0/24)"),
    ([203, 0, 113, 0], 24, "documentation (203.0.113.0/24)"),
    ([224, 0, 0, 0], 4, "multicast (224.0.0.0/4)"),
    ([255, 255, 255, 255], 32, "broadcast (255.255.255.255)"),
    ([240, 0, 0, 0], 4, "reserved (240.0.0.0/4)"),
];

/// IPv6 ranges refused by default (those embedding an IPv4 address are handled apart).
const V6_BLOCKED: &[([u16; 8], u8, &str)] = &[
    ([0, 0, 0, 0, 0, 0, 0, 0], 128, "unspecified (::)"),
    ([0, 0, 0, 0, 0, 0, 0, 1], 128, "loopback (::1)"),
    (
        [0, 0, 0, 0, 0, 0, 0, 0],
        96,
        "IPv4-compatible, deprecated (::/96)",
    ),
    (
        [0x64, 0xff9b, 1, 0, 0, 0, 0, 0],
        48,
        "local-use NAT64 (64:ff9b:1::/48)",
    ),
    ([0x100, 0, 0, 0, 0, 0, 0, 0], 64, "discard-only (100::/64)"),
    (
        [0x2001, 2, 0, 0, 0, 0, 0, 0],
        48,
        "benchmarking (2001:2::/48)",
    ),
    (
        [0x2001, 0x10, 0, 0, 0, 0, 0, 0],
        28,
        "ORCHID (2001:10::/28)",
    ),
    (
        [0x2001, 0x20, 0, 0, 0, 0, 0, 0],
        28,
        "ORCHIDv2 (2001:20::/28)",
    ),
    (
        [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0],
        32,
        "documentation (2001:db8::/32)",
    ),
    (
        [0x3fff, 0, 0, 0, 0, 0, 0, 0],
        20,
        "documentation (3fff::/20)",
    ),
    ([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, "unique local (fc00::/7)"),
    ([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, "link-local (fe80::/10)"),
    (
        [0xfec0, 0, 0, 0, 0, 0, 0, 0],
        10,
        "site-local, deprecated (fec0::/10)",
    ),
    ([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, "multicast (ff00::/8)"),
];

/// Why `ip` is refused by default, or `None` for a public address. IPv6 addresses that embed an
/// IPv4 address (IPv4-mapped `::ffff:0:0/96`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, Teredo
/// `2001::/32`) are refused when the embedded address is.
pub fn blocked_reason(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => v6_reason(v6),
    }
}

fn v4_reason(ip: Ipv4Addr) -> Option<&'static str> {
    let bits = u32::from(ip);
    V4_BLOCKED
        .iter()
        .find(|(net, len, _)| {
            prefix_matches(bits.into(), u32::from_be_bytes(*net).into(), *len, 32)
        })
        .map(|(_, _, reason)| *reason)
}

fn v6_reason(ip: Ipv6Addr) -> Option<&'static str> {
    let bits = u128::from(ip);
    let in_net =
        |net: [u16; 8], len: u8| prefix_matches(bits, u128::from(Ipv6Addr::from(net)), len, 128);
    let low32 = Ipv4Addr::from(bits as u32);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_reason(v4);
    }
    if in_net([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96) {
        return v4_reason(low32);
    }
    if in_net([0x2002, 0, 0, 0, 0, 0, 0, 0], 16) {
        return v4_reason(Ipv4Addr::from((bits >> 80) as u32));
    }
    if in_net([0x2001, 0, 0, 0, 0, 0, 0, 0], 32) {
        // Teredo: the server's address in bits 32..64, the client's inverted in the last 32.
        let server = Ipv4Addr::from((bits >> 64) as u32);
        let client = Ipv4Addr::from(!(bits as u32));
        return v4_reason(client).or_else(|| v4_reason(server));
    }
    if let Some((_, _, reason)) = V6_BLOCKED.iter().find(|(net, len, _)| in_net(*net, *len)) {
        return Some(reason);
    }
    if !in_net([0x2000, 0, 0, 0, 0, 0, 0, 0], 3) {
        return Some("reserved, outside global unicast 2000::/3");
    }
    None
}

fn prefix_matches(ip: u128, net: u128, len: u8, width: u8) -> bool {
    let shift = u32::from(width - len);
    len == 0 || (ip ^ net) >> shift == 0
}

/// Parses an `allow_networks` entry: a CIDR network (`10.20.0.0/16`, `fd00::/8`) or a single
/// address.
pub(crate) fn parse_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map(|net| net.trunc())
        .map_err(|_| format!("{text:?} is not a network such as 10.20.0.0/16 or fd00::/8"))
}

/// The rules every request and every redirect hop is checked against.
#[derive(Debug)]
pub(crate) struct Guard {
    allow_networks: Vec<IpNet>,
    allowed_ports: Vec<u16>,
}

impl Guard {
    pub(crate) fn new(allow_networks: Vec<IpNet>, allowed_ports: Vec<u16>) -> Self {
        Self {
            allow_networks,
            allowed_ports,
        }
    }

    /// Why `ip` may not be reached, unless an allowed network contains it.
    pub(crate) fn refusal(&self, ip: IpAddr) -> Option<&'static str> {
        let canonical = ip.to_canonical();
        let allowed = self
            .allow_networks
            .iter()
            .any(|net| net.contains(&ip) || net.contains(&canonical));
        if allowed { None } else { blocked_reason(ip) }
    }

    /// Checks what can be checked without DNS: scheme, credentials, host, port and IP-literal
    /// hosts (which the client connects to without resolving). Named hosts are checked when
    /// [`GuardedResolver`] resolves them.
    pub(crate) fn vet_url(&self, url: &Url) -> Result<(), FetchErrorKind> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchErrorKind::UnsupportedScheme {
                scheme: url.scheme().to_string(),
            });
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(FetchErrorKind::InvalidUrl {
                reason: "credentials in the URL are not sent".into(),
            });
        }
        let host = url.host().ok_or_else(|| FetchErrorKind::InvalidUrl {
            reason: "no host".into(),
        })?;
        let port = url.port_or_known_default().unwrap_or(0);
        if !self.allowed_ports.contains(&port) {
            return Err(FetchErrorKind::BlockedPort {
                port,
                allowed: self.allowed_ports.clone(),
            });
        }
        let literal = match host {
            Host::Ipv4(ip) => IpAddr::V4(ip),
            Host::Ipv6(ip) => IpAddr::V6(ip),
            Host::Domain(_) => return Ok(()),
        };
        match self.refusal(literal) {
            Some(reason) => Err(FetchErrorKind::BlockedAddress {
                host: literal.to_string(),
                address: literal,
                reason,
            }),
            None => Ok(()),
        }
    }

    /// Vets a full URL string into a [`Url`], errors located at `url`.
    pub(crate) fn parse_and_vet(&self, url: &str) -> Result<Url, FetchError> {
        let parsed = Url::parse(url.trim()).map_err(|e| {
            FetchError::new(
                FetchErrorKind::InvalidUrl {
                    reason: e.to_string(),
                },
                url,
            )
        })?;
        self.vet_url(&parsed)
            .map_err(|kind| FetchError::new(kind, parsed.as_str()))?;
        Ok(parsed)
    }
}

/// A resolver refusal, carried through the HTTP client's error chain back to the fetcher.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum ResolveRefusal {
    /// The name resolves to a refused address.
    #[error("{host} resolves to {address}, {reason}")]
    Blocked {
        host: String,
        address: IpAddr,
        reason: &'static str,
    },
    /// The name does not resolve.
    #[error("cannot resolve {host}: {message}")]
    Dns { host: String, message: String },
}

impl ResolveRefusal {
    pub(crate) fn into_kind(self) -> FetchErrorKind {
        match self {
            Self::Blocked {
                host,
                address,
                reason,
            } => FetchErrorKind::BlockedAddress {
                host,
                address,
                reason,
            },
            Self::Dns { host, message } => FetchErrorKind::DnsFailed { host, message },
        }
    }
}

/// The HTTP client's resolver: resolves with the system resolver and refuses the whole answer
/// when any address in it is refused, so the client only ever connects to vetted addresses.
pub(crate) struct GuardedResolver {
    guard: Arc<Guard>,
}

impl GuardedResolver {
    pub(crate) fn new(guard: Arc<Guard>) -> Self {
        Self { guard }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = Arc::clone(&self.guard);
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| ResolveRefusal::Dns {
                    host: host.clone(),
                    message: e.to_string(),
                })?
                .collect();
            if addrs.is_empty() {
                return Err(ResolveRefusal::Dns {
                    host,
                    message: "no address".into(),
                }
                .into());
            }
            for addr in &addrs {
                if let Some(reason) = guard.refusal(addr.ip()) {
                    return Err(ResolveRefusal::Blocked {
                        host,
                        address: addr.ip(),
                        reason,
                    }
                    .into());
                }
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(ip: &str) -> Option<&'static str> {
        blocked_reason(ip.parse().unwrap())
    }

    #[test]
    fn refuses_every_non_public_ipv4_range() {
        for (ip, expected) in [
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "unspecified"),
            ("10.0.0.1", "private"),
            ("10.255.255.255", "private"),
            ("100.64.0.1", "carrier-grade NAT"),
            ("100.127.255.254", "carrier-grade NAT"),
            ("127.0.0.1", "loopback"),
            ("127.255.0.9", "loopback"),
            ("169.254.169.254", "cloud metadata"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.0.0.8", "IETF"),
            ("192.0.2.10", "documentation"),
            ("192.88.99.1", "6to4 relay"),
            ("192.168.1.1", "private"),
            ("198.18.0.1", "benchmarking"),
            ("198.19.255.255", "benchmarking"),
            ("198.51.100.7", "documentation"),
            ("203.0.113.5", "documentation"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"),
            ("240.0.0.1", "reserved"),
            ("255.255.255.255", "broadcast"),
        ] {
            let got = reason(ip).unwrap_or_else(|| panic!("{ip} should be refused"));
            assert!(got.contains(expected), "{ip}: {got}");
        }
    }

    #[test]
    fn lets_public_ipv4_through_including_range_neighbours() {
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "126.255.255.255",
            "128.0.0.0",
            "169.253.255.255",
            "169.255.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.1",
            "192.167.255.255",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
            "203.162.4.190",
        ] {
            assert_eq!(reason(ip), None, "{ip}");
        }
    }

    #[test]
    fn refuses_non_public_ipv6_and_embedded_refused_ipv4() {
        for (ip, expected) in [
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:10.1.2.3", "private"),
            ("::ffff:169.254.169.254", "cloud metadata"),
            ("::127.0.0.1", "IPv4-compatible"),
            ("::8.8.8.8", "IPv4-compatible"),
            ("64:ff9b::7f00:1", "loopback"),
            ("64:ff9b::a9fe:a9fe", "cloud metadata"),
            ("64:ff9b:1::1", "local-use NAT64"),
            ("100::1", "discard"),
            ("2002:7f00:1::", "loopback"),
            ("2002:c0a8:101::1", "private"),
            // Teredo with client 127.0.0.1 (stored inverted: 80ff:fffe) and a public server.
            ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),
            // Teredo with a private server (and client 8.8.8.8).
            ("2001:0:a00:1::f7f7:f7f7", "private"),
            ("2001:2::1", "benchmarking"),
            ("2001:10::1", "ORCHID"),
            ("2001:db8::1", "documentation"),
            ("3fff::1", "documentation"),
            ("fc00::1", "unique local"),
            ("fd12:3456::1", "unique local"),
            ("fe80::1", "link-local"),
            ("febf::1", "link-local"),
            ("fec0::1", "site-local"),
            ("ff02::1", "multicast"),
            ("4000::1", "outside global unicast"),
            ("::2", "IPv4-compatible"),
        ] {
            let got = reason(ip).unwrap_or_else(|| panic!("{ip} should be refused"));
            assert!(got.contains(expected), "{ip}: {got}");
        }
    }

    #[test]
    fn lets_public_ipv6_through() {
        for ip in [
            "2001:4860:4860::8888",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            // Teredo with public server and client (client 8.8.8.8 inverted).
            "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
            "2402:800::1",
        ] {
            assert_eq!(reason(ip), None, "{ip}");
        }
    }

    #[test]
    fn allowed_networks_lift_the_block_for_those_networks_only() {
        let guard = Guard::new(
            vec![
                parse_network("127.0.0.1/32").unwrap(),
                parse_network("10.20.0.0/16").unwrap(),
                parse_network("fd00::7").unwrap(),
            ],
            vec![80],
        );
        assert_eq!(guard.refusal("127.0.0.1".parse().unwrap()), None);
        assert_eq!(guard.refusal("::ffff:127.0.0.1".parse().unwrap()), None);
        assert!(guard.refusal("127.0.0.2".parse().unwrap()).is_some());
        assert_eq!(guard.refusal("10.20.30.40".parse().unwrap()), None);
        assert!(guard.refusal("10.21.0.1".parse().unwrap()).is_some());
        assert_eq!(guard.refusal("fd00::7".parse().unwrap()), None);
        assert!(guard.refusal("fd00::8".parse().unwrap()).is_some());
        assert!(guard.refusal("::1".parse().unwrap()).is_some());
    }

    #[test]
    fn network_entries_parse_or_say_what_is_wrong() {
        assert_eq!(
            parse_network(" 10.20.1.2/16 ").unwrap().to_string(),
            "10.20.0.0/16"
        );
        assert_eq!(parse_network("::1").unwrap().to_string(), "::1/128");
        let err = parse_network("10.0.0.0/33").unwrap_err();
        assert!(err.contains("\"10.0.0.0/33\" is not a network"), "{err}");
        assert!(parse_network("intranet").is_err());
    }

    #[test]
    fn urls_are_vetted_before_any_connection() {
        let guard = Guard::new(vec![], vec![80, 443]);
        let vet = |url: &str| guard.vet_url(&Url::parse(url).unwrap());
        assert!(vet("https://data.gov.vn/a.csv").is_ok());
        assert!(matches!(
            vet("ftp://example.org/a"),
            Err(FetchErrorKind::UnsupportedScheme { scheme }) if scheme == "ftp"
        ));
        assert!(matches!(
            vet("file:///etc/passwd"),
            Err(FetchErrorKind::UnsupportedScheme { .. })
        ));
        assert!(matches!(
            vet("http://user:secret@example.org/"),
            Err(FetchErrorKind::InvalidUrl { .. })
        ));
        assert!(matches!(
            vet("http://example.org:22/"),
            Err(FetchErrorKind::BlockedPort { port: 22, .. })
        ));
        for literal in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://0177.0.0.1/",
            "http://[::1]/",
            "http://[::ffff:7f00:1]/",
            "http://169.254.169.254/latest/meta-data/",
        ] {
            assert!(
                matches!(vet(literal), Err(FetchErrorKind::BlockedAddress { .. })),
                "{literal}"
            );
        }
    }
}
