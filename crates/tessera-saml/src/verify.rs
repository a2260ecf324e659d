//! From response bytes to the envelope and the assertion that were actually signed.
//!
//! 1. Strict parse (no DTD, entities, PIs, comments; one root) and status check.
//! 2. Shape: root `samlp:Response`; exactly one Assertion or EncryptedAssertion in the
//!    whole document, a direct child of the root; `ds:Signature` only directly under
//!    the Response or that assertion, at most one each; no duplicate IDs.
//! 3. The Response signature (if any) is verified against the pinned certificates.
//! 4. An EncryptedAssertion is decrypted and put in its place; the shape is checked again.
//! 5. The assertion is read from the Response's signed bytes when that signature
//!    verified (the assertion's own signature is then held to the profile, not verified
//!    twice); else its own signature is verified and it is read from its signed bytes;
//!    a decrypted assertion is read from its own signed bytes, or from the decryption
//!    of the ciphertext the Response signature covered. With neither: refused.

use crate::certificate::{Certificate, SpKeyPair};
use crate::decrypt;
use crate::error::{Result, SamlError};
use crate::fast_signature::{self, Enveloped};
use crate::model::{self, AssertionData, Envelope};
use crate::names::{ASSERTION, DSIG, PROTOCOL, STATUS_SUCCESS, XML};
use crate::signature::{self, SignedBytes};
use crate::xml_tree::{self, Element};
use crate::xmlsec_shim::XmlDoc;
use std::collections::HashSet;

/// What the verifier trusts for one org.
pub(crate) struct Trust<'a> {
    pub certificates: &'a [Certificate],
    pub allow_sha1: bool,
    pub decryption_key: Option<&'a SpKeyPair>,
}

/// A response whose assertion is covered by a verified signature.
#[derive(Debug)]
pub(crate) struct Verified {
    pub envelope: Envelope,
    pub assertion: AssertionData,
    pub response_signed: bool,
    pub sha1_used: bool,
}

/// Where the assertion sits: its index among the root's children, and whether encrypted.
struct Shape {
    index: usize,
    encrypted: bool,
}

fn qualified(e: &Element) -> String {
    let prefix = match e.namespace.as_ref() {
        PROTOCOL => "samlp:",
        ASSERTION => "saml:",
        DSIG => "ds:",
        _ => "",
    };
    format!("{prefix}{}", e.name)
}

fn is_assertion(e: &Element) -> bool {
    e.is(ASSERTION, "Assertion") || e.is(ASSERTION, "EncryptedAssertion")
}

fn check_shape(root: &Element) -> Result<Shape> {
    let mut ids = HashSet::new();
    for e in root.descendants() {
        for (ns, name, value) in &e.attributes {
            let is_id = (ns.is_empty() && name == "ID") || (ns == XML && name == "id");
            if is_id && !ids.insert(value.as_ref()) {
                return Err(SamlError::DuplicateId {
                    id: value.to_string(),
                });
            }
        }
    }
    let found = root
        .descendants()
        .into_iter()
        .filter(|e| is_assertion(e))
        .count();
    if found != 1 {
        return Err(SamlError::AssertionCount { found });
    }
    let Some(index) = root.children.iter().position(is_assertion) else {
        let parent = root
            .descendants()
            .into_iter()
            .find(|p| p.children.iter().any(is_assertion))
            .map(qualified)
            .unwrap_or_default();
        return Err(SamlError::MisplacedElement {
            element: "saml:Assertion".into(),
            parent,
        });
    };
    let assertion = &root.children[index];
    for parent in root.descendants() {
        let signatures = parent.children_named(DSIG, "Signature").count();
        let allowed = std::ptr::eq(parent, root)
            || (std::ptr::eq(parent, assertion) && assertion.name == "Assertion");
        if signatures > 1 || (signatures == 1 && !allowed) {
            return Err(SamlError::MisplacedElement {
                element: "ds:Signature".into(),
                parent: qualified(parent),
            });
        }
    }
    Ok(Shape {
        index,
        encrypted: assertion.name == "EncryptedAssertion",
    })
}

