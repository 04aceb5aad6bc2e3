//! Every preset against its bare primitive over the same signed bytes, in one run, at 256 B,
//! 4 KiB, 64 KiB and 1 MiB, one-shot and streamed as the adapters do (`begin`, 16 KiB
//! `update`s, `finish`): an HMAC keyed once and cloned, HubSpot's prefixed SHA-256, `ed25519-dalek`'s
//! `verify_strict`, `p256`'s verify. Where `webhook-verify` supports the provider, it runs too.
//!
//! ```sh
//! cargo bench -p hookverify-bench --bench presets
//! python3 scripts/bench_report.py      # the preset table in BENCHMARKS.md
//! ```
//!
//! The signed bytes come from hookverify's own signer (`__fuzz::signed_message`), so the
//! primitive hashes exactly what verification has to. The `instructions` bench counts the same
//! work in instructions under callgrind (`scripts/instructions.py`).

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    missing_docs,
    reason = "a benchmark binary"
)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{Case, NOW, SECRET, SIZES, STANDARD_SECRET};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use hookverify_core::{Preset, Scheme};
use http::{HeaderMap, HeaderName};

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
    let Some(provider) = peer(scheme.name()) else {
        return;
    };
    let secret = match scheme.name() {
        "standard-webhooks" => webhook_verify::Secret::new(STANDARD_SECRET),
        _ => webhook_verify::Secret::new(SECRET),
    };
    // A peer that refuses a delivery hookverify signed is left out of the table.
    common::bench_webhook_verify(group, provider, &secret, headers, body, NOW);
}

/// What finding the preset's headers costs alone: `http::HeaderMap` hashes each name (FNV, a
/// byte at a time) on every lookup, so presets with several long header names pay for it
/// before any parsing. Each header the registry names is looked up by a prepared `HeaderName`
/// and checked for a second value, as core does in a large map; in a map of a dozen entries,
/// as here, core finds the headers of a preset that reads several in one pass instead
/// (`Headers::find_each`), which this does not measure.
fn bench_lookups(group: &mut BenchmarkGroup<'_, WallTime>, preset: &Preset, headers: &HeaderMap) {
    let names: Vec<HeaderName> = preset
        .headers()
        .iter()
        .map(|name| HeaderName::from_bytes(name.as_bytes()).unwrap())
        .collect();
    group.bench_function("lookups", |b| {
        b.iter(|| {
            for name in &names {
                let mut values = black_box(headers).get_all(name).iter();
                black_box((values.next(), values.next()));
            }
        });
    });
}

fn presets(c: &mut Criterion) {
    for preset in Scheme::presets() {
        let scheme = preset.scheme();
        for (size, label) in SIZES {
            let case = Case::new(&scheme, size);
            let mut group = c.benchmark_group(format!("presets/{}/{label}", scheme.name()));
            group.throughput(Throughput::Bytes(size as u64));
            if size >= 64 * 1024 {
                // Tens of microseconds to milliseconds each: fewer, flat samples suffice.
                group
                    .sample_size(20)
                    .sampling_mode(criterion::SamplingMode::Flat);
            }
            let primitive = case.primitive();
            group.bench_function("primitive", |b| b.iter(&primitive));
            group.bench_function("hookverify", |b| b.iter(|| case.verify()));
            group.bench_function("streaming", |b| b.iter(|| case.stream()));
            if size == 256 {
                bench_lookups(&mut group, preset, &case.headers);
            }
            bench_peer(&mut group, &scheme, &case.headers, &case.body);
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
