//! Properties over random secrets, bodies, timestamps, ids and chunkings, for every scheme.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hookverify_core::{
    Algorithm, Encoding, Headers, Part, Scheme, Secret, SignOptions, Verifier, VerifyError,
};
use proptest::prelude::*;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// Every scheme, including generic ones with a timestamp after the body and an id.
fn schemes() -> Vec<Scheme> {
    vec![
        Scheme::github(),
        Scheme::github_legacy_sha1(),
        Scheme::stripe(),
        Scheme::standard_webhooks(),
        Scheme::hmac("X-Signature")
            .algorithm(Algorithm::Sha512)
            .encoding(Encoding::Base64Url)
            .timestamp_header("X-Timestamp")
            .id_header("X-Id")
            .signed_content([Part::Timestamp, Part::Body, Part::literal("|"), Part::Id])
            .build()
            .unwrap(),
        Scheme::hmac("X-Slack-Signature")
            .prefix("v0=")
            .timestamp_header("X-Slack-Request-Timestamp")
            .signed_content([
                Part::literal("v0:"),
                Part::Timestamp,
                Part::literal(":"),
                Part::Body,
            ])
            .build()
            .unwrap(),
    ]
}

fn scheme() -> impl Strategy<Value = Scheme> {
    (0..schemes().len()).prop_map(|index| schemes().swap_remove(index))
}

fn verifier(scheme: Scheme, secret: &[u8]) -> Verifier {
    Verifier::builder(scheme)
        .raw_secret(Secret::from_bytes(secret).unwrap())
        .build()
        .unwrap()
}

/// Splits `body` at the given (sorted, deduplicated) cut points and streams it.
fn streamed<H: Headers + ?Sized>(
    verifier: &Verifier,
    headers: &H,
    body: &[u8],
    cuts: &[usize],
    now: SystemTime,
) -> Result<hookverify_core::Verified, VerifyError> {
    let mut verification = verifier.begin(headers, now)?;
    let mut cuts: Vec<usize> = cuts.iter().map(|cut| cut % (body.len() + 1)).collect();
    cuts.sort_unstable();
    let mut start = 0;
    for cut in cuts {
        verification.update(&body[start..cut]);
        start = cut;
    }
    verification.update(&body[start..]);
    verification.finish()
}

const ID_CHARS: &str = "[!-~]{1,64}";

/// The bits a header flip may touch: never bit 5, which only changes the case of a letter (hex
/// is case-insensitive by design), nor bit 7, so the value stays ASCII.
const BITS: [u8; 6] = [0, 1, 2, 3, 4, 6];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sign_then_verify_round_trips_with_any_chunking(
        scheme in scheme(),
        secret in prop::collection::vec(any::<u8>(), 1..80),
        body in prop::collection::vec(any::<u8>(), 0..600),
        timestamp in 0u64..4_000_000_000,
        id in ID_CHARS,
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        let verifier = verifier(scheme, &secret);
        let headers = verifier.sign(&body, &SignOptions::at(at(timestamp)).id(&id)).unwrap();
        let one_shot = verifier.verify(&headers, &body, at(timestamp));
        prop_assert!(one_shot.is_ok(), "{:?}", one_shot);
        let by_chunks = streamed(&verifier, &headers, &body, &cuts, at(timestamp));
        prop_assert_eq!(one_shot, by_chunks);
    }

    #[test]
    fn flipping_any_body_bit_is_rejected(
        scheme in scheme(),
        secret in prop::collection::vec(any::<u8>(), 1..40),
        body in prop::collection::vec(any::<u8>(), 1..300),
        bit in any::<prop::sample::Index>(),
    ) {
        let verifier = verifier(scheme, &secret);
        let now = at(1_700_000_000);
        let headers = verifier.sign(&body, &SignOptions::at(now).id("msg_1")).unwrap();
        let mut tampered = body.clone();
        let bit = bit.index(body.len() * 8);
        tampered[bit / 8] ^= 1 << (bit % 8);
        prop_assert_eq!(
            verifier.verify(&headers, &tampered, now),
            Err(VerifyError::SignatureMismatch)
        );
    }

    #[test]
    fn flipping_any_bit_of_any_signed_header_is_rejected(
        scheme in scheme(),
        secret in prop::collection::vec(any::<u8>(), 1..40),
        body in prop::collection::vec(any::<u8>(), 0..100),
        which in any::<prop::sample::Index>(),
        bit in any::<prop::sample::Index>(),
    ) {
        let verifier = verifier(scheme, &secret);
        let now = at(1_700_000_000);
        let headers = verifier.sign(&body, &SignOptions::at(now).id("msg_1")).unwrap();
        let mut tampered = headers.clone();
        let (name, value) = &mut tampered[which.index(headers.len())];
        let mut bytes = std::mem::take(value).into_bytes();
        let bit = bit.index(bytes.len() * BITS.len());
        bytes[bit / BITS.len()] ^= 1 << BITS[bit % BITS.len()];
        *value = String::from_utf8(bytes).unwrap();
        let name = name.clone();
        let outcome = verifier.verify(&tampered, &body, now);
        prop_assert!(outcome.is_err(), "{}: {:?} accepted", name, tampered);
    }

    #[test]
    fn arbitrary_header_values_never_panic_and_never_verify(
        scheme in scheme(),
        values in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 3),
        body in prop::collection::vec(any::<u8>(), 0..64),
        now in any::<u64>(),
    ) {
        let verifier = verifier(scheme, b"secret");
        let names = [
            "X-Hub-Signature-256", "X-Hub-Signature", "Stripe-Signature", "webhook-id",
            "webhook-timestamp", "webhook-signature", "X-Signature", "X-Timestamp", "X-Id",
            "X-Slack-Signature", "X-Slack-Request-Timestamp",
        ];
        let headers: Vec<(&str, &[u8])> = names
            .iter()
            .enumerate()
            .map(|(i, name)| (*name, values[i % 3].as_slice()))
            .collect();
        let now = UNIX_EPOCH.checked_add(Duration::from_secs(now)).unwrap_or(UNIX_EPOCH);
        prop_assert!(verifier.verify(&headers, &body, now).is_err());
    }
}
