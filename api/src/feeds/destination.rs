//! Where a feed may point. An admin's `base_url` is a request the server makes on its own
//! network: left open, it reaches the cloud's metadata service (169.254.169.254), the database
//! on loopback or anything on the private network. A provider is a public service, so its host
//! must resolve only to public addresses, unless `ZHIRONG_FEEDS_ALLOW_PRIVATE` says this is a
//! test bench; a bearer token travels over https only (over plain http to loopback on a bench).
//! The address is checked when the provider is configured and again, after resolution, before
//! every request, which then connects to the checked addresses only (no DNS rebinding).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Why an address is not a provider's, or `None` when it is a public one.
pub fn forbidden(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_v4(v4);
            }
            let s = v6.segments();
            if v6.is_unspecified() {
                Some("unspecified")
            } else if v6.is_loopback() {
                Some("loopback")
            } else if s[0] & 0xfe00 == 0xfc00 {
                Some("private (unique local)")
            } else if s[0] & 0xffc0 == 0xfe80 {
                Some("link-local")
            } else if s[0] & 0xff00 == 0xff00 {
                Some("multicast")
            } else if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                // NAT64: the IPv4 address it carries decides.
                let v4 =
                    Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
                forbidden_v4(v4)
            } else if s[0] == 0x2001 && s[1] == 0x0db8 {
                Some("documentation")
            } else if s[..6] == [0, 0, 0, 0, 0, 0] {
                Some("IPv4-compatible")
            } else {
                None
            }
        }
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let o = ip.octets();
    if ip.is_unspecified() || o[0] == 0 {
        Some("unspecified")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("private")
    } else if ip.is_link_local() {
        Some("link-local (the metadata service's network)")
    } else if o[0] == 100 && (o[1] & 0xc0) == 64 {
        Some("shared (carrier-grade NAT)")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if ip.is_broadcast() || o[0] >= 240 {
        Some("reserved")
    } else {
        None
    }
}

/// A URL's host: an address, or a name to resolve (the parser has already turned forms like
/// `2130706433` into an address).
#[derive(Debug, Clone, PartialEq)]
pub enum Host {
    Ip(IpAddr),
    Domain(String),
}

/// The host and port of `url`, an http or https address, with whether it is https.
pub fn host_of(url: &str) -> Result<(Host, u16, bool), String> {
    let parsed =
        reqwest::Url::parse(url).map_err(|e| format!("base_url is not an address: {e}"))?;
    let https = match parsed.scheme() {
        "https" => true,
        "http" => false,
        _ => return Err("base_url is an http:// or https:// address".into()),
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(
            "base_url carries no user or password (the token is sent as a bearer token)".into(),
        );
    }
    let name = parsed.host_str().ok_or("base_url has no host")?;
    let bare = name.trim_start_matches('[').trim_end_matches(']');
    let host = match bare.parse::<IpAddr>() {
        Ok(ip) => Host::Ip(ip),
        Err(_) => Host::Domain(name.to_string()),
    };
    let port = parsed
        .port_or_known_default()
        .unwrap_or(if https { 443 } else { 80 });
    Ok((host, port, https))
}

/// Checks the addresses `url` resolved to. `Ok` when every one is allowed and the token (if
/// any) goes over https, or over http to loopback on a test bench.
pub fn check_resolved(
    addrs: &[SocketAddr],
    https: bool,
    has_token: bool,
    allow_private: bool,
) -> Result<(), String> {
    if addrs.is_empty() {
        return Err("base_url's host resolves to no address".into());
    }
    for a in addrs {
        if let Some(why) = forbidden(a.ip())
            && !allow_private
        {
            return Err(format!(
                "base_url reaches {} ({why}); a provider is on a public address \
                 (ZHIRONG_FEEDS_ALLOW_PRIVATE=true allows others on a test bench)",
                a.ip()
            ));
        }
    }
    if has_token && !https {
        let loopback_bench = allow_private && addrs.iter().all(|a| a.ip().is_loopback());
        if !loopback_bench {
            return Err(
                "base_url is https:// when a token is set (a bearer token is never sent in clear)"
                    .into(),
            );
        }
    }
    Ok(())
}

/// The addresses of a host as given (an IP literal needs no resolution).
fn literal(host: &Host, port: u16) -> Option<Vec<SocketAddr>> {
    match host {
        Host::Ip(ip) => Some(vec![SocketAddr::new(*ip, port)]),
        Host::Domain(_) => None,
    }
}

fn resolve(name: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    use std::net::ToSocketAddrs;
    Ok((name, port)
        .to_socket_addrs()
        .map_err(|e| format!("base_url's host {name} does not resolve: {e}"))?
        .collect())
}

/// The configuration-time check (blocking resolution): the message names what is wrong.
pub fn check_url(url: &str, has_token: bool, allow_private: bool) -> Result<(), String> {
    let (host, port, https) = host_of(url)?;
    let addrs = match literal(&host, port) {
        Some(a) => a,
        None => match &host {
            Host::Domain(name) => resolve(name, port)?,
            Host::Ip(_) => Vec::new(),
        },
    };
    check_resolved(&addrs, https, has_token, allow_private)
}

/// The request-time check: resolves the host, checks every address, and returns the domain
/// (if the host is a name) with the addresses to connect to.
pub async fn resolve_checked(
    url: &str,
    has_token: bool,
    allow_private: bool,
) -> Result<(Option<String>, Vec<SocketAddr>), String> {
    let (host, port, https) = host_of(url)?;
    let (domain, addrs) = match literal(&host, port) {
        Some(a) => (None, a),
        None => {
            let name = match host {
                Host::Domain(name) => name,
                Host::Ip(ip) => ip.to_string(),
            };
            let asked = name.clone();
            let addrs = tokio::task::spawn_blocking(move || resolve(&asked, port))
                .await
                .map_err(|e| format!("resolving {name}: {e}"))??;
            (Some(name), addrs)
        }
    };
    check_resolved(&addrs, https, has_token, allow_private)?;
    Ok((domain, addrs))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_metadata_loopback_and_private_networks_are_refused() {
        for ip in [
            "169.254.169.254",
            "127.0.0.1",
            "10.0.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00:ec2::254",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a9fe:a9fe",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(forbidden(ip).is_some(), "{ip}");
        }
        for ip in ["203.0.113.7", "8.8.8.8", "172.32.0.1", "2400:3200::1"] {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(forbidden(ip), None, "{ip}");
        }
    }

    #[test]
    fn a_token_goes_over_https_or_to_loopback_on_a_bench() {
        assert!(check_url("http://203.0.113.7/", true, false).is_err());
        assert!(check_url("https://203.0.113.7/", true, false).is_ok());
        assert!(check_url("http://203.0.113.7/", false, false).is_ok());
        assert!(check_url("http://127.0.0.1:9/", true, true).is_ok());
        assert!(check_url("http://10.0.0.1:9/", true, true).is_err());
        assert!(check_url("http://2130706433/", false, false).is_err());
        assert!(check_url("http://localhost:9/", false, false).is_err());
        assert!(check_url("ftp://203.0.113.7/", false, false).is_err());
    }
}
