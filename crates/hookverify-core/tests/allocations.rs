//! Verification allocates nothing once a verifier is built: a counting global allocator
//! watches `verify`, `begin`/`update`/`finish`, and rejections, for every HMAC preset whose
//! signature is in its headers and a generic scheme; one-shot `verify` of the HMAC presets
//! that sign the request's URL (Square, HubSpot v3), given the URL; and one-shot `verify` of the
//! HMAC presets that read the body (Twilio's form, Mailgun's and Linear's JSON). (Streaming a
//! body-reading scheme keeps the body, Box may build the escaped form of its body, and a
//! streamed verification copies the URL it names in errors: see the crate docs.)
//!
//! This file runs without the test harness (`harness = false`), on one thread, so the global
//! counters see nothing but the code under test.

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::indexing_slicing,
    reason = "a harness-less test reports and fails by itself"
)]

use std::alloc::System;
use std::time::{Duration, UNIX_EPOCH};

use hookverify_core::{
    Algorithm, Encoding, Part, Request, Scheme, SignOptions, Verifier, VerifyError,
};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, Stats, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn main() {
    let body = vec![b'x'; 64 * 1024];
    let generic = Scheme::hmac("X-Signature")
        .algorithm(Algorithm::Sha512)
        .encoding(Encoding::Base64)
        .timestamp_header("X-Timestamp")
        .id_header("X-Id")
        .signed_content([Part::Id, Part::literal("."), Part::Body, Part::Timestamp])
        .build()
        .unwrap();
    let schemes: Vec<Scheme> = Scheme::presets()
        .iter()
        .map(hookverify_core::Preset::scheme)
        .filter(|scheme| {
            scheme.algorithm().is_some() && !scheme.reads_body() && !scheme.signs_request()
        })
        .chain([generic])
        .collect();
    assert!(schemes.len() >= 20, "{} schemes", schemes.len());

    let mut checked = 0;
    for scheme in schemes {
        check(scheme, &body);
        checked += 1;
    }
    assert!(checked >= 21);

    let url_signing: Vec<Scheme> = Scheme::presets()
        .iter()
        .map(hookverify_core::Preset::scheme)
        .filter(|scheme| {
            scheme.algorithm().is_some() && !scheme.reads_body() && scheme.signs_request()
        })
        .collect();
    assert!(url_signing.len() >= 2, "{} schemes", url_signing.len());
    for scheme in url_signing {
        check_one_shot_with_url(scheme, &body);
        checked += 1;
    }

    // Body-reading HMAC presets, one-shot, on bodies like their providers': a JSON object
    // of a few kilobytes (and one long enough for Linear's keys to be fed as it is read), a
    // form of twenty parameters.
    let body_reading: Vec<Scheme> = Scheme::presets()
        .iter()
        .map(hookverify_core::Preset::scheme)
        .filter(|scheme| scheme.algorithm().is_some() && scheme.reads_body())
        .collect();
    let names: Vec<&str> = body_reading.iter().map(Scheme::name).collect();
    for name in ["twilio", "mailgun", "linear"] {
        assert!(names.contains(&name), "{names:?}");
    }
    for scheme in body_reading {
        if scheme.name() == "box" {
            // Box may verify the escaped form of the body, which it builds.
            continue;
        }
        // Twilio's form is the same whatever `data` is.
        let sizes: &[usize] = if scheme.name() == "twilio" {
            &[0]
        } else {
            &[2048, 16 * 1024]
        };
        for &data in sizes {
            check_one_shot_body_reader(scheme.clone(), data);
            checked += 1;
        }
    }
    println!("allocations: {checked} passed, 0 failed");
}

