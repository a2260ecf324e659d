//! Property tests of SAML decoding: responses from the fixtures, mutated the way attacks
//! shape them (deep nesting, attribute floods, many assertions, DTDs and entities,
//! comments in the NameID, truncation, flipped bytes, base64 garbage, deflate bombs).
//! Validation must answer (an error for every hostile shape) without panicking, and
//! quickly: no input may take more than a bounded time.

use crate::support::*;
use flate2::Compression;
use flate2::write::DeflateEncoder;
use proptest::prelude::*;
use std::io::Write;
use std::time::{Duration, Instant};
use tessera_saml::{
    Limits, MemoryReplayCache, MemoryRequestIdStore, decode_post, decode_redirect,
    validate_response,
};

/// Far above the few milliseconds a response takes, far below what quadratic or
/// exponential work on a 256 KiB input would take.
const BUDGET: Duration = Duration::from_secs(2);

/// Validates `xml` as a posted response, within [`BUDGET`]; returns whether it passed.
fn accepted_in_time(xml: &[u8]) -> bool {
    let encoded = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, xml);
    let started = Instant::now();
    let outcome = validate_response(
        &encoded,
        &sp(),
        &idp(),
        &Limits::default(),
        now(),
        &MemoryRequestIdStore::default(),
        &MemoryReplayCache::default(),
    );
    let took = started.elapsed();
    assert!(took < BUDGET, "{took:?} for a {} byte input", xml.len());
    outcome.is_ok()
}

fn base() -> String {
    fixture("responses/idp-initiated.xml")
}

/// `xml` with `insert` placed right after the first occurrence of `after`.
fn inserted(xml: &str, after: &str, insert: &str) -> String {
    let at = xml.find(after).map(|i| i + after.len()).unwrap_or(0);
    format!("{}{insert}{}", &xml[..at], &xml[at..])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn deep_nesting_is_refused(depth in 1usize..5_000) {
        let nest = format!("{}{}", "<x:a xmlns:x=\"urn:x\">".repeat(depth), "</x:a>".repeat(depth));
        let xml = inserted(&base(), "</ns1:Issuer>", &nest);
        prop_assert!(!accepted_in_time(xml.as_bytes()));
    }

    #[test]
    fn attribute_floods_are_refused(count in 60usize..20_000, namespaces in any::<bool>()) {
        let attrs: String = (0..count)
            .map(|i| if namespaces { format!(" xmlns:p{i}=\"urn:{i}\"") } else { format!(" a{i}=\"v\"") })
            .collect();
        let xml = base().replacen("<ns1:Assertion ", &format!("<ns1:Assertion{attrs} "), 1);
        // A few extra attributes on the assertion break its signature; many are refused
        // by the parser first.
        prop_assert!(!accepted_in_time(xml.as_bytes()));
    }

    #[test]
    fn many_assertions_are_refused(copies in 1usize..200) {
        let xml = base();
        let start = xml.find("<ns1:Assertion").unwrap();
        let end = xml.find("</ns1:Assertion>").unwrap() + "</ns1:Assertion>".len();
        let assertion = &xml[start..end];
        let forged = format!("{}{}{}", &xml[..end], assertion.repeat(copies), &xml[end..]);
        prop_assert!(!accepted_in_time(forged.as_bytes()));
    }

    #[test]
    fn dtds_and_entities_are_refused(levels in 1usize..12, fanout in 1usize..20, external in any::<bool>()) {
        let mut dtd = String::from("<!DOCTYPE r [<!ENTITY e0 \"lol\">");
        for level in 1..levels {
            let refs = format!("&e{};", level - 1).repeat(fanout);
            dtd.push_str(&format!("<!ENTITY e{level} \"{refs}\">"));
        }
        if external {
            dtd.push_str("<!ENTITY ext SYSTEM \"file:///etc/passwd\">");
        }
        dtd.push_str("]>");
        let xml = inserted(&base(), "?>", &dtd)
            .replacen("</ns1:NameID>", &format!("&e{};</ns1:NameID>", levels - 1), 1);
        prop_assert!(!accepted_in_time(xml.as_bytes()));
    }

    #[test]
    fn a_comment_anywhere_in_the_name_id_is_refused(at in 0usize..21) {
        let xml = base();
        let open = xml.find("<ns1:NameID").unwrap();
        let text_start = xml[open..].find('>').unwrap() + open + 1;
        let text_end = xml[text_start..].find('<').unwrap() + text_start;
        let split = text_start + at.min(text_end - text_start);
        let forged = format!("{}<!---->{}", &xml[..split], &xml[split..]);
        prop_assert!(!accepted_in_time(forged.as_bytes()));
    }

    #[test]
    fn truncated_responses_are_refused(keep in 0.0f64..0.999) {
        let xml = base();
        let cut = (xml.len() as f64 * keep) as usize;
        prop_assert!(!accepted_in_time(&xml.as_bytes()[..cut]));
    }

    #[test]
    fn flipped_bytes_never_panic(flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut bytes = base().into_bytes();
        for (index, value) in flips {
            let i = index.index(bytes.len());
            bytes[i] = value;
        }
        // Some flips land in unsigned whitespace and still pass: only no panic, in time.
        accepted_in_time(&bytes);
    }

    #[test]
    fn base64_garbage_is_refused(garbage in "[A-Za-z0-9+/= \n\t!-]{0,4096}") {
        let started = Instant::now();
        let decoded = decode_post(&garbage, &Limits::default());
        prop_assert!(started.elapsed() < BUDGET);
        if let Ok(bytes) = decoded {
            prop_assert!(!accepted_in_time(&bytes));
        }
    }

    #[test]
    fn deflate_bombs_stop_at_the_inflated_limit(megabytes in 1usize..6, byte in any::<u8>()) {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
        let chunk = vec![byte; 1024 * 1024];
        for _ in 0..megabytes {
            encoder.write_all(&chunk).unwrap();
        }
        let payload = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, encoder.finish().unwrap());
        let started = Instant::now();
        let limits = Limits::default();
        prop_assert!(decode_redirect(&payload, &limits).is_err());
        prop_assert!(started.elapsed() < BUDGET);
    }
}

#[test]
fn the_unmutated_base_is_accepted() {
    assert!(
        accepted_in_time(base().as_bytes()),
        "the properties start from a valid response"
    );
}
