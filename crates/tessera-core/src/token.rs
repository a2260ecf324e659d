//! Bearer secrets (SCIM tokens, admin API tokens, session ids): generated with 256
//! random bits, shown once, stored only as a SHA-256 hash.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The SHA-256 of a token, hex-encoded: what the database keeps.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(String);

impl TokenHash {
    /// Hashes a presented token.
    pub fn of(token: &str) -> Self {
        Self(hex::encode(Sha256::digest(token.as_bytes())))
    }

    /// Wraps a stored hash.
    pub fn from_stored(hex: String) -> Self {
        Self(hex)
    }

    /// The hex text to store.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `token` hashes to this value, compared in constant time.
    pub fn matches(&self, token: &str) -> bool {
        let presented = Self::of(token);
        presented.0.as_bytes().ct_eq(self.0.as_bytes()).into()
    }
}

/// A freshly generated token: `{prefix}_{43 url-safe base64 characters}` (256 bits).
/// The prefix tells a leaked token's kind at a glance (e.g. `tsr_scim`).
pub fn generate_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}_{}", URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_prefixed() {
        let a = generate_token("tsr_scim");
        let b = generate_token("tsr_scim");
        assert_ne!(a, b);
        assert!(a.starts_with("tsr_scim_"));
        assert_eq!(a.len(), "tsr_scim_".len() + 43);
    }

    #[test]
    fn only_the_hash_is_kept_and_it_matches_only_its_token() {
        let token = generate_token("tsr_adm");
        let hash = TokenHash::of(&token);
        assert_eq!(hash.as_str().len(), 64);
        assert!(!hash.as_str().contains(&token[8..]));
        assert!(hash.matches(&token));
        assert!(!hash.matches(&format!("{token}x")));
        assert!(!hash.matches(""));
        assert!(TokenHash::from_stored(hash.as_str().to_owned()).matches(&token));
    }
}
