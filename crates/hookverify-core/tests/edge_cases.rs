//! The security matrix: hostile and odd headers for every scheme.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hookverify_core::{
    Algorithm, Encoding, MAX_HEADER_LEN, MAX_SIGNATURES, Malformation, Part, Scheme, SignOptions,
    Verifier, VerifyError,
};

const NOW: u64 = 1_700_000_000;
const BODY: &[u8] = br#"{"id":"evt_test","type":"ping"}"#;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn stripe() -> Verifier {
    Verifier::stripe("whsec_test-only-secret").unwrap()
}

fn standard() -> Verifier {
    // base64 of "test-only-secret"
    Verifier::standard_webhooks("whsec_dGVzdC1vbmx5LXNlY3JldA==").unwrap()
}

fn github() -> Verifier {
    Verifier::github("test-only-secret").unwrap()
}

fn stripe_v1(verifier: &Verifier, body: &[u8], t: u64) -> String {
    let headers = verifier.sign(body, &SignOptions::at(at(t))).unwrap();
    let value = &headers[0].1;
    value.split_once(",v1=").unwrap().1.to_owned()
}

fn malformed(err: &VerifyError) -> Malformation {
    match err {
        VerifyError::MalformedHeader { problem, .. } => *problem,
        other => panic!("expected a malformed header, got {other:?}"),
    }
}

// ==== all schemes ====

#[test]
fn empty_body_round_trips_for_every_scheme() {
    for verifier in [github(), stripe(), standard()] {
        let headers = verifier
            .sign(b"", &SignOptions::at(at(NOW)).id("msg_1"))
            .unwrap();
        assert!(verifier.verify(&headers, b"", at(NOW)).is_ok());
        assert_eq!(
            verifier.verify(&headers, b" ", at(NOW)),
            Err(VerifyError::SignatureMismatch)
        );
    }
}

#[test]
fn non_utf8_body_round_trips_for_every_scheme() {
    let body = [0xff, 0xfe, 0x00, 0x80, b'{'];
    for verifier in [github(), stripe(), standard()] {
        let headers = verifier
            .sign(&body, &SignOptions::at(at(NOW)).id("msg_1"))
            .unwrap();
        assert!(verifier.verify(&headers, &body, at(NOW)).is_ok());
    }
}

#[test]
fn wrong_secret_is_a_mismatch_for_every_scheme() {
    let pairs = [
        (github(), Verifier::github("other-secret").unwrap()),
        (stripe(), Verifier::stripe("whsec_other").unwrap()),
        (
            standard(),
            Verifier::standard_webhooks("whsec_b3RoZXI=").unwrap(),
        ),
    ];
    for (signer, verifier) in pairs {
        let headers = signer
            .sign(BODY, &SignOptions::at(at(NOW)).id("msg_1"))
            .unwrap();
        assert_eq!(
            verifier.verify(&headers, BODY, at(NOW)),
            Err(VerifyError::SignatureMismatch)
        );
    }
}

#[test]
fn empty_header_is_malformed_for_every_scheme() {
    let cases: [(Verifier, &str); 3] = [
        (github(), "X-Hub-Signature-256"),
        (stripe(), "Stripe-Signature"),
        (standard(), "webhook-signature"),
    ];
    for (verifier, name) in cases {
        let headers = [
            (name, "   "),
            ("webhook-id", "msg_1"),
            ("webhook-timestamp", "1700000000"),
        ];
        let err = verifier.verify(&headers, BODY, at(NOW)).unwrap_err();
        assert_eq!(malformed(&err), Malformation::Empty, "{name}");
        assert_eq!(err.status_code(), 400);
    }
}

