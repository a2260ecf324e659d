//! A fix hint for each reason a SAML login is refused, in the words of the IdP that
//! sent the response: its own names for the fields to change, and this org's values.

use tessera_saml::IdpPreset;

/// Where the org's IdP posts to and what it must call us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpEndpoints {
    /// Our SP entity id (the audience): `{public_url}/saml/{ws}/metadata`.
    pub entity_id: String,
    /// Our ACS URL: `{public_url}/saml/{ws}/acs`.
    pub acs_url: String,
}

/// One IdP's names for the settings a hint points at.
struct Vocabulary {
    name: &'static str,
    /// Where the SP entity id goes.
    audience: &'static str,
    /// Where the ACS URL goes.
    acs: &'static str,
    /// Where signing is switched on.
    signing: &'static str,
    /// The signature algorithm setting.
    algorithm: &'static str,
    /// Where its current signing certificate is downloaded.
    certificate: &'static str,
    /// Where the NameID / email attribute is set.
    name_id: &'static str,
    /// Where people are given access to the app.
    assignment: &'static str,
    /// Where its entity id (Issuer) is shown.
    issuer: &'static str,
    /// Where assertion encryption is set.
    encryption: &'static str,
}

fn vocabulary(preset: IdpPreset) -> Vocabulary {
    match preset {
        IdpPreset::Okta => Vocabulary {
            name: "Okta",
            audience: "General → SAML Settings → Audience URI (SP Entity ID)",
            acs: "General → SAML Settings → Single sign-on URL (with \"Use this for Recipient URL and Destination URL\" ticked)",
            signing: "SAML Settings → Show Advanced Settings → Response: Signed and Assertion Signature: Signed",
            algorithm: "SAML Settings → Show Advanced Settings → Signature Algorithm: RSA-SHA256",
            certificate: "the app's Sign On tab → SAML Signing Certificates (Actions → Download certificate of the Active one)",
            name_id: "SAML Settings → Name ID format: EmailAddress and Application username: Email",
            assignment: "the app's Assignments tab",
            issuer: "Sign On tab → View SAML setup instructions → Identity Provider Issuer",
            encryption: "SAML Settings → Show Advanced Settings → Assertion Encryption",
        },
        IdpPreset::EntraId => Vocabulary {
            name: "Entra ID",
            audience: "Single sign-on → Basic SAML Configuration → Identifier (Entity ID)",
            acs: "Single sign-on → Basic SAML Configuration → Reply URL (Assertion Consumer Service URL)",
            signing: "Single sign-on → SAML Certificates → Signing Option: Sign SAML response and assertion",
            algorithm: "Single sign-on → SAML Certificates → Signing Algorithm: SHA-256",
            certificate: "Single sign-on → SAML Certificates → Certificate (Base64) of the Active certificate",
            name_id: "Single sign-on → Attributes & Claims → Unique User Identifier (Name ID): user.mail",
            assignment: "the enterprise application's Users and groups",
            issuer: "Single sign-on → Set up the app → Microsoft Entra Identifier",
            encryption: "Token encryption",
        },
        IdpPreset::GoogleWorkspace => Vocabulary {
            name: "Google Workspace",
            audience: "the custom SAML app's Service provider details → Entity ID",
            acs: "the custom SAML app's Service provider details → ACS URL",
            signing: "Service provider details → Signed response (ticked)",
            algorithm: "the signature algorithm (Google signs with RSA-SHA256; re-create the app if it shows SHA-1)",
            certificate: "the custom SAML app → Download metadata → Certificate",
            name_id: "Service provider details → Name ID format: EMAIL and Name ID: Basic Information > Primary email",
            assignment: "the app's User access (ON for everyone, or for the organizational units and groups)",
            issuer: "Google Identity Provider details → Entity ID",
            encryption: "the app's encryption setting (Google does not encrypt assertions for custom apps)",
        },
        IdpPreset::JumpCloud => Vocabulary {
            name: "JumpCloud",
            audience: "the SSO tab → SP Entity ID",
            acs: "the SSO tab → ACS URLs (Default URL)",
            signing: "the SSO tab → Sign: Assertion and Response",
            algorithm: "the SSO tab → Signature Algorithm: RSA-SHA256",
            certificate: "the SSO tab → IDP Certificate → Download certificate",
            name_id: "the SSO tab → SAMLSubject NameID: email, SAMLSubject NameID Format: emailAddress",
            assignment: "the application's User Groups tab",
            issuer: "the SSO tab → IdP Entity ID",
            encryption: "the SSO tab's assertion encryption",
        },
        IdpPreset::OneLogin => Vocabulary {
            name: "OneLogin",
            audience: "the Configuration tab → Audience (EntityID)",
            acs: "the Configuration tab → ACS (Consumer) URL, Recipient and ACS (Consumer) URL Validator",
            signing: "the SSO tab → SAML signature element: Both",
            algorithm: "the SSO tab → SAML Signature Algorithm: SHA-256",
            certificate: "the SSO tab → X.509 Certificate → View Details → Download",
            name_id: "the Parameters tab → NameID value: Email",
            assignment: "the app's Access tab (the roles that may use it) or the user's Applications tab",
            issuer: "the SSO tab → Issuer URL",
            encryption: "the SSO tab → Encrypt assertion",
        },
        IdpPreset::PingFederate => Vocabulary {
            name: "PingFederate",
            audience: "the SP connection → General Info → Partner's Entity ID (Connection ID)",
            acs: "the SP connection → Browser SSO → Protocol Settings → Assertion Consumer Service URL (binding POST)",
            signing: "the SP connection → Browser SSO → Protocol Settings → Signature Policy: Always sign the SAML Assertion, and sign the response",
            algorithm: "the SP connection → Credentials → Digital Signature Settings → Signing Algorithm: RSA SHA256",
            certificate: "Security → Signing & Decryption Keys & Certificates (Export the connection's signing certificate)",
            name_id: "the SP connection → Attribute Contract → SAML_SUBJECT mapped to the mail attribute, format emailAddress",
            assignment: "the adapter or policy contract that admits users to this SP connection",
            issuer: "System → Server Settings → Federation Info → SAML 2.0 Entity ID",
            encryption: "the SP connection → Browser SSO → Protocol Settings → Encryption Policy",
        },
        IdpPreset::PingOne => Vocabulary {
            name: "PingOne",
            audience: "the application's Configuration tab → Entity ID",
            acs: "the application's Configuration tab → ACS URLs",
            signing: "the Configuration tab → Signing Key: Sign Assertion & Response",
            algorithm: "the Configuration tab → Signing Algorithm: RSA_SHA256",
            certificate: "the Configuration tab → Download Signing Certificate",
            name_id: "the Attribute Mappings tab → saml_subject: Email Address, Subject NameID Format emailAddress",
            assignment: "the application's Access tab (group membership policy) and the Enable toggle",
            issuer: "the Configuration tab → Issuer ID",
            encryption: "the Configuration tab → Encryption",
        },
        IdpPreset::Generic => Vocabulary {
            name: "your IdP",
            audience: "the audience / SP entity id setting",
            acs: "the ACS URL (Recipient, Destination) setting",
            signing: "the signing settings: sign the response and the assertion",
            algorithm: "the signature algorithm: RSA-SHA256",
            certificate: "its signing certificate download",
            name_id: "the NameID setting: the user's email",
            assignment: "the app's user assignment",
            issuer: "its entity id (Issuer)",
            encryption: "its assertion encryption setting",
        },
    }
}

