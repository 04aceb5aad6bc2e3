//! Verification against the floor (a bare pre-keyed HMAC-SHA256 over the same signed bytes) and
//! against peer crates, side by side, for GitHub, Stripe and Standard Webhooks at 256 B, 4 KiB,
//! 64 KiB and 1 MiB.
//!
//! ```sh
//! cargo bench -p hookverify-bench --bench verify
//! python3 scripts/bench_report.py      # ratio tables and the plot in BENCHMARKS.md
//! ```
//!
//! Every contender verifies the same valid delivery (headers in an `http::HeaderMap`, body as
//! bytes) and its result is checked once before measuring. Peers that read the system clock
//! get deliveries signed just before their group runs.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::missing_docs_in_private_items,
    missing_docs,
    reason = "a benchmark binary"
)]

mod common;

use base64::Engine as _;
use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{SECRET as GITHUB_SECRET, SIZES, STANDARD_SECRET, header_map};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit as _, Mac as _};
use hookverify_core::{Scheme, SignOptions, Verifier};
use http::{HeaderMap, HeaderName};
use sha2::Sha256;

const CHUNK: usize = 16 * 1024;
const STRIPE_SECRET: &str = "whsec_bench-test-only-secret";

/// A JSON-looking UTF-8 body of exactly `size` bytes.
fn body(size: usize) -> Vec<u8> {
    common::body("json", size)
}

/// The floor: a pre-keyed HMAC-SHA256, cloned, over `prefix` then `body`.
fn floor(group: &mut BenchmarkGroup<'_, WallTime>, key: &[u8], prefix: &[u8], body: &[u8]) {
    let keyed = Hmac::<Sha256>::new_from_slice(key).unwrap();
    group.bench_function("floor_hmac_sha256", |b| {
        b.iter(|| {
            let mut mac = keyed.clone();
            mac.update(black_box(prefix));
            mac.update(black_box(body));
            black_box(mac.finalize())
        });
    });
}

/// hookverify one-shot, streaming in 16 KiB chunks, and with two secrets (signed by the second).
fn hookverify(
    group: &mut BenchmarkGroup<'_, WallTime>,
    verifier: &Verifier,
    rotating: &Verifier,
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) {
    assert!(verifier.verify(headers, body, now).is_ok());
    assert_eq!(
        rotating.verify(headers, body, now).unwrap().secret_index(),
        1
    );
    group.bench_function("hookverify", |b| {
        b.iter(|| black_box(verifier.verify(black_box(headers), black_box(body), now)).unwrap());
    });
    group.bench_function("hookverify_streaming_16KiB", |b| {
        b.iter(|| {
            let mut verification = verifier.begin(black_box(headers), now).unwrap();
            for chunk in black_box(body).chunks(CHUNK) {
                verification.update(chunk);
            }
            black_box(verification.finish()).unwrap()
        });
    });
    group.bench_function("hookverify_two_secrets", |b| {
        b.iter(|| black_box(rotating.verify(black_box(headers), black_box(body), now)).unwrap());
    });
}

fn unix(now: SystemTime) -> u64 {
    now.duration_since(UNIX_EPOCH).unwrap().as_secs()
}

fn github(c: &mut Criterion) {
    let verifier = Verifier::github(GITHUB_SECRET).unwrap();
    let rotating = Verifier::builder(Scheme::github())
        .secret("another-bench-secret")
        .secret(GITHUB_SECRET)
        .build()
        .unwrap();
    let secret = webhook_verify::Secret::new(GITHUB_SECRET);
    for (size, label) in SIZES {
        let body = body(size);
        let now = SystemTime::now();
        let headers = header_map(&verifier.sign(&body, &SignOptions::at(now)).unwrap());
        let mut group = c.benchmark_group(format!("github/{label}"));
        group.throughput(Throughput::Bytes(size as u64));
        floor(&mut group, GITHUB_SECRET.as_bytes(), b"", &body);
        hookverify(&mut group, &verifier, &rotating, &headers, &body, now);

        let benched = common::bench_webhook_verify(
            &mut group,
            webhook_verify::Provider::GitHub,
            &secret,
            &headers,
            &body,
            unix(now),
        );
        assert!(
            benched,
            "webhook-verify refused the delivery hookverify signed"
        );
        group.finish();
    }
}

fn stripe(c: &mut Criterion) {
    let verifier = Verifier::stripe(STRIPE_SECRET).unwrap();
    let rotating = Verifier::builder(Scheme::stripe())
        .secret("whsec_another-bench-secret")
        .secret(STRIPE_SECRET)
        .build()
        .unwrap();
    let secret = webhook_verify::Secret::new(STRIPE_SECRET);
    for (size, label) in SIZES {
        let body = body(size);
        let now = SystemTime::now();
        let signed = verifier.sign(&body, &SignOptions::at(now)).unwrap();
        let headers = header_map(&signed);
        let prefix = format!("{}.", unix(now));
        let mut group = c.benchmark_group(format!("stripe/{label}"));
        group.throughput(Throughput::Bytes(size as u64));
        floor(
            &mut group,
            STRIPE_SECRET.as_bytes(),
            prefix.as_bytes(),
            &body,
        );
        hookverify(&mut group, &verifier, &rotating, &headers, &body, now);

        let benched = common::bench_webhook_verify(
            &mut group,
            webhook_verify::Provider::Stripe,
            &secret,
            &headers,
            &body,
            unix(now),
        );
        assert!(
            benched,
            "webhook-verify refused the delivery hookverify signed"
        );

        // async-stripe's only verification entry point also deserializes the event; this body
        // is not a Stripe event, so each call verifies the signature and then fails to parse.
        let payload = std::str::from_utf8(&body).unwrap();
        let signature = signed[0].1.as_str();
        let timestamp = i64::try_from(unix(now)).unwrap();
        let outcome = stripe_webhook::Webhook::construct_event_with_timestamp(
            payload,
            signature,
            STRIPE_SECRET,
            timestamp,
        );
        assert!(
            matches!(outcome, Err(stripe_webhook::WebhookError::BadParse(_))),
            "signature must pass"
        );
        group.bench_function("async-stripe-webhook", |b| {
            b.iter(|| {
                black_box(stripe_webhook::Webhook::construct_event_with_timestamp(
                    black_box(payload),
                    signature,
                    STRIPE_SECRET,
                    timestamp,
                ))
                .unwrap_err()
            });
        });
        group.finish();
    }
}