/// One-shot verification of a body-reading `scheme` (Twilio's form, Mailgun's and Linear's
/// JSON, carrying `data` bytes of text): ten times, matched and tampered, and fails if anything
/// allocated.
fn check_one_shot_body_reader(scheme: Scheme, data: usize) {
    const URL: &str = "https://hooks.example.com/twilio/sms";
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let name = scheme.name().to_owned();
    let body = if name == "twilio" {
        let params: Vec<String> = (0..20)
            .map(|index| format!("Param{index}=%2B1415555{index:04}+value"))
            .collect();
        params.join("&").into_bytes()
    } else {
        let data = "x".repeat(data);
        format!(r#"{{"event-data":{{"event":"delivered","tags":[1,true,null],"data":"{data}"}}}}"#)
            .into_bytes()
    };
    let verifier = Verifier::builder(scheme).secret("secret").build().unwrap();
    let delivery = verifier
        .sign_delivery(&body, &SignOptions::at(now).id("token-0123456789").url(URL))
        .unwrap();
    let body = delivery.body().unwrap_or(&body).to_vec();
    let mut tampered = body.clone();
    // The delivery's last hex digit, each time a signed one: in Twilio's last parameter value,
    // Linear's `webhookTimestamp` (its keys are written sorted), Mailgun's token (its body is
    // not signed; the timestamp and token are).
    let at = tampered
        .iter()
        .rposition(|&b| b.is_ascii_hexdigit())
        .unwrap();
    tampered[at] = if tampered[at] == b'0' { b'1' } else { b'0' };
    let headers = delivery.headers();
    let request = Request::new(headers).method("POST").url(URL);
    let _ = verifier.verify(request, &body, now);
    let region = Region::new(GLOBAL);
    for _ in 0..10 {
        assert!(verifier.verify(request, &body, now).is_ok(), "{name}");
    }
    assert_none(&region.change(), &name, "one-shot verification");
    // A mismatch allocates nothing, but Twilio's names the URL it was checked against.
    let region = Region::new(GLOBAL);
    for _ in 0..10 {
        let outcome = verifier.verify(request, &tampered, now);
        let expected = match outcome {
            Err(VerifyError::SignatureMismatchForUrl { .. }) => name == "twilio",
            Err(VerifyError::SignatureMismatch) => name != "twilio",
            _ => false,
        };
        assert!(expected, "{name}: {outcome:?}");
    }
    let stats = region.change();
    let expected = if name == "twilio" { 10 } else { 0 };
    assert_eq!(
        (stats.allocations, stats.reallocations),
        (expected, 0),
        "{name}: a mismatch allocates"
    );
    let len = body.len();
    println!("{name}: 0 allocations in 10 rounds of one-shot verification of {len} bytes");
}

/// One-shot verification of a URL-signing `scheme`, given the URL: ten times, matched,
/// tampered and unsigned, and fails if anything allocated.
fn check_one_shot_with_url(scheme: Scheme, body: &[u8]) {
    const URL: &str = "https://hooks.example.com/webhooks?tenant=7";
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let name = scheme.name().to_owned();
    let verifier = Verifier::builder(scheme)
        .secret("new-secret")
        .secret("old-secret")
        .build()
        .unwrap();
    let signer = Verifier::builder(verifier.scheme().clone())
        .secret("old-secret")
        .build()
        .unwrap();
    let pairs = signer.sign(body, &SignOptions::at(now).url(URL)).unwrap();
    let request = Request::new(&pairs).method("POST").url(URL);
    let unsigned: [(&str, &str); 0] = [];
    let _ = verifier.verify(request, body, now);
    let region = Region::new(GLOBAL);
    for _ in 0..10 {
        assert_eq!(
            verifier.verify(request, body, now).unwrap().secret_index(),
            1
        );
        let unsigned = Request::new(&unsigned).method("POST").url(URL);
        assert!(verifier.verify(unsigned, body, now).is_err());
    }
    assert_none(&region.change(), &name, "one-shot verification");
    // A mismatch names the URL it was checked against: that error's one string.
    let region = Region::new(GLOBAL);
    for _ in 0..10 {
        assert!(matches!(
            verifier.verify(request, &body[1..], now),
            Err(VerifyError::SignatureMismatchForUrl { .. })
        ));
    }
    let stats = region.change();
    assert_eq!(
        (stats.allocations, stats.reallocations),
        (10, 0),
        "{name}: a mismatch allocates its URL once"
    );
    println!("{name}: 0 allocations in 10 rounds of one-shot verification with its URL");
}

/// Verifies a delivery of `scheme` every way, ten times, and fails if anything allocated.
fn check(scheme: Scheme, body: &[u8]) {
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    {
        let name = scheme.name().to_owned();
        // Two secrets, delivery signed by the second: the worst case for rotation.
        let signer = Verifier::builder(scheme.clone())
            .secret("whsec_b2xkLXNlY3JldA==")
            .build()
            .unwrap();
        let verifier = Verifier::builder(scheme)
            .secret("whsec_bmV3LXNlY3JldA==")
            .secret("whsec_b2xkLXNlY3JldA==")
            .build()
            .unwrap();
        let pairs = signer
            .sign(
                body,
                &SignOptions::at(now).id("msg_2b1mrbFbVWTYo8WbMvmoj3gSgvg"),
            )
            .unwrap();
        let mut map = http::HeaderMap::new();
        for (key, value) in &pairs {
            map.append(
                http::HeaderName::from_bytes(key.as_bytes()).unwrap(),
                http::HeaderValue::from_str(value).unwrap(),
            );
        }
        #[cfg(feature = "actix-http")]
        let mut actix_map = actix_http::header::HeaderMap::new();
        #[cfg(feature = "actix-http")]
        for (key, value) in &pairs {
            actix_map.append(
                actix_http::header::HeaderName::from_bytes(key.as_bytes()).unwrap(),
                actix_http::header::HeaderValue::from_str(value).unwrap(),
            );
        }
        let stale = now + Duration::from_secs(7200);
        let unsigned: [(&str, &str); 0] = [];

        // Warm up anything lazily initialised (e.g. CPU feature detection) outside the region.
        let _ = verifier.verify(&map, body, now);

        let region = Region::new(GLOBAL);
        for _ in 0..10 {
            let verified = verifier.verify(&map, body, now).unwrap();
            assert_eq!(verified.secret_index(), 1);
            let verified = verifier.verify(&pairs, body, now).unwrap();
            assert_eq!(verified.secret_index(), 1);
            #[cfg(feature = "actix-http")]
            assert_eq!(
                verifier
                    .verify(&actix_map, body, now)
                    .unwrap()
                    .secret_index(),
                1
            );

            let mut verification = verifier.begin(&map, now).unwrap();
            for chunk in body.chunks(1000) {
                verification.update(chunk);
            }
            verification.finish().unwrap();

            assert_eq!(
                verifier.verify(&map, &body[1..], now),
                Err(VerifyError::SignatureMismatch)
            );
            assert!(verifier.verify(&unsigned, body, now).is_err());
            if verifier.scheme().has_timestamp() {
                assert!(
                    verifier
                        .verify(&map, body, stale)
                        .unwrap_err()
                        .is_timestamp_error()
                );
            }
        }
        assert_none(&region.change(), &name, "verification");
        println!("{name}: 0 allocations in 10 rounds of every call above");
    }
}

/// Fails unless `stats` counts no allocation and no reallocation.
fn assert_none(stats: &Stats, name: &str, what: &str) {
    assert!(
        stats.allocations == 0 && stats.reallocations == 0,
        "{name}: {what} allocated {} times and reallocated {} times",
        stats.allocations,
        stats.reallocations
    );
}
