//! The common signature, verified without building a libxml2 document.
//!
//! Almost every IdP signs the same way: SignedInfo canonicalised with exclusive c14n,
//! RSA with SHA-256 (or SHA-384/512), one reference to the parent's ID with the
//! enveloped-signature and exclusive-c14n transforms, a SHA-2 digest. For exactly
//! that shape this module canonicalises the signed element and SignedInfo from the
//! bytes the strict tree was parsed from ([`crate::c14n`]), compares the digest and
//! checks the RSA signature with the pinned key (OpenSSL).
//!
//! It can only accept: any other shape, algorithm, key type or any mismatch gives
//! `None`, and the caller then runs xmlsec, whose verdict (and error) stands. So a
//! response is accepted if this path or xmlsec verifies it, and the bytes returned are
//! the canonical bytes that were digested, as xmlsec would have returned them.

use crate::c14n::{self, Subtree};
use crate::certificate::Certificate;
use crate::names::{DSIG, ENVELOPED};
use crate::xml_tree::Element;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use openssl::hash::{MessageDigest, hash};
use openssl::pkey::{Id, PKey, Public};
use openssl::sign::Verifier;
use openssl::x509::X509;
use std::cell::RefCell;
use std::collections::HashMap;

const EXCLUSIVE_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";

/// RSA keys outside this range (bits) are left to xmlsec.
const RSA_BITS: std::ops::RangeInclusive<u32> = 2048..=8192;

/// The signed element and the signature under it, as the strict tree read them.
pub(crate) struct Enveloped<'t, 'a> {
    /// The signed element's ancestors, outermost first.
    pub ancestors: &'t [&'t Element<'a>],
    pub signed: &'t Element<'a>,
    pub signature: &'t Element<'a>,
}

fn digest_for(algorithm: &str) -> Option<MessageDigest> {
    match algorithm {
        "http://www.w3.org/2001/04/xmlenc#sha256" => Some(MessageDigest::sha256()),
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => Some(MessageDigest::sha384()),
        "http://www.w3.org/2001/04/xmlenc#sha512" => Some(MessageDigest::sha512()),
        _ => None,
    }
}

fn rsa_digest_for(algorithm: &str) -> Option<MessageDigest> {
    match algorithm {
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => Some(MessageDigest::sha256()),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => Some(MessageDigest::sha384()),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => Some(MessageDigest::sha512()),
        _ => None,
    }
}

/// The DSIG children of `e`, which must be exactly `names` in that order.
fn exactly<'t, 'a, const N: usize>(
    e: &'t Element<'a>,
    names: [&str; N],
) -> Option<[&'t Element<'a>; N]> {
    if e.children.len() != N || !e.trimmed_text().is_empty() {
        return None;
    }
    let mut found = [e; N];
    for ((slot, child), name) in found.iter_mut().zip(&e.children).zip(names) {
        if !child.is(DSIG, name) {
            return None;
        }
        *slot = child;
    }
    Some(found)
}

/// An exclusive-c14n method element (`CanonicalizationMethod` or `Transform`): its
/// `InclusiveNamespaces` prefix list, or `None` if it is something else.
fn exclusive_c14n<'t>(method: &'t Element<'_>) -> Option<Vec<&'t str>> {
    if method.attr("Algorithm") != Some(EXCLUSIVE_C14N) || !method.trimmed_text().is_empty() {
        return None;
    }
    match method.children.as_slice() {
        [] => Some(Vec::new()),
        [list] if list.is(EXCLUSIVE_C14N, "InclusiveNamespaces") && list.children.is_empty() => {
            Some(
                list.attr("PrefixList")
                    .unwrap_or("")
                    .split_ascii_whitespace()
                    .map(|p| if p == "#default" { "" } else { p })
                    .collect(),
            )
        }
        _ => None,
    }
}

fn is_plain(e: &Element<'_>, algorithm: &str) -> bool {
    e.attr("Algorithm") == Some(algorithm) && e.children.is_empty() && e.trimmed_text().is_empty()
}

fn base64_text(e: &Element<'_>) -> Option<Vec<u8>> {
    let text: String = e
        .text
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    STANDARD.decode(text).ok()
}