#[test]
fn non_ascii_header_bytes_are_malformed_not_a_panic() {
    let mut map = http::HeaderMap::new();
    map.insert(
        "x-hub-signature-256",
        http::HeaderValue::from_bytes(b"sha256=\xff\xfe").unwrap(),
    );
    let err = github().verify(&map, BODY, at(NOW)).unwrap_err();
    assert_eq!(malformed(&err), Malformation::NotAscii);

    let mut map = http::HeaderMap::new();
    map.insert(
        "stripe-signature",
        http::HeaderValue::from_bytes("t=1700000000,v1=é".as_bytes()).unwrap(),
    );
    let err = stripe().verify(&map, BODY, at(NOW)).unwrap_err();
    assert_eq!(malformed(&err), Malformation::NotAscii);

    // Control characters and DEL are not printable either; a tab is.
    for value in ["t=1700000000,\u{1}v1=00", "t=1700000000,v1=00\u{7f}"] {
        let err = stripe()
            .verify(&[("Stripe-Signature", value)], BODY, at(NOW))
            .unwrap_err();
        assert_eq!(malformed(&err), Malformation::NotAscii, "{value:?}");
    }
    let err = stripe()
        .verify(
            &[("Stripe-Signature", "t=1700000000,\tv1=00")],
            BODY,
            at(NOW),
        )
        .unwrap_err();
    assert_ne!(malformed(&err), Malformation::NotAscii);
}

#[test]
fn duplicate_signature_headers_are_rejected_for_every_scheme() {
    for verifier in [github(), stripe(), standard()] {
        let signed = verifier
            .sign(BODY, &SignOptions::at(at(NOW)).id("msg_1"))
            .unwrap();
        let mut headers = signed.clone();
        // Repeat the signature header (the last one each scheme emits).
        headers.push(signed.last().unwrap().clone());
        let err = verifier.verify(&headers, BODY, at(NOW)).unwrap_err();
        assert!(
            matches!(err, VerifyError::DuplicateHeader { .. }),
            "{}: {err:?}",
            verifier.scheme().name()
        );
        assert_eq!(err.status_code(), 400);
    }
}

#[test]
fn header_names_are_case_insensitive() {
    let verifier = standard();
    let signed = verifier
        .sign(BODY, &SignOptions::at(at(NOW)).id("msg_1"))
        .unwrap();
    let shouted: Vec<(String, String)> = signed
        .iter()
        .map(|(k, v)| (k.to_ascii_uppercase(), v.clone()))
        .collect();
    assert!(verifier.verify(&shouted, BODY, at(NOW)).is_ok());
}

#[test]
fn overlong_headers_are_rejected_before_parsing() {
    let long = format!("t=1700000000,v1={}", "0".repeat(MAX_HEADER_LEN));
    let err = stripe()
        .verify(&[("Stripe-Signature", long.as_str())], BODY, at(NOW))
        .unwrap_err();
    assert!(matches!(
        err,
        VerifyError::HeaderTooLong {
            max: MAX_HEADER_LEN,
            ..
        }
    ));
}

#[test]
fn tampered_body_chunk_boundary_does_not_matter() {
    let verifier = stripe();
    let headers = verifier.sign(BODY, &SignOptions::at(at(NOW))).unwrap();
    for split in 0..=BODY.len() {
        let mut verification = verifier.begin(&headers, at(NOW)).unwrap();
        verification.update(&BODY[..split]);
        verification.update(&[]);
        verification.update(&BODY[split..]);
        assert!(verification.finish().is_ok(), "split at {split}");
    }
}

// ==== GitHub ====

#[test]
fn github_accepts_upper_case_hex() {
    let verifier = github();
    let headers = verifier.sign(BODY, &SignOptions::at(at(NOW))).unwrap();
    let upper = headers[0].1.replace("sha256=", "").to_ascii_uppercase();
    let value = format!("sha256={upper}");
    assert!(
        verifier
            .verify(&[("X-Hub-Signature-256", value.as_str())], BODY, at(NOW))
            .is_ok()
    );
}

#[test]
fn github_prefix_is_case_sensitive() {
    let verifier = github();
    let headers = verifier.sign(BODY, &SignOptions::at(at(NOW))).unwrap();
    let value = headers[0].1.replace("sha256=", "SHA256=");
    let err = verifier
        .verify(&[("X-Hub-Signature-256", value.as_str())], BODY, at(NOW))
        .unwrap_err();
    assert_eq!(malformed(&err), Malformation::MissingPrefix);
}