fn standard_webhooks(c: &mut Criterion) {
    let verifier = Verifier::standard_webhooks(STANDARD_SECRET).unwrap();
    let rotating = Verifier::builder(Scheme::standard_webhooks())
        .secret("whsec_YW5vdGhlci1iZW5jaC1zZWNyZXQ=")
        .secret(STANDARD_SECRET)
        .build()
        .unwrap();
    let key_bytes = base64_decode(STANDARD_SECRET);
    let svix = svix::webhooks::Webhook::new(STANDARD_SECRET).unwrap();
    let standard = standardwebhooks::Webhook::new(STANDARD_SECRET).unwrap();
    let secret = webhook_verify::Secret::new(STANDARD_SECRET);
    let id = "msg_2b1mrbFbVWTYo8WbMvmoj3gSgvg";
    for (size, label) in SIZES {
        let body = body(size);
        let now = SystemTime::now();
        let headers = header_map(&verifier.sign(&body, &SignOptions::at(now).id(id)).unwrap());
        let prefix = format!("{id}.{}.", unix(now));
        let mut group = c.benchmark_group(format!("standard_webhooks/{label}"));
        group.throughput(Throughput::Bytes(size as u64));
        floor(&mut group, &key_bytes, prefix.as_bytes(), &body);
        hookverify(&mut group, &verifier, &rotating, &headers, &body, now);
        hand_written(&mut group, &key_bytes, &headers, &body, unix(now));

        svix.verify(&body, &headers).unwrap();
        group.bench_function("svix", |b| {
            b.iter(|| svix.verify(black_box(&body), black_box(&headers)).unwrap());
        });
        standard.verify(&body, &headers).unwrap();
        group.bench_function("standardwebhooks", |b| {
            b.iter(|| {
                standard
                    .verify(black_box(&body), black_box(&headers))
                    .unwrap();
            });
        });
        let benched = common::bench_webhook_verify(
            &mut group,
            webhook_verify::Provider::StandardWebhooks,
            &secret,
            &headers,
            &body,
            unix(now),
        );
        assert!(
            benched,
            "webhook-verify refused the delivery hookverify signed"
        );
        group.finish();
    }
}

/// The least a Standard Webhooks verifier over a `HeaderMap` must do, written by hand for one
/// delivery shape: three lookups, the timestamp's digits and window, one `v1,` entry decoded
/// with `base64-simd`, the HMAC over the same five pieces, a constant-time comparison. No
/// printable checks, no lists, no rotation, no result but a `bool`: the distance between it and
/// the floor is what finding and reading the headers costs; between it and hookverify, what
/// hookverify's checks and its `Verified` add.
fn hand_written(
    group: &mut BenchmarkGroup<'_, WallTime>,
    key: &[u8],
    headers: &HeaderMap,
    body: &[u8],
    now: u64,
) {
    let keyed = Hmac::<Sha256>::new_from_slice(key).unwrap();
    let names =
        ["webhook-id", "webhook-timestamp", "webhook-signature"].map(HeaderName::from_static);
    let verify = |headers: &HeaderMap, body: &[u8]| -> bool {
        let unique = |name: &HeaderName| {
            let mut values = headers.get_all(name).iter();
            let first = values.next()?;
            values.next().is_none().then(|| first.as_bytes())
        };
        let (Some(id), Some(timestamp), Some(signature)) =
            (unique(&names[0]), unique(&names[1]), unique(&names[2]))
        else {
            return false;
        };
        let Some(seconds) = timestamp.iter().try_fold(0u64, |acc, &byte| {
            let digit = byte.wrapping_sub(b'0');
            (digit <= 9 && acc < u64::MAX / 100).then(|| acc * 10 + u64::from(digit))
        }) else {
            return false;
        };
        let mut tag = [0u8; 33];
        let decoded = signature.strip_prefix(b"v1,").is_some_and(|encoded| {
            encoded.len() == 44
                && base64_simd::STANDARD
                    .decode(encoded, base64_simd::Out::from_slice(&mut tag))
                    .is_ok()
        });
        if !decoded || seconds.abs_diff(now) > 300 {
            return false;
        }
        let mut mac = keyed.clone();
        for piece in [id, b".", timestamp, b".", body] {
            mac.update(piece);
        }
        mac.verify_slice(&tag[..32]).is_ok()
    };
    assert!(verify(headers, body));
    group.bench_function("hand_written", |b| {
        b.iter(|| black_box(verify(black_box(headers), black_box(body))));
    });
}

/// The key bytes of a `whsec_` secret, for the floor.
fn base64_decode(secret: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap()
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = github, stripe, standard_webhooks
}
criterion_main!(benches);