/// Verifies `enveloped` with one of `certificates`; the digested canonical bytes of the
/// signed element, or `None` to leave the decision to xmlsec.
/// `input` is the document the tree was parsed from.
pub(crate) fn verify(
    input: &str,
    enveloped: &Enveloped<'_, '_>,
    certificates: &[Certificate],
) -> Option<Vec<u8>> {
    let signature = enveloped.signature;
    let (info, value) = match signature.children.as_slice() {
        [info, value] | [info, value, _] => (info, value),
        _ => return None,
    };
    if !info.is(DSIG, "SignedInfo")
        || !value.is(DSIG, "SignatureValue")
        || signature
            .children
            .get(2)
            .is_some_and(|k| !k.is(DSIG, "KeyInfo"))
    {
        return None;
    }
    let [method, signature_method, reference] = exactly(
        info,
        ["CanonicalizationMethod", "SignatureMethod", "Reference"],
    )?;
    let info_prefixes = exclusive_c14n(method)?;
    let rsa_digest = rsa_digest_for(signature_method.attr("Algorithm")?)?;
    if !signature_method.children.is_empty() {
        return None;
    }
    let [transforms, digest_method, digest_value] =
        exactly(reference, ["Transforms", "DigestMethod", "DigestValue"])?;
    let [enveloped_transform, c14n_transform] = exactly(transforms, ["Transform", "Transform"])?;
    if !is_plain(enveloped_transform, ENVELOPED) {
        return None;
    }
    let reference_prefixes = exclusive_c14n(c14n_transform)?;
    let digest = digest_for(digest_method.attr("Algorithm")?)?;
    if !digest_method.children.is_empty() || !digest_value.children.is_empty() {
        return None;
    }
    let expected_digest = base64_text(digest_value)?;
    let signature_value = base64_text(value)?;

    let mut offsets: Vec<usize> = enveloped.ancestors.iter().map(|a| a.span.0).collect();
    let mut signed_bytes = Vec::with_capacity(enveloped.signed.span.1 - enveloped.signed.span.0);
    c14n::canonicalize(
        &Subtree {
            input,
            ancestors: &offsets,
            apex: enveloped.signed.span,
            omit: Some(signature.span),
            inclusive: &reference_prefixes,
        },
        &mut signed_bytes,
    )?;
    if hash(digest, &signed_bytes).ok()?.as_ref() != expected_digest.as_slice() {
        return None;
    }
    offsets.push(enveloped.signed.span.0);
    offsets.push(signature.span.0);
    let mut info_bytes = Vec::with_capacity(info.span.1 - info.span.0);
    c14n::canonicalize(
        &Subtree {
            input,
            ancestors: &offsets,
            apex: info.span,
            omit: None,
            inclusive: &info_prefixes,
        },
        &mut info_bytes,
    )?;
    let verified = certificates.iter().any(|certificate| {
        with_rsa_key(certificate.der(), |key| {
            Verifier::new(rsa_digest, key)
                .and_then(|mut v| v.verify_oneshot(&signature_value, &info_bytes))
                .unwrap_or(false)
        })
        .unwrap_or(false)
    });
    verified.then_some(signed_bytes)
}

thread_local! {
    /// RSA public keys of this thread's pinned certificates, by certificate DER
    /// (`None`: not an RSA key this path takes).
    static RSA_KEYS: RefCell<HashMap<Vec<u8>, Option<PKey<Public>>>> = RefCell::new(HashMap::new());
}

/// Keys kept per thread before the cache starts over.
const KEY_CACHE_LIMIT: usize = 256;

fn rsa_key(der: &[u8]) -> Option<PKey<Public>> {
    let key = X509::from_der(der).ok()?.public_key().ok()?;
    (key.id() == Id::RSA && RSA_BITS.contains(&key.bits())).then_some(key)
}

fn with_rsa_key<T>(der: &[u8], f: impl FnOnce(&PKey<Public>) -> T) -> Option<T> {
    RSA_KEYS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache.contains_key(der) {
            if cache.len() >= KEY_CACHE_LIMIT {
                cache.clear();
            }
            cache.insert(der.to_vec(), rsa_key(der));
        }
        cache.get(der)?.as_ref().map(f)
    })
}

#[cfg(test)]
#[path = "fast_signature_tests.rs"]
mod tests;