#[test]
fn github_rejects_truncated_empty_and_overlong_tags() {
    let verifier = github();
    let headers = verifier.sign(BODY, &SignOptions::at(at(NOW))).unwrap();
    let hex = headers[0].1.trim_start_matches("sha256=").to_owned();
    for tag in [&hex[..62], "", &format!("{hex}00")] {
        let value = format!("sha256={tag}");
        let err = verifier
            .verify(&[("X-Hub-Signature-256", value.as_str())], BODY, at(NOW))
            .unwrap_err();
        assert!(
            matches!(
                malformed(&err),
                Malformation::WrongTagLength { expected: 32, .. }
            ),
            "{tag}: {err:?}"
        );
    }
    let odd = format!("sha256={}", &hex[..63]);
    assert!(
        verifier
            .verify(&[("X-Hub-Signature-256", odd.as_str())], BODY, at(NOW))
            .is_err()
    );
}

#[test]
fn github_ignores_the_legacy_sha1_header_unless_asked() {
    let legacy = Verifier::builder(Scheme::github_legacy_sha1())
        .secret("test-only-secret")
        .build()
        .unwrap();
    let headers = legacy.sign(BODY, &SignOptions::at(at(NOW))).unwrap();
    assert_eq!(headers[0].0, "X-Hub-Signature");
    assert!(headers[0].1.starts_with("sha1="));
    assert!(legacy.verify(&headers, BODY, at(NOW)).is_ok());
    // The SHA-256 verifier does not fall back to it.
    let err = github().verify(&headers, BODY, at(NOW)).unwrap_err();
    assert!(matches!(err, VerifyError::MissingSignature { .. }));
    assert_eq!(err.status_code(), 401);
}

// ==== Stripe ====

#[test]
fn stripe_accepts_whitespace_around_pairs() {
    let verifier = stripe();
    let v1 = stripe_v1(&verifier, BODY, NOW);
    let value = format!(" t=1700000000 ,  v1={v1}\t");
    assert!(
        verifier
            .verify(&[("Stripe-Signature", value.as_str())], BODY, at(NOW))
            .is_ok()
    );
}

#[test]
fn stripe_rejects_a_duplicate_timestamp() {
    let verifier = stripe();
    let v1 = stripe_v1(&verifier, BODY, NOW);
    let value = format!("t=1700000000,t=1700000000,v1={v1}");
    let err = verifier
        .verify(&[("Stripe-Signature", value.as_str())], BODY, at(NOW))
        .unwrap_err();
    assert_eq!(malformed(&err), Malformation::DuplicateTimestamp);
}

#[test]
fn stripe_requires_a_timestamp() {
    let verifier = stripe();
    let v1 = stripe_v1(&verifier, BODY, NOW);
    let value = format!("v1={v1}");
    let err = verifier
        .verify(&[("Stripe-Signature", value.as_str())], BODY, at(NOW))
        .unwrap_err();
    assert_eq!(malformed(&err), Malformation::MissingTimestamp);
}

#[test]
fn stripe_accepts_when_only_the_last_or_only_the_first_signature_matches() {
    let verifier = stripe();
    let good = stripe_v1(&verifier, BODY, NOW);
    let bad = "0".repeat(64);
    for value in [
        format!("t=1700000000,v1={bad},v1={bad},v1={good}"),
        format!("t=1700000000,v1={good},v1={bad},v0={bad}"),
    ] {
        assert!(
            verifier
                .verify(&[("Stripe-Signature", value.as_str())], BODY, at(NOW))
                .is_ok(),
            "{value}"
        );
    }
}

#[test]
fn stripe_accepts_sixteen_signatures_and_rejects_seventeen() {
    let verifier = stripe();
    let good = stripe_v1(&verifier, BODY, NOW);
    let mut value = String::from("t=1700000000");
    for _ in 0..MAX_SIGNATURES - 1 {
        write!(value, ",v1={}", "0".repeat(64)).unwrap();
    }
    write!(value, ",v1={good}").unwrap();
    assert!(
        verifier
            .verify(&[("Stripe-Signature", value.as_str())], BODY, at(NOW))
            .is_ok()
    );
    value.push_str(",v0=00");
    let err = verifier
        .verify(&[("Stripe-Signature", value.as_str())], BODY, at(NOW))
        .unwrap_err();
    assert_eq!(
        err,
        VerifyError::TooManySignatures {
            header: "Stripe-Signature".into(),
            max: MAX_SIGNATURES
        }
    );
}