fn check_root(root: &Element) -> Result<()> {
    if !root.is(PROTOCOL, "Response") {
        return Err(SamlError::UnexpectedRoot {
            expected: "samlp:Response",
            found: qualified(root),
        });
    }
    let envelope = model::envelope(root)?;
    if envelope.status_code != STATUS_SUCCESS {
        return Err(SamlError::StatusNotSuccess {
            code: envelope.status_code,
            sub_code: envelope.status_sub_code,
            message: envelope.status_message,
        });
    }
    Ok(())
}

fn id_of<'a>(e: &'a Element, what: &'static str) -> Result<&'a str> {
    e.attr("ID").ok_or(SamlError::Missing { what })
}

/// Verifies `xml` (a decoded SAML Response) against `trust`.
pub(crate) fn verify_response(xml: &[u8], trust: &Trust<'_>) -> Result<Verified> {
    let xml = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml);
    let tree = xml_tree::parse(xml)?;
    check_root(&tree)?;
    let shape = check_shape(&tree)?;
    let assertion = &tree.children[shape.index];
    let response_signature = tree.child(DSIG, "Signature");
    let assertion_signature = assertion.child(DSIG, "Signature");
    if response_signature.is_none() && assertion_signature.is_none() && !shape.encrypted {
        return Err(SamlError::Unsigned);
    }
    if trust.certificates.is_empty() {
        return Err(SamlError::NoCertificateConfigured);
    }
    let response_check = match response_signature {
        Some(signature) => {
            let id = id_of(&tree, "Response ID")?;
            let sha1 = signature::inspect(signature, "Response", id, trust.allow_sha1)?;
            let enveloped = Enveloped {
                ancestors: &[],
                signed: &tree,
                signature,
            };
            if fast_path(xml, &enveloped, trust, sha1) {
                Some(Checked::InTree)
            } else {
                let doc = XmlDoc::parse(xml)?;
                let root = doc.root().ok_or(SamlError::Missing { what: "root" })?;
                doc.register_id(root)?;
                let node = root.child(DSIG, "Signature").ok_or(SamlError::Missing {
                    what: "ds:Signature",
                })?;
                let signed = signature::verify(node, "Response", id, trust.certificates, sha1)?;
                Some(Checked::Digested(signed))
            }
        }
        None => None,
    };
    let sha1_used = matches!(&response_check, Some(Checked::Digested(signed)) if signed.sha1);
    let digested_response = match &response_check {
        Some(Checked::Digested(signed)) => {
            let id = id_of(&tree, "Response ID")?;
            Some(signed_element(&signed.bytes, PROTOCOL, "Response", id)?)
        }
        _ => None,
    };
    let signed_response = match &response_check {
        Some(Checked::InTree) => Some(&tree),
        Some(Checked::Digested(_)) => digested_response.as_ref(),
        None => None,
    };
    let envelope = model::envelope(signed_response.unwrap_or(&tree))?;
    let (assertion, assertion_sha1) = if shape.encrypted {
        let key = trust.decryption_key.ok_or(SamlError::NoDecryptionKey)?;
        let plain = decrypt::decrypt_assertion(assertion, key)?;
        let (start, end) = assertion.span;
        let mut spliced = Vec::with_capacity(xml.len() + plain.len());
        spliced.extend_from_slice(xml.get(..start).unwrap_or_default());
        spliced.extend_from_slice(&plain);
        spliced.extend_from_slice(xml.get(end..).unwrap_or_default());
        let tree = xml_tree::parse(&spliced)?;
        let shape = check_shape(&tree)?;
        if shape.encrypted {
            return Err(SamlError::MisplacedElement {
                element: "saml:EncryptedAssertion".into(),
                parent: "saml:EncryptedAssertion".into(),
            });
        }
        let plain_assertion = &tree.children[shape.index];
        signed_assertion(
            &spliced,
            &tree,
            plain_assertion,
            trust,
            signed_response.is_some(),
        )?
    } else {
        match signed_response {
            // The verified Response signature covers the assertion and its signature:
            // that signature is held to the profile but not verified a second time.
            Some(response) => {
                let sha1 = match assertion_signature {
                    Some(signature) => {
                        let id = id_of(assertion, "Assertion ID")?;
                        signature::inspect(signature, "Assertion", id, trust.allow_sha1)?
                    }
                    None => false,
                };
                let shape = check_shape(response)?;
                (model::assertion(&response.children[shape.index])?, sha1)
            }
            None => signed_assertion(xml, &tree, assertion, trust, false)?,
        }
    };
    Ok(Verified {
        envelope,
        assertion,
        response_signed: signed_response.is_some(),
        sha1_used: sha1_used || assertion_sha1,
    })
}

