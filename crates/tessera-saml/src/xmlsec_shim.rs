//! The only unsafe code of the crate: a small shim over libxml2 and libxmlsec1.
//!
//! The `xmlsec` crate provides the bindgen bindings, library initialisation and the key
//! type; its safe `verify_document()` checks the first signature anywhere and is open to
//! signature wrapping, so this module drives `xmlSecDSigCtxVerify` itself with a
//! context hardened as `docs/decisions-saml.md` records: same-document references
//! only, an allow-list of transforms and algorithms, a pinned key (KeyInfo ignored),
//! and `XMLSEC_DSIG_FLAGS_STORE_SIGNEDINFO_REFERENCES` so the caller gets the exact
//! bytes that were digested. Everything here is `!Send` and lives on one thread.
#![allow(unsafe_code)]

use crate::error::{Result, SamlError};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::{CStr, CString, c_int};
use std::marker::PhantomData;
use std::ptr;
use xmlsec::bindings as sys;
use xmlsec::{XmlSecKey, XmlSecKeyFormat, XmlSecSignatureContext};

unsafe extern "C" {
    /// Not in the crate's bindings (errors.h): turns xmlsec's stderr chatter off.
    fn xmlSecErrorsDefaultCallbackEnableOutput(enabled: c_int);
}

/// A libxml2 document parsed with network access, recovery and error output off.
pub(crate) struct XmlDoc {
    ptr: sys::xmlDocPtr,
}

impl XmlDoc {
    /// Parses `bytes`, which [`crate::xml_tree::parse`] has already accepted.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let size = c_int::try_from(bytes.len()).map_err(|_| SamlError::TooLarge {
            limit: c_int::MAX as usize,
            size: bytes.len(),
        })?;
        let options = sys::xmlParserOption_XML_PARSE_NONET
            | sys::xmlParserOption_XML_PARSE_NOERROR
            | sys::xmlParserOption_XML_PARSE_NOWARNING;
        // SAFETY: `bytes` outlives the call and `size` is its length; URL and encoding
        // may be null; the options are plain flags (no recovery, no entity loading).
        let ptr = unsafe {
            sys::xmlReadMemory(
                bytes.as_ptr().cast(),
                size,
                ptr::null(),
                ptr::null(),
                options as c_int,
            )
        };
        if ptr.is_null() {
            return Err(SamlError::MalformedXml {
                reason: "libxml2 refused the document".into(),
            });
        }
        Ok(Self { ptr })
    }

    /// The root element.
    pub fn root(&self) -> Option<XmlNode<'_>> {
        // SAFETY: `self.ptr` is a live document owned by `self`.
        let node = unsafe { sys::xmlDocGetRootElement(self.ptr) };
        XmlNode::new(node)
    }

    /// Declares `node`'s `ID` attribute an XML ID so `URI="#…"` can resolve to it.
    pub fn register_id(&self, node: XmlNode<'_>) -> Result<()> {
        let name = c"ID";
        // SAFETY: `node` belongs to this live document; `name` is NUL-terminated.
        let attr = unsafe { sys::xmlHasProp(node.ptr, name.as_ptr().cast()) };
        if attr.is_null() {
            return Err(SamlError::Missing {
                what: "ID attribute",
            });
        }
        let Some(value) = node.attr("ID") else {
            return Err(SamlError::Missing {
                what: "ID attribute",
            });
        };
        let c_value = CString::new(value.clone()).map_err(|_| SamlError::MalformedXml {
            reason: "NUL in ID".into(),
        })?;
        // SAFETY: document, attribute and value are live; libxml2 copies the value. It
        // returns null when the ID is already registered.
        let id = unsafe { sys::xmlAddID(ptr::null_mut(), self.ptr, c_value.as_ptr().cast(), attr) };
        if id.is_null() {
            return Err(SamlError::DuplicateId { id: value });
        }
        Ok(())
    }
}

impl Drop for XmlDoc {
    fn drop(&mut self) {
        // SAFETY: the document is owned by `self` and freed exactly once.
        unsafe { sys::xmlFreeDoc(self.ptr) };
    }
}

/// An element of an [`XmlDoc`], valid while the document lives.
#[derive(Clone, Copy)]
pub(crate) struct XmlNode<'d> {
    ptr: sys::xmlNodePtr,
    _doc: PhantomData<&'d XmlDoc>,
}

