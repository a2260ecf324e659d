//! The SSRF guard: an account admin's endpoint may reach only public addresses,
//! unless `webhooks_allow_private_urls`. Checked when the endpoint is added and again
//! at each delivery, where the sender's resolver refuses a name with any non-public
//! address and the connection goes to the addresses it checked (so a name that
//! resolves elsewhere the second time, DNS rebinding, gains nothing).

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, SocketAddr};
use tessera_service::webhooks::is_public_address;

/// Why a URL was refused.
pub(crate) fn refusal(host: &str, ip: IpAddr) -> String {
    format!(
        "{host} resolves to {ip}, which is not a public address (loopback, private, link-local \
         and similar addresses are refused unless the operator sets webhooks_allow_private_urls)"
    )
}

/// Checks that every address `url` reaches is public: an IP host directly, a name by
/// resolving it. Answers the refusal otherwise.
pub(crate) async fn check_url(url: &str) -> Result<(), String> {
    let parsed = Url::parse(url).map_err(|e| format!("url {url:?}: {e}"))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| format!("url {url:?} has no host"))?;
    let port = parsed.port_or_known_default().unwrap_or(443);
    if let Some(ip) = literal(&parsed) {
        return checked(host, ip);
    }
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .collect();
    if addrs.is_empty() {
        return Err(format!("{host} resolves to no address"));
    }
    addrs.iter().try_for_each(|addr| checked(host, addr.ip()))
}

/// The IP of a URL whose host is an address literal.
pub(crate) fn literal(url: &Url) -> Option<IpAddr> {
    let host = url.host_str()?;
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

fn checked(host: &str, ip: IpAddr) -> Result<(), String> {
    if is_public_address(ip) {
        Ok(())
    } else {
        Err(refusal(host, ip))
    }
}

/// The sender's resolver when private URLs are not allowed: resolves with the system
/// resolver and refuses the name if any of its addresses is not public.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(bad) = addrs.iter().find(|addr| !is_public_address(addr.ip())) {
                return Err(refusal(&host, bad.ip()).into());
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}