#[test]
fn stripe_tolerance_boundary_is_inclusive_in_both_directions() {
    let verifier = stripe();
    let headers = verifier.sign(BODY, &SignOptions::at(at(NOW))).unwrap();
    assert!(verifier.verify(&headers, BODY, at(NOW + 300)).is_ok());
    assert!(verifier.verify(&headers, BODY, at(NOW - 300)).is_ok());
    assert_eq!(
        verifier.verify(&headers, BODY, at(NOW + 301)),
        Err(VerifyError::TimestampTooOld {
            timestamp: NOW,
            age: 301,
            tolerance: 300
        })
    );
    assert_eq!(
        verifier.verify(&headers, BODY, at(NOW - 301)),
        Err(VerifyError::TimestampInFuture {
            timestamp: NOW,
            ahead: 301,
            tolerance: 300
        })
    );
}

#[test]
fn stripe_huge_and_overflowing_timestamps_are_errors_not_panics() {
    let verifier = stripe();
    // Timestamps are held in milliseconds: u64::MAX / 1000 seconds is the last one that fits.
    for t in ["18446744073709551", "99999999999999", "0"] {
        let value = format!("t={t},v1={}", "0".repeat(64));
        let err = verifier
            .verify(&[("Stripe-Signature", value.as_str())], BODY, at(NOW))
            .unwrap_err();
        assert!(err.is_timestamp_error(), "{t}: {err:?}");
    }
    for t in ["18446744073709552", "18446744073709551616", "-1", "1e9", ""] {
        let value = format!("t={t},v1={}", "0".repeat(64));
        let err = verifier
            .verify(&[("Stripe-Signature", value.as_str())], BODY, at(NOW))
            .unwrap_err();
        assert_eq!(malformed(&err), Malformation::InvalidTimestamp, "{t}");
    }
    // A clock far in the future or before the epoch is handled too.
    let headers = verifier.sign(BODY, &SignOptions::at(at(NOW))).unwrap();
    assert!(
        verifier
            .verify(&headers, BODY, UNIX_EPOCH - Duration::from_secs(1))
            .is_err()
    );
    assert!(verifier.verify(&headers, BODY, at(u64::MAX / 4)).is_err());
}

#[test]
fn stripe_bit_flip_in_the_timestamp_is_rejected() {
    let verifier = stripe();
    let v1 = stripe_v1(&verifier, BODY, NOW);
    let value = format!("t=1700000001,v1={v1}");
    assert_eq!(
        verifier.verify(&[("Stripe-Signature", value.as_str())], BODY, at(NOW)),
        Err(VerifyError::SignatureMismatch)
    );
}

#[test]
fn stripe_tolerance_is_configurable_and_can_only_be_skipped_by_name() {
    let headers = stripe().sign(BODY, &SignOptions::at(at(NOW))).unwrap();
    let strict = Verifier::builder(Scheme::stripe())
        .secret("whsec_test-only-secret")
        .tolerance(Duration::from_secs(10))
        .build()
        .unwrap();
    assert!(strict.verify(&headers, BODY, at(NOW + 11)).is_err());
    let lax = Verifier::builder(Scheme::stripe())
        .secret("whsec_test-only-secret")
        .insecure_skip_timestamp_check()
        .build()
        .unwrap();
    assert!(lax.verify(&headers, BODY, at(NOW + 10_000_000)).is_ok());
    assert_eq!(lax.tolerance(), None);
}

// ==== Standard Webhooks ====

#[test]
fn standard_webhooks_accepts_svix_header_names() {
    let verifier = standard();
    let signed = verifier
        .sign(BODY, &SignOptions::at(at(NOW)).id("msg_1"))
        .unwrap();
    let svix: Vec<(String, String)> = signed
        .iter()
        .map(|(k, v)| (k.replace("webhook-", "svix-"), v.clone()))
        .collect();
    let verified = verifier.verify(&svix, BODY, at(NOW)).unwrap();
    assert_eq!(verified.id(), Some("msg_1"));
}