/// Reads a libxml2 string (may be null) into an owned `String`.
fn owned(text: *const sys::xmlChar) -> Option<String> {
    if text.is_null() {
        return None;
    }
    // SAFETY: libxml2 strings are NUL-terminated UTF-8 and live as long as their node.
    let s = unsafe { CStr::from_ptr(text.cast()) };
    Some(s.to_string_lossy().into_owned())
}

impl<'d> XmlNode<'d> {
    fn new(ptr: sys::xmlNodePtr) -> Option<Self> {
        (!ptr.is_null()).then_some(Self {
            ptr,
            _doc: PhantomData,
        })
    }

    fn is_named(&self, namespace: &str, name: &str) -> bool {
        // SAFETY: `self.ptr` is a live node; its name and namespace are owned by the document.
        unsafe {
            let node = &*self.ptr;
            if node.type_ != sys::xmlElementType_XML_ELEMENT_NODE || node.ns.is_null() {
                return false;
            }
            owned(node.name).as_deref() == Some(name)
                && owned((*node.ns).href).as_deref() == Some(namespace)
        }
    }

    /// The first child element `{namespace}name`.
    pub fn child(&self, namespace: &str, name: &str) -> Option<XmlNode<'d>> {
        // SAFETY: walking the child list of a live node of a live document.
        let mut cur = unsafe { (*self.ptr).children };
        while let Some(node) = XmlNode::new(cur) {
            if node.is_named(namespace, name) {
                return Some(node);
            }
            // SAFETY: as above.
            cur = unsafe { (*cur).next };
        }
        None
    }

    /// The value of the unqualified attribute `name`.
    pub fn attr(&self, name: &str) -> Option<String> {
        // SAFETY: walking the attribute list of a live node; values are text children.
        unsafe {
            let mut attr = (*self.ptr).properties;
            while !attr.is_null() {
                if (*attr).ns.is_null() && owned((*attr).name).as_deref() == Some(name) {
                    let mut value = String::new();
                    let mut text = (*attr).children;
                    while !text.is_null() {
                        value.push_str(&owned((*text).content).unwrap_or_default());
                        text = (*text).next;
                    }
                    return Some(value);
                }
                attr = (*attr).next;
            }
        }
        None
    }
}

/// Which algorithms a verification may use.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AlgorithmPolicy {
    /// Also enable RSA-SHA1, ECDSA-SHA1 and SHA-1 digests.
    pub allow_sha1: bool,
}

/// What one successful verification proved: the reference URIs of SignedInfo and, for
/// each, the bytes that were digested (the canonical form of the signed element).
#[derive(Debug)]
pub(crate) struct VerifiedReferences {
    pub references: Vec<(String, Vec<u8>)>,
}

/// Verifies the `ds:Signature` element `signature` with `key` only. `None` when the
/// signature does not verify (wrong key, altered content, disallowed algorithm).
pub(crate) fn verify_signature(
    signature: XmlNode<'_>,
    key: &XmlSecKey,
    policy: AlgorithmPolicy,
) -> Option<VerifiedReferences> {
    let ctx = XmlSecSignatureContext::new();
    // SAFETY: `ctx` owns a live xmlSecDSigCtx for this whole block. The key pointer is
    // borrowed: it is put into `signKey` only for the verify call and reset to null
    // before `ctx` is dropped, so xmlsec never frees our cached key. KeyInfo is not
    // consulted because the context has a key and no keys manager. Buffers read from
    // the stored references are copied before the context goes away.
    unsafe {
        xmlSecErrorsDefaultCallbackEnableOutput(0);
        let raw = ctx.as_ptr();
        (*raw).flags |= sys::XMLSEC_DSIG_FLAGS_STORE_SIGNEDINFO_REFERENCES;
        (*raw).enabledReferenceUris = sys::xmlSecTransformUriTypeSameDocument;
        if !enable_transforms(raw, policy) {
            return None;
        }
        (*raw).signKey = key.as_ptr();
        let rc = sys::xmlSecDSigCtxVerify(raw, signature.ptr);
        let verified = rc >= 0 && (*raw).status == sys::xmlSecDSigStatus_xmlSecDSigStatusSucceeded;
        let result = if verified {
            stored_references(raw)
        } else {
            None
        };
        (*raw).signKey = ptr::null_mut();
        result
    }
}

