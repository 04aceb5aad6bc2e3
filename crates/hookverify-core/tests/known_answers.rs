//! Known-answer tests: every vector of the providers' own docs and SDK tests (see
//! `tests/data/README.md`), through every way core verifies.
//!
//! Each vector is verified one-shot, streamed in 7-byte chunks, streamed whole, and buffered
//! (`BufferedVerification`, as the adapters do); all four must agree. Valid vectors must pass,
//! each negative one must fail with the error recorded for it.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use hookverify_core::{Request, Scheme, Verified, Verifier, VerifyError};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Vector {
    id: String,
    provider: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    public_key: Option<String>,
    #[serde(default)]
    additional_secrets: Vec<String>,
    headers: Vec<(String, String)>,
    body: String,
    #[serde(default)]
    now: Option<u64>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    url: Option<String>,
    expected: String,
    /// For the repository's own vectors: the error a negative one must produce.
    #[serde(default)]
    error: Option<String>,
    /// The key that must match, when not the first.
    #[serde(default)]
    secret_index: Option<usize>,
}

fn parse(text: &str) -> Vec<Vector> {
    // Headers are a JSON object; keep them as ordered pairs.
    let raw: Vec<serde_json::Value> = serde_json::from_str(text).expect("vectors parse");
    raw.into_iter()
        .map(|mut value| {
            let headers = value["headers"]
                .as_object()
                .expect("headers is an object")
                .iter()
                .map(|(k, v)| serde_json::Value::Array(vec![k.clone().into(), v.clone()]))
                .collect();
            value["headers"] = serde_json::Value::Array(headers);
            serde_json::from_value(value).expect("vector has the documented fields")
        })
        .collect()
}

/// The shared vectors, verbatim, then the repository's own.
fn load() -> Vec<Vector> {
    let mut vectors = parse(include_str!("data/vectors.json"));
    vectors.extend(parse(include_str!("data/extra-vectors.json")));
    vectors
}

/// The preset a vector's provider names.
fn preset(provider: &str) -> Scheme {
    let name = match provider {
        "standardwebhooks" => "standard-webhooks",
        other => other,
    };
    Scheme::preset(name).unwrap_or_else(|| panic!("no preset for provider {provider}"))
}

/// The verifier a receiver of this provider would configure.
fn verifier_for(vector: &Vector) -> Verifier {
    let mut builder = Verifier::builder(preset(&vector.provider));
    builder = match &vector.public_key {
        Some(key) => builder.public_key(key),
        None => builder.secret(&vector.secret),
    };
    for secret in &vector.additional_secrets {
        builder = builder.secret(secret);
    }
    builder
        .build()
        .unwrap_or_else(|err| panic!("{}: {err}", vector.id))
}

/// The error a negative vector of the shared set must produce, as `Variant` or
/// `Variant:Problem`.
const SHARED_ERRORS: &[(&str, &str)] = &[
    ("github-002", "SignatureMismatch"),
    ("github-003", "SignatureMismatch"),
    ("github-005", "MalformedHeader:MissingPrefix"),
    ("github-006", "MalformedHeader:WrongTagLength"),
    ("github-007", "SignatureMismatch"),
    ("github-010", "SignatureMismatch"),
    ("stripe-015", "TimestampTooOld"),
    ("stripe-018", "NoSupportedSignature"),
    ("stripe-025", "MalformedHeader:InvalidElement"),
    ("standardwebhooks-035", "SignatureMismatch"),
    ("standardwebhooks-038", "SignatureMismatch"),
    ("standardwebhooks-041", "TimestampTooOld"),
    ("standardwebhooks-042", "TimestampInFuture"),
    ("standardwebhooks-043", "SignatureMismatch"),
    ("standardwebhooks-044", "SignatureMismatch"),
    ("standardwebhooks-045", "MissingHeader"),
    ("standardwebhooks-046", "SignatureMismatch"),
    // Tags are compared as bytes, so a non-canonical base64 spelling of the right tag would
    // match if decoded leniently; it is decoded strictly and rejected as malformed.
    ("standardwebhooks-047", "MalformedHeader:InvalidBase64"),
    ("standardwebhooks-048", "MalformedHeader:InvalidTimestamp"),
    ("standardwebhooks-051", "NoSupportedSignature"),
    ("slack-060", "SignatureMismatch"),
    ("slack-062", "TimestampTooOld"),
    ("slack-063", "TimestampInFuture"),
    ("slack-064", "MalformedHeader:MissingPrefix"),
    ("slack-065", "MalformedHeader:InvalidTimestamp"),
    ("twilio-074", "SignatureMismatchForUrl"),
    ("twilio-075", "SignatureMismatchForUrl"),
    ("twilio-076", "SignatureMismatchForUrl"),
    ("gitlab-081", "SignatureMismatch"),
    ("gitlab-082", "MissingSignature"),
    ("paddle-088", "SignatureMismatch"),
    ("paddle-089", "SignatureMismatch"),
    ("paddle-094", "TimestampTooOld"),
    ("paddle-095", "SignatureMismatch"),
    ("paddle-096", "SignatureMismatch"),
    ("paddle-099", "MalformedHeader:InvalidElement"),
    ("square-101", "SignatureMismatchForUrl"),
    ("square-102", "SignatureMismatchForUrl"),
    ("square-103", "MalformedHeader:WrongTagLength"),
    ("square-104", "SignatureMismatchForUrl"),
    ("square-105", "SignatureMismatchForUrl"),
    // HubSpot refuses from five minutes old, exclusive (hubspot-api-python).
    ("hubspot-v3-123", "TimestampTooOld"),
    ("hubspot-v3-124", "SignatureMismatchForUrl"),
    ("hubspot-v3-125", "SignatureMismatchForUrl"),
    // An old Zendesk page's example, which signs body then timestamp: not the current scheme.
    ("zendesk-140", "SignatureMismatch"),
    ("sendgrid-161", "SignatureMismatch"),
    ("sendgrid-162", "SignatureMismatch"),
];

