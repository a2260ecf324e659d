//! Checking one enveloped `ds:Signature` against the pinned IdP certificates.
//!
//! Before xmlsec runs, the signature's SignedInfo is read from the strict element tree
//! and held to SAML's profile: one reference, to the parent's ID; only enveloped and
//! c14n transforms; accepted algorithms only (SHA-1 per org); no `ds:Object`. Then
//! xmlsec verifies it with each pinned key in turn, and the bytes it digested are
//! returned: the caller reads claims from those bytes and nothing else.

use crate::certificate::Certificate;
use crate::error::{Result, SamlError};
use crate::names::{
    C14N_ALGORITHMS, DIGEST_METHODS, DSIG, ENVELOPED, SHA1_DIGEST, SHA1_SIGNATURE_METHODS,
    SIGNATURE_METHODS,
};
use crate::xml_tree::Element;
use crate::xmlsec_shim::{self, AlgorithmPolicy, XmlNode};

/// What a verified signature proved.
#[derive(Debug)]
pub(crate) struct SignedBytes {
    /// The canonical bytes of the signed element, as digested.
    pub bytes: Vec<u8>,
    /// SHA-1 was used for the signature or the digest.
    pub sha1: bool,
}

fn not_allowed(algorithm: &str) -> SamlError {
    SamlError::AlgorithmNotAllowed {
        algorithm: algorithm.to_owned(),
    }
}

fn algorithm<'a>(element: Option<&'a Element>, what: &'static str) -> Result<&'a str> {
    element
        .and_then(|e| e.attr("Algorithm"))
        .ok_or(SamlError::Missing { what })
}

/// More prefixes than any IdP lists in `InclusiveNamespaces` (one to three in practice).
const MAX_INCLUSIVE_PREFIXES: usize = 16;

/// Refuses an `InclusiveNamespaces` list longer than [`MAX_INCLUSIVE_PREFIXES`] under
/// a c14n method: canonicalisation looks the list up for every element, so its length
/// multiplies the work an anonymous sender can ask for.
fn bounded_prefix_lists(method: Option<&Element>) -> Result<()> {
    let lists = method.into_iter().flat_map(|m| &m.children);
    for list in lists.filter(|c| c.name == "InclusiveNamespaces") {
        let prefixes = list.attr("PrefixList").unwrap_or("");
        if prefixes.split_ascii_whitespace().count() > MAX_INCLUSIVE_PREFIXES {
            return Err(SamlError::ForbiddenXml {
                construct: "an InclusiveNamespaces list of more than 16 prefixes",
            });
        }
    }
    Ok(())
}

/// Holds `signature` (a child of the element with ID `parent_id`) to the SAML profile;
/// returns whether it uses SHA-1.
pub(crate) fn inspect(
    signature: &Element,
    signed: &'static str,
    parent_id: &str,
    allow_sha1: bool,
) -> Result<bool> {
    if let Some(object) = signature.children.iter().find(|c| {
        c.namespace == DSIG
            && c.name != "SignedInfo"
            && c.name != "SignatureValue"
            && c.name != "KeyInfo"
    }) {
        return Err(SamlError::MisplacedElement {
            element: format!("ds:{}", object.name),
            parent: "ds:Signature".into(),
        });
    }
    let mut infos = signature.children_named(DSIG, "SignedInfo");
    let (Some(info), None) = (infos.next(), infos.next()) else {
        return Err(SamlError::Missing {
            what: "a single ds:SignedInfo",
        });
    };
    let c14n = algorithm(
        info.child(DSIG, "CanonicalizationMethod"),
        "ds:CanonicalizationMethod",
    )?;
    if !C14N_ALGORITHMS.contains(&c14n) {
        return Err(not_allowed(c14n));
    }
    bounded_prefix_lists(info.child(DSIG, "CanonicalizationMethod"))?;
    let mut sha1 = false;
    let method = algorithm(info.child(DSIG, "SignatureMethod"), "ds:SignatureMethod")?;
    if SHA1_SIGNATURE_METHODS.contains(&method) {
        sha1 = true;
    } else if !SIGNATURE_METHODS.contains(&method) {
        return Err(not_allowed(method));
    }
    let references: Vec<&Element> = info.children_named(DSIG, "Reference").collect();
    let uris: Vec<&str> = references
        .iter()
        .map(|r| r.attr("URI").unwrap_or(""))
        .collect();
    let expected = format!("#{parent_id}");
    if references.len() != 1 || uris.first() != Some(&expected.as_str()) {
        return Err(SamlError::SignatureReference {
            signed,
            expected: parent_id.to_owned(),
            found: uris.join(" "),
        });
    }
    let reference = references[0];
    if let Some(transforms) = reference.child(DSIG, "Transforms") {
        for transform in &transforms.children {
            let alg = algorithm(Some(transform), "ds:Transform Algorithm")?;
            if !transform.is(DSIG, "Transform")
                || (alg != ENVELOPED && !C14N_ALGORITHMS.contains(&alg))
            {
                return Err(not_allowed(alg));
            }
            bounded_prefix_lists(Some(transform))?;
        }
    }
    let digest = algorithm(reference.child(DSIG, "DigestMethod"), "ds:DigestMethod")?;
    if digest == SHA1_DIGEST {
        sha1 = true;
    } else if !DIGEST_METHODS.contains(&digest) {
        return Err(not_allowed(digest));
    }
    if sha1 && !allow_sha1 {
        let algorithm = if SHA1_SIGNATURE_METHODS.contains(&method) {
            method
        } else {
            digest
        };
        return Err(SamlError::Sha1Refused {
            algorithm: algorithm.to_owned(),
        });
    }
    Ok(sha1)
}

/// Verifies the signature node with each pinned certificate; returns the digested bytes
/// of the one reference, which must be `#parent_id`.
pub(crate) fn verify(
    node: XmlNode<'_>,
    signed: &'static str,
    parent_id: &str,
    certificates: &[Certificate],
    sha1: bool,
) -> Result<SignedBytes> {
    let policy = AlgorithmPolicy { allow_sha1: sha1 };
    for certificate in certificates {
        let verified = xmlsec_shim::with_certificate_key(certificate.der(), |key| {
            xmlsec_shim::verify_signature(node, key, policy)
        })?;
        let Some(verified) = verified else { continue };
        let expected = format!("#{parent_id}");
        return match verified.references.as_slice() {
            [(uri, bytes)] if *uri == expected && !bytes.is_empty() => Ok(SignedBytes {
                bytes: bytes.clone(),
                sha1,
            }),
            other => Err(SamlError::SignatureReference {
                signed,
                expected: parent_id.to_owned(),
                found: other
                    .iter()
                    .map(|(u, _)| u.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            }),
        };
    }
    Err(SamlError::SignatureInvalid { signed })
}