/// How a signature was verified.
enum Checked {
    /// By [`fast_signature`]: what was digested is the canonical form of the tree's
    /// own element, so claims are read from the tree.
    InTree,
    /// By xmlsec: claims are read from the bytes it digested.
    Digested(SignedBytes),
}

/// True when [`fast_signature`] verified the signature (the common shape, SHA-2);
/// false leaves the decision to xmlsec.
fn fast_path(xml: &[u8], enveloped: &Enveloped<'_, '_>, trust: &Trust<'_>, sha1: bool) -> bool {
    !sha1
        && std::str::from_utf8(xml)
            .ok()
            .and_then(|input| fast_signature::verify(input, enveloped, trust.certificates))
            .is_some()
}

/// The digested `bytes`, parsed: they must be the `{namespace}name` element with `id`.
fn signed_element<'b>(
    bytes: &'b [u8],
    namespace: &str,
    name: &'static str,
    id: &str,
) -> Result<Element<'b>> {
    let tree = xml_tree::parse(bytes)?;
    if !tree.is(namespace, name) || tree.attr("ID") != Some(id) {
        return Err(SamlError::SignatureReference {
            signed: name,
            expected: id.to_owned(),
            found: qualified(&tree),
        });
    }
    Ok(tree)
}

/// Reads `assertion` (a plain Assertion, direct child of `root`, the Response parsed
/// from `xml`) from its own signed bytes; or as it stands when the Response signature
/// already covers it.
fn signed_assertion(
    xml: &[u8],
    root: &Element,
    assertion: &Element,
    trust: &Trust<'_>,
    covered_by_response: bool,
) -> Result<(AssertionData, bool)> {
    let Some(signature) = assertion.child(DSIG, "Signature") else {
        if covered_by_response {
            return Ok((model::assertion(assertion)?, false));
        }
        return Err(SamlError::Unsigned);
    };
    let id = id_of(assertion, "Assertion ID")?;
    let sha1 = signature::inspect(signature, "Assertion", id, trust.allow_sha1)?;
    let enveloped = Enveloped {
        ancestors: &[root],
        signed: assertion,
        signature,
    };
    if fast_path(xml, &enveloped, trust, sha1) {
        return Ok((model::assertion(assertion)?, sha1));
    }
    let doc = XmlDoc::parse(xml)?;
    let root = doc.root().ok_or(SamlError::Missing { what: "root" })?;
    let node = root
        .child(ASSERTION, "Assertion")
        .ok_or(SamlError::Missing {
            what: "saml:Assertion",
        })?;
    doc.register_id(node)?;
    let signature_node = node.child(DSIG, "Signature").ok_or(SamlError::Missing {
        what: "ds:Signature",
    })?;
    let signed = signature::verify(signature_node, "Assertion", id, trust.certificates, sha1)?;
    let signed_tree = signed_element(&signed.bytes, ASSERTION, "Assertion", id)?;
    Ok((model::assertion(&signed_tree)?, signed.sha1))
}
