//! Decrypting an `EncryptedAssertion` with the SP key (OpenSSL, no DOM surgery).
//!
//! Key transport: RSA-OAEP (`rsa-oaep-mgf1p`, or xmlenc 1.1 `rsa-oaep` with its digest
//! and MGF); RSA PKCS#1 v1.5 is refused (Bleichenbacher). Content: AES-128/192/256 in
//! GCM or CBC; 3DES is refused. Every failure is the same [`SamlError::DecryptionFailed`]
//! so nothing leaks which step failed (no padding oracle).

use crate::certificate::SpKeyPair;
use crate::error::{Result, SamlError};
use crate::names::{DSIG, XENC, XENC11};
use crate::xml_tree::Element;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use openssl::md::{Md, MdRef};
use openssl::pkey_ctx::PkeyCtx;
use openssl::rsa::Padding;
use openssl::symm::{Cipher, Crypter, Mode};

const OAEP_MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
const OAEP_11: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";

fn failed<E>(_: E) -> SamlError {
    SamlError::DecryptionFailed
}

fn algorithm<'e>(element: &'e Element<'_>) -> Result<&'e str> {
    element
        .child(XENC, "EncryptionMethod")
        .and_then(|m| m.attr("Algorithm"))
        .ok_or(SamlError::Missing {
            what: "xenc:EncryptionMethod",
        })
}

fn cipher_value(element: &Element) -> Result<Vec<u8>> {
    let text = element
        .child(XENC, "CipherData")
        .and_then(|c| c.child(XENC, "CipherValue"))
        .ok_or(SamlError::Missing {
            what: "xenc:CipherValue",
        })?
        .text
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect::<String>();
    STANDARD.decode(text).map_err(failed)
}

fn digest(uri: &str) -> Result<&'static MdRef> {
    match uri {
        "http://www.w3.org/2000/09/xmldsig#sha1" | "http://www.w3.org/2009/xmlenc11#mgf1sha1" => {
            Ok(Md::sha1())
        }
        "http://www.w3.org/2001/04/xmlenc#sha256"
        | "http://www.w3.org/2009/xmlenc11#mgf1sha256" => Ok(Md::sha256()),
        "http://www.w3.org/2001/04/xmldsig-more#sha384"
        | "http://www.w3.org/2009/xmlenc11#mgf1sha384" => Ok(Md::sha384()),
        "http://www.w3.org/2001/04/xmlenc#sha512"
        | "http://www.w3.org/2009/xmlenc11#mgf1sha512" => Ok(Md::sha512()),
        other => Err(SamlError::AlgorithmNotAllowed {
            algorithm: other.to_owned(),
        }),
    }
}

/// Unwraps the session key of `encrypted_key` with the SP's RSA key.
fn session_key(encrypted_key: &Element, sp: &SpKeyPair) -> Result<Vec<u8>> {
    let alg = algorithm(encrypted_key)?;
    if alg != OAEP_MGF1P && alg != OAEP_11 {
        return Err(SamlError::AlgorithmNotAllowed {
            algorithm: alg.to_owned(),
        });
    }
    let method = encrypted_key.child(XENC, "EncryptionMethod");
    let oaep_digest = method
        .and_then(|m| m.child(DSIG, "DigestMethod"))
        .and_then(|d| d.attr("Algorithm"))
        .map(digest)
        .transpose()?
        .unwrap_or(Md::sha1());
    let mgf_digest = match method
        .and_then(|m| m.child(XENC11, "MGF"))
        .and_then(|m| m.attr("Algorithm"))
    {
        Some(uri) if alg == OAEP_11 => digest(uri)?,
        _ => Md::sha1(),
    };
    if method.is_some_and(|m| m.child(XENC, "OAEPparams").is_some()) {
        return Err(SamlError::AlgorithmNotAllowed {
            algorithm: "OAEPparams".into(),
        });
    }
    let wrapped = cipher_value(encrypted_key)?;
    let mut ctx = PkeyCtx::new(sp.key()).map_err(failed)?;
    ctx.decrypt_init().map_err(failed)?;
    ctx.set_rsa_padding(Padding::PKCS1_OAEP).map_err(failed)?;
    ctx.set_rsa_oaep_md(oaep_digest).map_err(failed)?;
    ctx.set_rsa_mgf1_md(mgf_digest).map_err(failed)?;
    let mut key = Vec::new();
    ctx.decrypt_to_vec(&wrapped, &mut key).map_err(failed)?;
    Ok(key)
}

