//! Full validations per second of 2, 6 and 11 KB signed responses, beside two peers
//! measured in the same run (a bare RSA-2048/SHA-256 verification of 6 KB, and the
//! base64 decode of the 6 KB response) so results read as ratios.
//! Run: `cargo bench -p tessera-saml` (release). Results: `docs/performance-saml.md`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine;
use chrono::{DateTime, TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::{Signer, Verifier};
use std::hint::black_box;
use tessera_core::WorkspaceName;
use tessera_saml::{
    Certificate, IdentityProvider, Limits, MemoryRequestIdStore, PortError, ReplayCache,
    ServiceProvider, validate_response,
};

fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../fixtures/saml/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// A replay cache that has seen nothing, so one response can be validated repeatedly.
struct Forgetful;

impl ReplayCache for Forgetful {
    fn insert_once(&self, _: &str, _: DateTime<Utc>, _: DateTime<Utc>) -> Result<bool, PortError> {
        Ok(true)
    }
}

fn validations(c: &mut Criterion) {
    let sp = ServiceProvider::for_workspace(
        "https://sso.tessera.test",
        WorkspaceName::parse("acme").unwrap(),
        None,
    )
    .unwrap();
    let idp = IdentityProvider::new(
        "https://idp.example.org/metadata",
        "https://idp.example.org/sso",
        vec![Certificate::parse(&fixture("keys/idp.crt")).unwrap()],
    );
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 10, 1, 0).unwrap();
    let requests = MemoryRequestIdStore::default();
    let limits = Limits::default();
    let mut group = c.benchmark_group("saml");
    for size in ["2k", "6k", "11k"] {
        let xml = fixture(&format!("responses/bench-{size}.xml"));
        let encoded = base64::engine::general_purpose::STANDARD.encode(&xml);
        validate_response(&encoded, &sp, &idp, &limits, now, &requests, &Forgetful).unwrap();
        group.throughput(Throughput::Elements(1));
        group.bench_function(format!("validate_{size}_{}B", xml.len()), |b| {
            b.iter(|| {
                validate_response(
                    black_box(&encoded),
                    &sp,
                    &idp,
                    &limits,
                    now,
                    &requests,
                    &Forgetful,
                )
                .unwrap()
            })
        });
    }

    let message = fixture("responses/bench-6k.xml");
    let key = PKey::private_key_from_pem(fixture("keys/idp.key").as_bytes()).unwrap();
    let mut signer = Signer::new(MessageDigest::sha256(), &key).unwrap();
    signer.update(message.as_bytes()).unwrap();
    let signature = signer.sign_to_vec().unwrap();
    group.bench_function("peer_rsa2048_sha256_verify_6k", |b| {
        b.iter(|| {
            let mut verifier = Verifier::new(MessageDigest::sha256(), &key).unwrap();
            verifier.update(black_box(message.as_bytes())).unwrap();
            assert!(verifier.verify(&signature).unwrap());
        })
    });
    let encoded = base64::engine::general_purpose::STANDARD.encode(&message);
    group.bench_function("peer_base64_decode_6k", |b| {
        b.iter(|| tessera_saml::decode_post(black_box(&encoded), &limits).unwrap())
    });
    group.finish();
}

criterion_group!(benches, validations);
criterion_main!(benches);
