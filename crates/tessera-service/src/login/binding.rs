//! The browser binding of an AuthnRequest (login CSRF defence, L2): a random value the
//! caller keeps in a cookie of the browser that starts a login; only its hash is
//! stored with the request, and the ACS accepts an SP-initiated response only from a
//! browser presenting it.

/// The prefix of every binding value.
const PREFIX: &str = "tsr_saml";

/// The value a browser presented, if it has the shape of one this service issued.
pub fn presented_binding(value: &str) -> Option<&str> {
    (value.starts_with("tsr_saml_") && value.len() < 128).then_some(value)
}

/// The binding for a login start: the browser's own (well-formed) one, else a fresh
/// random value (256 bits).
pub fn browser_binding(presented: Option<&str>) -> String {
    presented
        .and_then(presented_binding)
        .map_or_else(|| tessera_core::generate_token(PREFIX), str::to_owned)
}