/// Decrypts the content of `data` (an `xenc:EncryptedData`) with `key`.
fn content(data: &Element, key: &[u8]) -> Result<Vec<u8>> {
    let alg = algorithm(data)?;
    let (cipher, gcm) = match (alg, key.len()) {
        ("http://www.w3.org/2001/04/xmlenc#aes128-cbc", 16) => (Cipher::aes_128_cbc(), false),
        ("http://www.w3.org/2001/04/xmlenc#aes192-cbc", 24) => (Cipher::aes_192_cbc(), false),
        ("http://www.w3.org/2001/04/xmlenc#aes256-cbc", 32) => (Cipher::aes_256_cbc(), false),
        ("http://www.w3.org/2009/xmlenc11#aes128-gcm", 16) => (Cipher::aes_128_gcm(), true),
        ("http://www.w3.org/2009/xmlenc11#aes192-gcm", 24) => (Cipher::aes_192_gcm(), true),
        ("http://www.w3.org/2009/xmlenc11#aes256-gcm", 32) => (Cipher::aes_256_gcm(), true),
        (
            "http://www.w3.org/2001/04/xmlenc#aes128-cbc"
            | "http://www.w3.org/2001/04/xmlenc#aes192-cbc"
            | "http://www.w3.org/2001/04/xmlenc#aes256-cbc"
            | "http://www.w3.org/2009/xmlenc11#aes128-gcm"
            | "http://www.w3.org/2009/xmlenc11#aes192-gcm"
            | "http://www.w3.org/2009/xmlenc11#aes256-gcm",
            _,
        ) => return Err(SamlError::DecryptionFailed),
        (other, _) => {
            return Err(SamlError::AlgorithmNotAllowed {
                algorithm: other.to_owned(),
            });
        }
    };
    let data = cipher_value(data)?;
    if gcm {
        const IV: usize = 12;
        const TAG: usize = 16;
        if data.len() < IV + TAG {
            return Err(SamlError::DecryptionFailed);
        }
        let (iv, rest) = data.split_at(IV);
        let (body, tag) = rest.split_at(rest.len() - TAG);
        openssl::symm::decrypt_aead(cipher, key, Some(iv), &[], body, tag).map_err(failed)
    } else {
        const BLOCK: usize = 16;
        if data.len() < 2 * BLOCK || data.len() % BLOCK != 0 {
            return Err(SamlError::DecryptionFailed);
        }
        let (iv, body) = data.split_at(BLOCK);
        let mut crypter = Crypter::new(cipher, Mode::Decrypt, key, Some(iv)).map_err(failed)?;
        crypter.pad(false);
        let mut out = vec![0; body.len() + BLOCK];
        let mut n = crypter.update(body, &mut out).map_err(failed)?;
        n += crypter.finalize(&mut out[n..]).map_err(failed)?;
        out.truncate(n);
        // XML Encryption padding: the last byte says how many bytes to drop.
        let pad = usize::from(*out.last().ok_or(SamlError::DecryptionFailed)?);
        if pad == 0 || pad > BLOCK || pad > out.len() {
            return Err(SamlError::DecryptionFailed);
        }
        out.truncate(out.len() - pad);
        Ok(out)
    }
}

/// Decrypts a `saml:EncryptedAssertion`; returns the XML text of the assertion (which
/// the caller puts in its place and parses with the whole document, so prefixes
/// declared on the Response resolve).
pub(crate) fn decrypt_assertion(encrypted: &Element, sp: &SpKeyPair) -> Result<Vec<u8>> {
    let mut data = encrypted.children_named(XENC, "EncryptedData");
    let (Some(data), None) = (data.next(), data.next()) else {
        return Err(SamlError::Missing {
            what: "a single xenc:EncryptedData",
        });
    };
    // The key is inside EncryptedData's KeyInfo (most IdPs) or beside it (some).
    let encrypted_key = data
        .child(DSIG, "KeyInfo")
        .and_then(|k| k.child(XENC, "EncryptedKey"))
        .or_else(|| encrypted.child(XENC, "EncryptedKey"))
        .ok_or(SamlError::Missing {
            what: "xenc:EncryptedKey",
        })?;
    let key = session_key(encrypted_key, sp)?;
    let plain = content(data, &key)?;
    let start = plain
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(plain.len());
    Ok(plain[start..].to_vec())
}
