//! Integration tests of tessera-saml against responses signed by a real IdP (pysaml2)
//! and the hostile corpus in `fixtures/saml/attacks/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly

mod attacks;
mod metadata;
mod properties;
mod support;
mod valid;
