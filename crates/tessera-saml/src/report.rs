//! How a refusal is reported: a stable code per kind, and a detail safe to log and
//! audit although parts of it (issuers, audiences, ids) come from an unverified message.

use crate::error::SamlError;

/// The longest detail reported, in characters (an ellipsis marks a cut).
pub const MAX_DETAIL_CHARS: usize = 256;

impl SamlError {
    /// A stable snake_case code for the kind of refusal (`signature_invalid`,
    /// `audience_mismatch`, `replayed`, …): what audit entries and logs are keyed by.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "too_large",
            Self::InvalidBase64 => "invalid_base64",
            Self::InvalidDeflate => "invalid_deflate",
            Self::MalformedXml { .. } => "malformed_xml",
            Self::ForbiddenXml { .. } => "forbidden_xml",
            Self::UnexpectedRoot { .. } => "unexpected_root",
            Self::AssertionCount { .. } => "assertion_count",
            Self::MisplacedElement { .. } => "misplaced_element",
            Self::DuplicateId { .. } => "duplicate_id",
            Self::Missing { .. } => "missing_element",
            Self::Unsigned => "unsigned",
            Self::NoCertificateConfigured => "no_certificate_configured",
            Self::SignatureInvalid { .. } => "signature_invalid",
            Self::SignatureReference { .. } => "signature_reference",
            Self::Sha1Refused { .. } => "sha1_refused",
            Self::AlgorithmNotAllowed { .. } => "algorithm_not_allowed",
            Self::NoDecryptionKey => "no_decryption_key",
            Self::DecryptionFailed => "decryption_failed",
            Self::StatusNotSuccess { .. } => "status_not_success",
            Self::IssuerMismatch { .. } => "issuer_mismatch",
            Self::AudienceMismatch { .. } => "audience_mismatch",
            Self::DestinationMismatch { .. } => "destination_mismatch",
            Self::RecipientMismatch { .. } => "recipient_mismatch",
            Self::NotBearer { .. } => "not_bearer",
            Self::NotYetValid { .. } => "not_yet_valid",
            Self::Expired { .. } => "expired",
            Self::InvalidTimestamp { .. } => "invalid_timestamp",
            Self::InResponseToMismatch { .. } => "in_response_to_mismatch",
            Self::UnsignedInResponseTo { .. } => "unsigned_in_response_to",
            Self::UnknownInResponseTo { .. } => "unknown_in_response_to",
            Self::OtherBrowser { .. } => "request_from_other_browser",
            Self::UnsolicitedRefused => "unsolicited_response",
            Self::Replayed { .. } => "replayed",
            Self::Port(_) => "storage_failed",
            Self::InvalidKey { .. } => "invalid_key",
            Self::InvalidSetting { .. } => "invalid_setting",
            Self::SigningFailed { .. } => "signing_failed",
            Self::InvalidMetadata { .. } => "invalid_metadata",
        }
    }

    /// The message, with control characters (newlines too) replaced by `?` and cut at
    /// [`MAX_DETAIL_CHARS`] characters.
    pub fn detail(&self) -> String {
        bounded(&self.to_string())
    }
}

/// `text` with control characters replaced and at most [`MAX_DETAIL_CHARS`] characters.
fn bounded(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(MAX_DETAIL_CHARS)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if text.chars().nth(MAX_DETAIL_CHARS).is_some() {
        out.pop();
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attacker_text_is_bounded_and_has_no_newlines() {
        let e = SamlError::IssuerMismatch {
            expected: "https://idp.example.org/metadata".into(),
            found: format!(
                "evil\n2026-12-01 INFO forged log line\r\u{1b}[31m{}",
                "x".repeat(10_000)
            ),
        };
        let detail = e.detail();
        assert_eq!(detail.chars().count(), MAX_DETAIL_CHARS);
        assert!(detail.ends_with('…'));
        assert!(!detail.chars().any(char::is_control), "{detail:?}");
        assert!(detail.starts_with(
            "issuer mismatch: expected https://idp.example.org/metadata, found evil?2026"
        ));
        assert_eq!(e.code(), "issuer_mismatch");
        assert_eq!(bounded("short"), "short");
    }
}