/// `Variant` or `Variant:Problem`, from the error's `Debug`.
fn describe(error: &VerifyError) -> String {
    let debug = format!("{error:?}");
    let variant = debug
        .split([' ', '{', '('])
        .next()
        .unwrap_or_default()
        .to_owned();
    match error {
        VerifyError::MalformedHeader { problem, .. }
        | VerifyError::MalformedField { problem, .. } => {
            let problem = format!("{problem:?}");
            let problem = problem.split([' ', '{']).next().unwrap_or_default();
            format!("{variant}:{problem}")
        }
        _ => variant,
    }
}

/// Verifies `vector` through every path; they must agree.
fn outcome(vector: &Vector) -> Result<Verified, VerifyError> {
    let verifier = verifier_for(vector);
    let now = UNIX_EPOCH + Duration::from_secs(vector.now.unwrap_or(1_700_000_000));
    let body = vector.body.as_bytes();
    let mut request = Request::new(&vector.headers);
    if let Some(method) = &vector.method {
        request = request.method(method);
    }
    if let Some(url) = &vector.url {
        request = request.url(url);
    }
    let one_shot = verifier.verify(request, body, now);
    for chunk in [7, body.len().max(1)] {
        let streamed = verifier.begin(request, now).and_then(|mut verification| {
            for piece in body.chunks(chunk) {
                verification.update(piece);
            }
            verification.finish()
        });
        assert_eq!(
            one_shot, streamed,
            "{}: streaming in {chunk} disagrees",
            vector.id
        );
    }
    let buffered = verifier
        .begin(request, now)
        .and_then(|verification| verification.buffered(1 << 20, None))
        .and_then(|mut buffered| {
            for piece in body.chunks(5) {
                buffered.push(Bytes::copy_from_slice(piece))?;
            }
            buffered.finish().map(|(verified, _)| verified)
        });
    assert_eq!(one_shot, buffered, "{}: buffering disagrees", vector.id);
    one_shot
}

#[test]
fn every_vector_gives_its_expected_outcome() {
    let vectors = load();
    let shared: BTreeMap<&str, &str> = SHARED_ERRORS.iter().copied().collect();
    let mut per_preset: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut wrong = Vec::new();
    for vector in &vectors {
        let outcome = outcome(vector);
        let preset = preset(&vector.provider).name().to_owned();
        let counts = per_preset.entry(preset).or_default();
        match (vector.expected.as_str(), &outcome) {
            ("valid", Ok(verified)) => {
                counts.0 += 1;
                let index = vector.secret_index.unwrap_or(0);
                if verified.secret_index() != index {
                    wrong.push(format!(
                        "{}: key {} matched",
                        vector.id,
                        verified.secret_index()
                    ));
                }
            }
            ("valid", Err(err)) => {
                wrong.push(format!("{}: valid vector rejected: {err:?}", vector.id));
            }
            ("invalid", Ok(_)) => wrong.push(format!("{}: invalid vector accepted", vector.id)),
            ("invalid", Err(err)) => {
                counts.1 += 1;
                let expected = vector
                    .error
                    .as_deref()
                    .or_else(|| shared.get(vector.id.as_str()).copied());
                let got = describe(err);
                if expected != Some(got.as_str()) {
                    wrong.push(format!(
                        "{}: got {got}, expected {expected:?} ({err})",
                        vector.id
                    ));
                }
            }
            (other, _) => wrong.push(format!("{}: unknown expectation {other}", vector.id)),
        }
    }
    assert!(
        wrong.is_empty(),
        "{} vectors wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    for (preset, (valid, invalid)) in &per_preset {
        println!("{preset:22} {valid:3} valid, {invalid:3} invalid");
    }
    let presets: BTreeSet<&str> = Scheme::presets()
        .iter()
        .map(hookverify_core::Preset::name)
        .collect();
    let covered: BTreeSet<&str> = per_preset.keys().map(String::as_str).collect();
    assert_eq!(presets, covered, "every preset has vectors");
    assert_eq!(vectors.len(), 85 + 73);
}