/// What the admin should change for a refused login with this reason code (a
/// `tessera_saml` error code, `no_email`, or a product rule), written for `preset`.
pub fn fix_hint(preset: IdpPreset, reason: &str, sp: &SpEndpoints) -> String {
    let v = vocabulary(preset);
    let name = v.name;
    let start_again = "Start again from the login page in one browser tab";
    match reason {
        "audience_mismatch" => format!(
            "set {} in {name} to `{}`",
            v.audience, sp.entity_id
        ),
        "destination_mismatch" | "recipient_mismatch" => {
            format!("set {} in {name} to `{}`", v.acs, sp.acs_url)
        }
        "issuer_mismatch" => format!(
            "the response came from another IdP entity id: copy {} from {name} into this org's IdP details (or import {name}'s metadata again)",
            v.issuer
        ),
        "unsigned" | "signature_reference" => format!("in {name}, set {}", v.signing),
        "signature_invalid" | "no_certificate_configured" => format!(
            "{name} signed with a certificate this org does not pin: download it from {} and add it to the org's IdP certificates (Connect page, or `tessera-admin idp add-cert`)",
            v.certificate
        ),
        "sha1_refused" | "algorithm_not_allowed" => format!("in {name}, set {}", v.algorithm),
        "no_decryption_key" | "decryption_failed" => format!(
            "{name} encrypted the assertion for a key this server does not hold: turn off {} or upload the certificate from `{}`",
            v.encryption, sp.entity_id
        ),
        "status_not_success" => format!(
            "{name} refused the sign-in itself: check that the person is assigned to the app in {}",
            v.assignment
        ),
        "not_yet_valid" | "expired" | "invalid_timestamp" => format!(
            "the assertion's validity window does not include this server's time: check that the clocks of {name} and this server are right (NTP); then sign in again"
        ),
        "in_response_to_mismatch" | "unknown_in_response_to" | "unsigned_in_response_to" => {
            format!("{start_again}: the sign-in request this response answers is unknown, was already used, or timed out")
        }
        "request_from_other_browser" => {
            format!("{start_again}: the sign-in was started in another browser")
        }
        "unsolicited_response" => format!(
            "IdP-initiated login from the {name} dashboard is off for this org (L1): start at the login page, or ask the operator to allow it"
        ),
        "replayed" => "the same response was posted twice (the back button or a double click): sign in again".to_owned(),
        "no_email" => format!("in {name}, set {}", v.name_id),
        "not_bearer" | "too_large" | "invalid_base64" | "invalid_deflate" | "malformed_xml"
        | "forbidden_xml" | "unexpected_root" | "assertion_count" | "misplaced_element"
        | "duplicate_id" | "missing_element" => format!(
            "the response is not a SAML 2.0 Web Browser SSO response this server accepts: make sure the app in {name} is SAML 2.0 with the HTTP-POST binding to `{}`",
            sp.acs_url
        ),
        "L3" => "this account existed before SSO and keeps its original sign-in method (L3): sign in with it".to_owned(),
        "U5" | "U2" | "policy" => format!(
            "the account is not provisioned or is deactivated: assign the person to the app in {} and let {name} push them",
            v.assignment
        ),
        _ => format!(
            "the server could not use its own settings: ask the operator to check the server log for this time (the SP key pair and the IdP details); {name} is not at fault"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp() -> SpEndpoints {
        SpEndpoints {
            entity_id: "https://sso.example/saml/acme/metadata".into(),
            acs_url: "https://sso.example/saml/acme/acs".into(),
        }
    }

    #[test]
    fn an_audience_mismatch_names_the_okta_field_and_our_entity_id() {
        let hint = fix_hint(IdpPreset::Okta, "audience_mismatch", &sp());
        assert!(hint.contains("Audience URI (SP Entity ID)"), "{hint}");
        assert!(
            hint.contains("`https://sso.example/saml/acme/metadata`"),
            "{hint}"
        );
    }

    #[test]
    fn every_refusal_code_has_a_hint_in_each_idps_words() {
        let codes = [
            "too_large",
            "invalid_base64",
            "invalid_deflate",
            "malformed_xml",
            "forbidden_xml",
            "unexpected_root",
            "assertion_count",
            "misplaced_element",
            "duplicate_id",
            "missing_element",
            "unsigned",
            "no_certificate_configured",
            "signature_invalid",
            "signature_reference",
            "sha1_refused",
            "algorithm_not_allowed",
            "no_decryption_key",
            "decryption_failed",
            "status_not_success",
            "issuer_mismatch",
            "audience_mismatch",
            "destination_mismatch",
            "recipient_mismatch",
            "not_bearer",
            "not_yet_valid",
            "expired",
            "invalid_timestamp",
            "in_response_to_mismatch",
            "unsigned_in_response_to",
            "unknown_in_response_to",
            "request_from_other_browser",
            "unsolicited_response",
            "replayed",
            "no_email",
            "L3",
            "policy",
        ];
        for preset in IdpPreset::ALL {
            let name = vocabulary(preset).name;
            for code in codes {
                let hint = fix_hint(preset, code, &sp());
                assert!(
                    !hint.contains("ask the operator to check the server log"),
                    "{code}"
                );
                assert!(hint.len() > 20, "{code}");
                if code == "audience_mismatch" {
                    assert!(hint.contains(name), "{preset:?}: {hint}");
                }
            }
        }
        let entra = fix_hint(IdpPreset::EntraId, "recipient_mismatch", &sp());
        assert!(
            entra.contains("Reply URL (Assertion Consumer Service URL)"),
            "{entra}"
        );
        let onelogin = fix_hint(IdpPreset::OneLogin, "signature_invalid", &sp());
        assert!(onelogin.contains("X.509 Certificate"), "{onelogin}");
    }
}