#[test]
fn standard_webhooks_never_mixes_the_two_header_families() {
    let verifier = standard();
    let signed = verifier
        .sign(BODY, &SignOptions::at(at(NOW)).id("msg_1"))
        .unwrap();
    // A valid svix- set plus a lone webhook-signature: the webhook- family is chosen and it
    // lacks its id, rather than borrowing svix-id.
    let mut headers: Vec<(String, String)> = signed
        .iter()
        .map(|(k, v)| (k.replace("webhook-", "svix-"), v.clone()))
        .collect();
    headers.push(("webhook-signature".into(), signed[2].1.clone()));
    let err = verifier.verify(&headers, BODY, at(NOW)).unwrap_err();
    assert!(matches!(err, VerifyError::MissingHeader { ref header } if &**header == "webhook-id"));
}

#[test]
fn standard_webhooks_requires_each_header_in_turn() {
    let verifier = standard();
    let signed = verifier
        .sign(BODY, &SignOptions::at(at(NOW)).id("msg_1"))
        .unwrap();
    for skip in 0..3 {
        let headers: Vec<_> = signed
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, pair)| pair.clone())
            .collect();
        let err = verifier.verify(&headers, BODY, at(NOW)).unwrap_err();
        let expected = if skip == 2 { 401 } else { 400 };
        assert_eq!(
            err.status_code(),
            expected,
            "without {}: {err:?}",
            signed[skip].0
        );
    }
}

#[test]
fn standard_webhooks_rejects_wrong_length_base64() {
    let verifier = standard();
    for tag in ["AAAA", "", &"A".repeat(60)] {
        let value = format!("v1,{tag}");
        let headers = [
            ("webhook-id", "msg_1"),
            ("webhook-timestamp", "1700000000"),
            ("webhook-signature", value.as_str()),
        ];
        let err = verifier.verify(&headers, BODY, at(NOW)).unwrap_err();
        assert!(
            matches!(
                malformed(&err),
                Malformation::WrongTagLength { .. } | Malformation::InvalidBase64
            ),
            "{tag}: {err:?}"
        );
    }
}