/// Restricts the context to the canonicalisations, transforms and algorithms we accept.
///
/// # Safety
/// `ctx` must be a live signature context.
unsafe fn enable_transforms(ctx: sys::xmlSecDSigCtxPtr, policy: AlgorithmPolicy) -> bool {
    // SAFETY: the klass getters return static descriptors; `ctx` is live per the contract.
    unsafe {
        let c14n = [
            sys::xmlSecTransformExclC14NGetKlass(),
            sys::xmlSecTransformInclC14NGetKlass(),
            sys::xmlSecTransformInclC14N11GetKlass(),
        ];
        let mut signature_methods = vec![
            sys::xmlSecOpenSSLTransformRsaSha256GetKlass(),
            sys::xmlSecOpenSSLTransformRsaSha384GetKlass(),
            sys::xmlSecOpenSSLTransformRsaSha512GetKlass(),
            sys::xmlSecOpenSSLTransformEcdsaSha256GetKlass(),
            sys::xmlSecOpenSSLTransformEcdsaSha384GetKlass(),
            sys::xmlSecOpenSSLTransformEcdsaSha512GetKlass(),
        ];
        let mut digests = vec![
            sys::xmlSecOpenSSLTransformSha256GetKlass(),
            sys::xmlSecOpenSSLTransformSha384GetKlass(),
            sys::xmlSecOpenSSLTransformSha512GetKlass(),
        ];
        if policy.allow_sha1 {
            signature_methods.push(sys::xmlSecOpenSSLTransformRsaSha1GetKlass());
            signature_methods.push(sys::xmlSecOpenSSLTransformEcdsaSha1GetKlass());
            digests.push(sys::xmlSecOpenSSLTransformSha1GetKlass());
        }
        let signature_side = c14n.iter().chain(signature_methods.iter());
        let enveloped = [sys::xmlSecTransformEnvelopedGetKlass()];
        let reference_side = c14n.iter().chain(enveloped.iter()).chain(digests.iter());
        for id in signature_side {
            if sys::xmlSecDSigCtxEnableSignatureTransform(ctx, *id) < 0 {
                return false;
            }
        }
        for id in reference_side {
            if sys::xmlSecDSigCtxEnableReferenceTransform(ctx, *id) < 0 {
                return false;
            }
        }
        true
    }
}

/// Copies the URI and pre-digest bytes of every reference xmlsec stored.
///
/// # Safety
/// `ctx` must be a live context that has just verified with reference storing on.
unsafe fn stored_references(ctx: sys::xmlSecDSigCtxPtr) -> Option<VerifiedReferences> {
    // SAFETY: the list and its items belong to `ctx`; data is copied out at once.
    unsafe {
        let list = &raw mut (*ctx).signedInfoReferences;
        let count = sys::xmlSecPtrListGetSize(list);
        let mut references = Vec::new();
        for i in 0..count {
            let reference = sys::xmlSecPtrListGetItem(list, i) as sys::xmlSecDSigReferenceCtxPtr;
            if reference.is_null()
                || (*reference).status != sys::xmlSecDSigStatus_xmlSecDSigStatusSucceeded
            {
                return None;
            }
            let uri = owned((*reference).uri).unwrap_or_default();
            let buffer = sys::xmlSecDSigReferenceCtxGetPreDigestBuffer(reference);
            if buffer.is_null() {
                return None;
            }
            let data = sys::xmlSecBufferGetData(buffer);
            let size = sys::xmlSecBufferGetSize(buffer) as usize;
            let bytes = if data.is_null() || size == 0 {
                Vec::new()
            } else {
                std::slice::from_raw_parts(data, size).to_vec()
            };
            references.push((uri, bytes));
        }
        Some(VerifiedReferences { references })
    }
}

thread_local! {
    /// Parsed verification keys of this thread, by certificate DER.
    static KEYS: RefCell<HashMap<Vec<u8>, XmlSecKey>> = RefCell::new(HashMap::new());
}

/// Keys kept per thread before the cache starts over.
const KEY_CACHE_LIMIT: usize = 256;

/// Runs `f` with the xmlsec key of the certificate `der`, parsed once per thread.
pub(crate) fn with_certificate_key<T>(der: &[u8], f: impl FnOnce(&XmlSecKey) -> T) -> Result<T> {
    KEYS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache.contains_key(der) {
            let key = XmlSecKey::from_memory(der, XmlSecKeyFormat::CertDer, None).map_err(|e| {
                SamlError::InvalidKey {
                    what: "certificate",
                    reason: e.to_string(),
                }
            })?;
            if cache.len() >= KEY_CACHE_LIMIT {
                cache.clear();
            }
            cache.insert(der.to_vec(), key);
        }
        match cache.get(der) {
            Some(key) => Ok(f(key)),
            None => Err(SamlError::InvalidKey {
                what: "certificate",
                reason: "not cached".into(),
            }),
        }
    })
}
