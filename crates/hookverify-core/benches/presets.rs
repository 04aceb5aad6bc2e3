//! Every preset against its bare primitive over the same signed bytes, in one run, at 256 B and
//! 64 KiB: an HMAC keyed once and cloned, HubSpot's prefixed SHA-256, `ed25519-dalek`'s
//! `verify_strict`, `p256`'s verify. Where `webhook-verify` supports the provider, it runs too.
//!
//! ```sh
//! cargo bench -p hookverify-core --features fuzzing,ed25519,p256 --bench presets
//! python3 scripts/bench_report.py      # the preset table in BENCHMARKS.md
//! ```
//!
//! The signed bytes come from hookverify's own signer (`__fuzz::signed_message`), so the
//! primitive hashes exactly what verification has to.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    missing_docs,
    reason = "a benchmark binary"
)]

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit as _, Mac as _};
use hookverify_core::{KeyKind, Request, Scheme, SignOptions, Signer, SigningKey, Verifier};
use http::{HeaderMap, HeaderName, HeaderValue};
use sha2::{Digest as _, Sha256};

const SIZES: [(usize, &str); 2] = [(256, "256B"), (64 * 1024, "64KiB")];
const SECRET: &str = "bench-test-only-secret";
/// base64 of "bench-test-only-secret-32-bytes!"
const STANDARD_SECRET: &str = "whsec_YmVuY2gtdGVzdC1vbmx5LXNlY3JldC0zMi1ieXRlcyE=";
const SEED: &str = "0101010101010101010101010101010101010101010101010101010101010101";
const URL: &str = "https://hooks.example.com/webhooks/bench?source=bench";
const NOW: u64 = 1_700_000_000;

/// A body of exactly `size` bytes the preset signs as real deliveries are: JSON, or for Twilio
/// a form.
fn body(scheme: &str, size: usize) -> Vec<u8> {
    if scheme == "twilio" {
        let mut body = b"From=%2B14158675309&To=%2B18005551212&Body=".to_vec();
        body.resize(size, b'x');
        return body;
    }
    let mut body = br#"{"id":"evt_bench","object":"event","data":""#.to_vec();
    body.resize(size - 2, b'x');
    body.extend_from_slice(b"\"}");
    body
}