/// The libraries (standardwebhooks and svix, Python and Node) accept a good `v1` entry beside a
/// junk one; so does hookverify. The signature is what those SDKs compute for this delivery
/// (found by the interop suite, `tests/interop/README.md`, item 7).
#[test]
fn standard_webhooks_passes_over_a_junk_entry_beside_a_good_one() {
    let verifier = Verifier::standard_webhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let headers = [
        ("webhook-id", "msg_1"),
        ("webhook-timestamp", "1700000000"),
        (
            "webhook-signature",
            "v1,AAAA v1,YvZ0WbZa1/aSr6rYI+WcCNp6iQc1VGsNE8L2cBNlvT4=",
        ),
    ];
    let verified = verifier.verify(&headers, br#"{"id":"evt_1"}"#, at(1_700_000_000));
    assert!(verified.is_ok(), "{verified:?}");
}

/// A lone well-formed entry is read without splitting (the fast path); the same entry with
/// spaces around it, or beside an unprintable one, is read entry by entry as before.
#[test]
fn standard_webhooks_reads_a_lone_entry_like_a_list_of_one() {
    let verifier = Verifier::standard_webhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let good = "v1,YvZ0WbZa1/aSr6rYI+WcCNp6iQc1VGsNE8L2cBNlvT4=";
    let verify = |value: &str| {
        let headers = [
            ("webhook-id", "msg_1"),
            ("webhook-timestamp", "1700000000"),
            ("webhook-signature", value),
        ];
        verifier.verify(&headers, br#"{"id":"evt_1"}"#, at(1_700_000_000))
    };
    assert!(verify(good).is_ok());
    assert!(verify(&format!("  {good}\t")).is_ok());
    assert!(verify(&format!("{good}  v1a,AAAA")).is_ok());
    let err = verify(&format!("{good} v2,\u{7f}")).unwrap_err();
    assert_eq!(malformed(&err), Malformation::NotAscii);
    let tampered = good.replace("YvZ0", "YvZ1");
    assert_eq!(
        verify(&tampered).unwrap_err(),
        VerifyError::SignatureMismatch
    );
}

#[test]
fn standard_webhooks_rejects_seventeen_signatures() {
    let verifier = standard();
    let value =
        vec!["v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; MAX_SIGNATURES + 1].join(" ");
    let headers = [
        ("webhook-id", "msg_1"),
        ("webhook-timestamp", "1700000000"),
        ("webhook-signature", value.as_str()),
    ];
    let err = verifier.verify(&headers, BODY, at(NOW)).unwrap_err();
    assert!(matches!(
        err,
        VerifyError::TooManySignatures { max: 16, .. }
    ));
}

#[test]
fn standard_webhooks_bounds_the_id() {
    let verifier = standard();
    let id = "m".repeat(300);
    let headers = [
        ("webhook-id", id.as_str()),
        ("webhook-timestamp", "1700000000"),
        (
            "webhook-signature",
            "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ),
    ];
    let err = verifier.verify(&headers, BODY, at(NOW)).unwrap_err();
    assert_eq!(malformed(&err), Malformation::IdTooLong);
    assert!(
        verifier
            .sign(BODY, &SignOptions::at(at(NOW)).id(&id))
            .is_err()
    );
    assert!(verifier.sign(BODY, &SignOptions::at(at(NOW))).is_err());
}

// ==== rotation ====

#[test]
fn rotation_accepts_either_secret_and_reports_which() {
    let old = Verifier::stripe("whsec_old").unwrap();
    let new = Verifier::stripe("whsec_new").unwrap();
    let both = Verifier::builder(Scheme::stripe())
        .secret("whsec_new")
        .secret("whsec_old")
        .build()
        .unwrap();
    let by_new = new.sign(BODY, &SignOptions::at(at(NOW))).unwrap();
    let by_old = old.sign(BODY, &SignOptions::at(at(NOW))).unwrap();
    assert_eq!(
        both.verify(&by_new, BODY, at(NOW)).unwrap().secret_index(),
        0
    );
    assert_eq!(
        both.verify(&by_old, BODY, at(NOW)).unwrap().secret_index(),
        1
    );
    // Signing uses the first secret.
    assert_eq!(both.sign(BODY, &SignOptions::at(at(NOW))).unwrap(), by_new);
}

// ==== generic HMAC ====

#[test]
fn generic_scheme_supports_every_algorithm_and_encoding() {
    for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
        for encoding in [Encoding::Hex, Encoding::Base64, Encoding::Base64Url] {
            let scheme = Scheme::hmac("X-Signature")
                .prefix("v1=")
                .algorithm(algorithm)
                .encoding(encoding)
                .id_header("X-Id")
                .timestamp_header("X-Timestamp")
                .signed_content([Part::Id, Part::literal(":"), Part::Body, Part::Timestamp])
                .build()
                .unwrap();
            let verifier = Verifier::builder(scheme).secret("s3cret").build().unwrap();
            let headers = verifier
                .sign(BODY, &SignOptions::at(at(NOW)).id("abc"))
                .unwrap();
            let verified = verifier.verify(&headers, BODY, at(NOW)).unwrap();
            assert_eq!(verified.id(), Some("abc"));
            assert_eq!(verified.timestamp(), Some(at(NOW)));
            assert_eq!(
                verifier.verify(&headers, b"x", at(NOW)),
                Err(VerifyError::SignatureMismatch),
                "{algorithm:?} {encoding:?}"
            );
        }
    }
}

#[test]
fn error_messages_never_contain_the_secret_or_the_expected_tag() {
    let verifier = github();
    let headers = verifier.sign(BODY, &SignOptions::at(at(NOW))).unwrap();
    let expected_tag = headers[0].1.trim_start_matches("sha256=").to_owned();
    let forged = format!("sha256={}", "1".repeat(64));
    let err = verifier
        .verify(&[("X-Hub-Signature-256", forged.as_str())], BODY, at(NOW))
        .unwrap_err();
    for text in [err.to_string(), format!("{err:?}"), format!("{verifier:?}")] {
        assert!(!text.contains("test-only-secret"), "{text}");
        assert!(!text.contains(&expected_tag), "{text}");
    }
}