/// A verifier of `vector`'s preset whose keys are all wrong.
fn wrong_verifier(vector: &Vector) -> Verifier {
    let scheme = preset(&vector.provider);
    let mut builder = Verifier::builder(scheme.clone());
    if vector.public_key.is_some() {
        // Another key of the same algorithm.
        let key = match vector.provider.as_str() {
            "sendgrid" => hookverify_core::PublicKey::p256_spki(
                "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==",
            ),
            _ => Ok(hookverify_core::SigningKey::ed25519_hex(&"02".repeat(32))
                .unwrap()
                .public_key()),
        };
        return builder.raw_public_key(key.unwrap()).build().unwrap();
    }
    let keys = 1 + vector.additional_secrets.len();
    for index in 0..keys {
        builder = if matches!(
            vector.provider.as_str(),
            "standardwebhooks" | "svix" | "gitlab-signing-token"
        ) {
            builder.secret(&format!("whsec_d3JvbmctdGVzdC1rZXktbnVtYmVyLQ{index}="))
        } else {
            builder.secret(&format!("{}-wrong-{index}", vector.secret))
        };
    }
    builder.build().unwrap()
}

#[test]
fn derived_negatives_and_boundaries_hold_for_every_valid_vector() {
    for vector in load().iter().filter(|v| v.expected == "valid") {
        let id = &vector.id;
        let verified = outcome(vector).unwrap();
        let scheme = preset(&vector.provider);
        let now = UNIX_EPOCH + Duration::from_secs(vector.now.unwrap_or(1_700_000_000));
        let mut request = Request::new(&vector.headers);
        if let Some(method) = &vector.method {
            request = request.method(method);
        }
        if let Some(url) = &vector.url {
            request = request.url(url);
        }
        let body = vector.body.as_bytes();

        // The wrong key.
        let wrong = wrong_verifier(vector).verify(request, body, now);
        assert!(wrong.is_err(), "{id}: verified with a wrong key");

        // A tampered body, where the body is signed: GitLab's token signs nothing, Mailgun
        // signs its fields alone.
        if !matches!(vector.provider.as_str(), "gitlab" | "mailgun") {
            let mut tampered = body.to_vec();
            match tampered.last_mut() {
                Some(last) => *last ^= 0x01,
                None => tampered.push(b'x'),
            }
            let verifier = verifier_for(vector);
            assert!(
                verifier.verify(request, &tampered, now).is_err(),
                "{id}: verified with a tampered body"
            );
        }

        // The tolerance's edges, in both directions.
        if let Some(timestamp) = verified.timestamp() {
            let verifier = verifier_for(vector);
            let tolerance = verifier.tolerance().unwrap();
            let inclusive = scheme.info().unwrap().tolerance_is_inclusive();
            let edge = if inclusive {
                tolerance
            } else {
                tolerance.checked_sub(Duration::from_millis(1)).unwrap()
            };
            let at = |when| verifier.verify(request, body, when);
            assert!(
                at(timestamp + edge).is_ok(),
                "{id}: refused at the tolerance"
            );
            assert!(
                matches!(
                    at(timestamp + edge + Duration::from_millis(1)),
                    Err(VerifyError::TimestampTooOld { .. })
                ),
                "{id}: accepted past the tolerance"
            );
            assert!(
                at(timestamp - edge).is_ok(),
                "{id}: refused at the future tolerance"
            );
            assert!(
                matches!(
                    at(timestamp - edge - Duration::from_millis(1)),
                    Err(VerifyError::TimestampInFuture { .. })
                ),
                "{id}: accepted past the future tolerance"
            );
        }

        // A malformed signature header (a control character) is a 400.
        let signature_header = scheme.info().unwrap().headers().first().copied();
        if let Some(name) = signature_header {
            let mut headers = vector.headers.clone();
            if let Some((_, value)) = headers
                .iter_mut()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
            {
                value.push('\u{1}');
                let mut garbled = Request::new(&headers);
                if let Some(method) = &vector.method {
                    garbled = garbled.method(method);
                }
                if let Some(url) = &vector.url {
                    garbled = garbled.url(url);
                }
                let err = verifier_for(vector).verify(garbled, body, now).unwrap_err();
                assert_eq!(err.status_code(), 400, "{id}: {err:?}");
            }
        }
    }
}