fn header_map(pairs: &[(String, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

/// The preset's secret, or its private key.
fn signer(scheme: &Scheme) -> (Signer, Option<SigningKey>) {
    match scheme.name() {
        "discord" => {
            let key = SigningKey::ed25519_hex(SEED).unwrap();
            (
                Signer::with_signing_key(scheme.clone(), &key).unwrap(),
                Some(key),
            )
        }
        "sendgrid" => {
            let key = SigningKey::p256(SEED).unwrap();
            (
                Signer::with_signing_key(scheme.clone(), &key).unwrap(),
                Some(key),
            )
        }
        "standard-webhooks" | "svix" | "gitlab-signing-token" => {
            (Signer::new(scheme.clone(), STANDARD_SECRET).unwrap(), None)
        }
        _ => (Signer::new(scheme.clone(), SECRET).unwrap(), None),
    }
}

/// The raw key bytes the primitive is keyed with.
fn key_bytes(scheme: &Scheme) -> Vec<u8> {
    match scheme.name() {
        "standard-webhooks" | "svix" | "gitlab-signing-token" => {
            b"bench-test-only-secret-32-bytes!".to_vec()
        }
        _ => SECRET.as_bytes().to_vec(),
    }
}

/// The bare primitive over `message`, the way the preset proves it.
fn primitive(
    group: &mut BenchmarkGroup<'_, WallTime>,
    scheme: &Scheme,
    message: &[u8],
    headers: &[(String, String)],
) {
    let key = key_bytes(scheme);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    match scheme.name() {
        "discord" => {
            let signing = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
            let key = signing.verifying_key();
            let mut bytes = [0u8; 64];
            const_hex::decode_to_slice(header("X-Signature-Ed25519"), &mut bytes).unwrap();
            let signature = ed25519_dalek::Signature::from_bytes(&bytes);
            key.verify_strict(message, &signature).unwrap();
            group.bench_function("primitive", |b| {
                b.iter(|| key.verify_strict(black_box(message), &signature).unwrap());
            });
        }
        "sendgrid" => {
            use p256::ecdsa::signature::Verifier as _;
            let signing = p256::ecdsa::SigningKey::from_slice(&[1; 32]).unwrap();
            let key = *signing.verifying_key();
            let der = base64_simd::STANDARD
                .decode_to_vec(header("X-Twilio-Email-Event-Webhook-Signature"))
                .unwrap();
            let signature = p256::ecdsa::Signature::from_der(&der).unwrap();
            key.verify(message, &signature).unwrap();
            group.bench_function("primitive", |b| {
                b.iter(|| key.verify(black_box(message), &signature).unwrap());
            });
        }
        "hubspot-v1" | "hubspot-v2" => {
            let mut state = Sha256::new();
            state.update(&key);
            group.bench_function("primitive", |b| {
                b.iter(|| {
                    let mut hash = state.clone();
                    hash.update(black_box(message));
                    black_box(hash.finalize())
                });
            });
        }
        "gitlab" => {
            group.bench_function("primitive", |b| {
                b.iter(|| black_box(Sha256::digest(black_box(message))));
            });
        }
        _ if scheme.algorithm() == Some(hookverify_core::Algorithm::Sha1) => {
            let keyed = Hmac::<sha1::Sha1>::new_from_slice(&key).unwrap();
            group.bench_function("primitive", |b| {
                b.iter(|| {
                    let mut mac = keyed.clone();
                    mac.update(black_box(message));
                    black_box(mac.finalize())
                });
            });
        }
        _ => {
            let keyed = Hmac::<Sha256>::new_from_slice(&key).unwrap();
            group.bench_function("primitive", |b| {
                b.iter(|| {
                    let mut mac = keyed.clone();
                    mac.update(black_box(message));
                    black_box(mac.finalize())
                });
            });
        }
    }
}

/// `webhook-verify`'s provider for a preset it supports.
fn peer(name: &str) -> Option<webhook_verify::Provider> {
    use webhook_verify::Provider as P;
    Some(match name {
        "github" => P::GitHub,
        "shopify" => P::Shopify,
        "slack" => P::Slack,
        "stripe" => P::Stripe,
        "standard-webhooks" => P::StandardWebhooks,
        "dropbox" => P::Dropbox,
        "zoom" => P::Zoom,
        "linear" => P::Linear,
        _ => return None,
    })
}

fn bench_peer(
    group: &mut BenchmarkGroup<'_, WallTime>,
    scheme: &Scheme,
    headers: &HeaderMap,
    body: &[u8],
) {
    struct Fixed;
    impl webhook_verify::Clock for Fixed {
        fn now(&self) -> u64 {
            NOW
        }
    }
    let Some(provider) = peer(scheme.name()) else {
        return;
    };
    let secret = match scheme.name() {
        "standard-webhooks" => webhook_verify::Secret::new(STANDARD_SECRET),
        _ => webhook_verify::Secret::new(SECRET),
    };
    let options =
        webhook_verify::VerifyOptions::default().with_clock(Some(std::sync::Arc::new(Fixed)));
    // A peer that refuses a delivery hookverify signed is left out rather than timed failing.
    if webhook_verify::verify(provider, headers, body, &secret, options.clone()).is_err() {
        return;
    }
    group.bench_function("webhook-verify", |b| {
        b.iter(|| {
            webhook_verify::verify(
                provider,
                black_box(headers),
                black_box(body),
                &secret,
                options.clone(),
            )
            .unwrap();
        });
    });
}

fn presets(c: &mut Criterion) {
    let now = UNIX_EPOCH + Duration::from_secs(NOW);
    for preset in Scheme::presets() {
        let scheme = preset.scheme();
        let (signer, private) = signer(&scheme);
        let verifier = if let Some(key) = &private {
            Verifier::builder(scheme.clone())
                .raw_public_key(key.public_key())
                .build()
                .unwrap()
        } else if key_bytes(&scheme).len() == 32 {
            Verifier::builder(scheme.clone())
                .secret(STANDARD_SECRET)
                .build()
                .unwrap()
        } else {
            Verifier::builder(scheme.clone())
                .secret(SECRET)
                .build()
                .unwrap()
        };
        assert_eq!(
            verifier.scheme().key_kind() == KeyKind::PublicKey,
            private.is_some()
        );
        for (size, label) in SIZES {
            let body = body(scheme.name(), size);
            let options = SignOptions::at(now)
                .id("msg_2b1mrbFbVWTYo8WbMvmoj3gSgvg")
                .url(URL);
            let message =
                hookverify_core::__fuzz::signed_message(&signer, &body, &options).unwrap();
            let (pairs, rewritten) = signer.sign(&body, &options).unwrap().into_parts();
            let body = rewritten.unwrap_or(body);
            let headers = header_map(&pairs);
            let request = Request::new(&headers).method("POST").url(URL);
            verifier.verify(request, &body, now).unwrap();

            let mut group = c.benchmark_group(format!("presets/{}/{label}", scheme.name()));
            group.throughput(Throughput::Bytes(size as u64));
            primitive(&mut group, &scheme, &message, &pairs);
            group.bench_function("hookverify", |b| {
                b.iter(|| {
                    black_box(verifier.verify(black_box(request), black_box(&body), now)).unwrap()
                });
            });
            bench_peer(&mut group, &scheme, &headers, &body);
            group.finish();
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    targets = presets
}
criterion_main!(benches);
