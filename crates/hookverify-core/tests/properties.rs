//! Properties over random secrets, bodies, timestamps, ids and chunkings, for every scheme.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hookverify_core::{
    Algorithm, Encoding, KeyKind, Part, Request, Scheme, SignOptions, Signer, SigningKey, Verified,
    Verifier, VerifyError,
};
use proptest::prelude::*;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// Every preset, and generic schemes with a timestamp after the body and an id.
fn schemes() -> Vec<Scheme> {
    let mut schemes: Vec<Scheme> = Scheme::presets()
        .iter()
        .map(hookverify_core::Preset::scheme)
        .collect();
    schemes.push(
        Scheme::hmac("X-Signature")
            .algorithm(Algorithm::Sha512)
            .encoding(Encoding::Base64Url)
            .timestamp_header("X-Timestamp")
            .id_header("X-Id")
            .signed_content([Part::Timestamp, Part::Body, Part::literal("|"), Part::Id])
            .build()
            .unwrap(),
    );
    schemes.push(
        Scheme::hmac("X-Sig")
            .timestamp_header("X-Ts")
            .signed_content([Part::Method, Part::Url, Part::Body, Part::Timestamp])
            .build()
            .unwrap(),
    );
    schemes
}

fn scheme() -> impl Strategy<Value = Scheme> {
    (0..schemes().len()).prop_map(|index| schemes().swap_remove(index))
}

/// A verifier of `scheme` and a signer whose deliveries it accepts: a shared `secret`, or a
/// key pair of the scheme's algorithm from `seed`.
fn pair(scheme: &Scheme, secret: &str, seed: [u8; 32]) -> (Verifier, Signer) {
    if scheme.key_kind() == KeyKind::PublicKey {
        let key = match scheme.name() {
            "sendgrid" => SigningKey::p256(&const_hex::encode([seed[0] & 0x7f | 1; 32])).unwrap(),
            _ => SigningKey::ed25519_hex(&const_hex::encode(seed)).unwrap(),
        };
        let verifier = Verifier::builder(scheme.clone())
            .raw_public_key(key.public_key())
            .build()
            .unwrap();
        return (
            verifier,
            Signer::with_signing_key(scheme.clone(), &key).unwrap(),
        );
    }
    // Standard Webhooks secrets are base64; every other scheme takes the text as it is.
    let secret = if scheme.parse_secret("whsec_AAAA").is_ok() && scheme.parse_secret("!").is_err() {
        format!(
            "whsec_{}",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, secret)
        )
    } else {
        secret.to_owned()
    };
    let verifier = Verifier::builder(scheme.clone())
        .secret(&secret)
        .build()
        .unwrap();
    (verifier, Signer::new(scheme.clone(), &secret).unwrap())
}

/// A body the scheme can sign: a JSON object for those that sign inside one (Linear,
/// Mailgun), a form of text for Twilio, the raw bytes otherwise.
fn body_for(scheme: &Scheme, bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    match scheme.name() {
        "linear" | "mailgun" => serde_json::to_vec(&serde_json::json!({ "data": text })).unwrap(),
        "twilio" => form_urlencoded::Serializer::new(String::new())
            .append_pair("Body", &text)
            .append_pair("From", "+14158675309")
            .finish()
            .into_bytes(),
        _ => bytes.to_vec(),
    }
}

/// A body's form parameters, sorted, as Twilio signs them.
fn form(body: &[u8]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

const URL: &str = "https://hooks.example.com/webhooks/test?a=1&b=%3A";

/// The request of `headers`, with the method and URL for schemes that sign them.
fn request<'a>(
    scheme: &Scheme,
    headers: &'a [(String, String)],
) -> Request<'a, [(String, String)]> {
    let request = Request::new(headers);
    if scheme.signs_request() {
        request.method("POST").url(URL)
    } else {
        request
    }
}

/// Signs `body` at `timestamp` (and id): the headers and the body to send.
fn sign(
    signer: &Signer,
    body: &[u8],
    timestamp: u64,
    id: &str,
) -> (Vec<(String, String)>, Vec<u8>) {
    let options = SignOptions::at(at(timestamp)).id(id).url(URL);
    let (headers, rewritten) = signer.sign(body, &options).unwrap().into_parts();
    (headers, rewritten.unwrap_or_else(|| body.to_vec()))
}

/// Splits `body` at the given cut points and streams it.
fn streamed(
    verifier: &Verifier,
    request: Request<'_, [(String, String)]>,
    body: &[u8],
    cuts: &[usize],
    now: SystemTime,
) -> Result<Verified, VerifyError> {
    let mut verification = verifier.begin(request, now)?;
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
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sign_then_verify_round_trips_with_any_chunking(
        scheme in scheme(),
        secret in "[!-~]{1,64}",
        seed in any::<[u8; 32]>(),
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        timestamp in 0u64..4_000_000_000,
        id in ID_CHARS,
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        let (verifier, signer) = pair(&scheme, &secret, seed);
        let (headers, body) = sign(&signer, &body_for(&scheme, &bytes), timestamp, &id);
        let request = request(&scheme, &headers);
        let one_shot = verifier.verify(request, &body, at(timestamp));
        prop_assert!(one_shot.is_ok(), "{}: {:?}", scheme.name(), one_shot);
        let by_chunks = streamed(&verifier, request, &body, &cuts, at(timestamp));
        prop_assert_eq!(one_shot, by_chunks);
    }

    #[test]
    fn flipping_any_body_bit_is_rejected(
        scheme in scheme(),
        secret in "[!-~]{1,40}",
        seed in any::<[u8; 32]>(),
        bytes in prop::collection::vec(any::<u8>(), 1..300),
        bit in any::<prop::sample::Index>(),
    ) {
        // GitLab's token signs no body, and Mailgun signs only its fields inside it.
        prop_assume!(!matches!(scheme.name(), "gitlab" | "mailgun"));
        let (verifier, signer) = pair(&scheme, &secret, seed);
        let now = 1_700_000_000;
        let (headers, body) = sign(&signer, &body_for(&scheme, &bytes), now, "msg_1");
        let mut tampered = body.clone();
        let bit = bit.index(body.len() * 8);
        tampered[bit / 8] ^= 1 << (bit % 8);
        // Twilio signs the decoded form, so two spellings of it (`%2b` and `%2B`) are one.
        prop_assume!(scheme.name() != "twilio" || form(&body) != form(&tampered));
        let outcome = verifier.verify(request(&scheme, &headers), &tampered, at(now));
        prop_assert!(outcome.is_err(), "{}: a tampered body verified", scheme.name());
    }

    #[test]
    fn flipping_any_bit_of_any_signed_header_is_rejected(
        scheme in scheme(),
        secret in "[!-~]{1,40}",
        seed in any::<[u8; 32]>(),
        bytes in prop::collection::vec(any::<u8>(), 0..100),
        which in any::<prop::sample::Index>(),
        bit in any::<prop::sample::Index>(),
    ) {
        let (verifier, signer) = pair(&scheme, &secret, seed);
        let now = 1_700_000_000;
        let (headers, body) = sign(&signer, &body_for(&scheme, &bytes), now, "msg_1");
        prop_assume!(!headers.is_empty());
        let mut tampered = headers.clone();
        let (name, value) = &mut tampered[which.index(headers.len())];
        let mut value_bytes = std::mem::take(value).into_bytes();
        let bit = bit.index(value_bytes.len() * BITS.len());
        value_bytes[bit / BITS.len()] ^= 1 << BITS[bit % BITS.len()];
        *value = String::from_utf8(value_bytes).unwrap();
        let name = name.clone();
        let outcome = verifier.verify(request(&scheme, &tampered), &body, at(now));
        prop_assert!(outcome.is_err(), "{}: {}: {:?} accepted", scheme.name(), name, tampered);
    }

    #[test]
    fn arbitrary_header_values_never_panic_and_never_verify(
        scheme in scheme(),
        values in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 3),
        body in prop::collection::vec(any::<u8>(), 0..64),
        now in any::<u64>(),
    ) {
        let (verifier, _) = pair(&scheme, "secret", [7; 32]);
        let mut names: Vec<&str> = Scheme::presets()
            .iter()
            .flat_map(|preset| preset.headers().iter().copied())
            .collect();
        names.extend(["X-Signature", "X-Timestamp", "X-Id", "X-Sig", "X-Ts"]);
        let headers: Vec<(&str, &[u8])> = names
            .iter()
            .enumerate()
            .map(|(i, name)| (*name, values[i % 3].as_slice()))
            .collect();
        let now = UNIX_EPOCH.checked_add(Duration::from_secs(now)).unwrap_or(UNIX_EPOCH);
        let request = Request::new(&headers[..]).method("POST").url(URL);
        prop_assert!(verifier.verify(request, &body, now).is_err());
    }
}

/// A JSON object of several kilobytes built from `text`: long strings, a list, nested members.
fn long_json(text: &str) -> Vec<u8> {
    let copies = 8192 / text.len();
    let long = text.repeat(copies);
    let value = serde_json::json!({
        "data": long,
        "list": (0..copies).collect::<Vec<_>>(),
        "nested": { "texts": [text, long] },
    });
    serde_json::to_vec(&value).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Bodies of several kilobytes, which Linear's and Box's one-shot verification feed to
    /// their keys as they read them: the verdict is the streamed one, and a flipped bit fails.
    #[test]
    fn long_bodies_verify_as_streamed_and_refuse_a_flipped_bit(
        scheme in scheme(),
        secret in "[!-~]{1,40}",
        text in "[ -~\n\u{e9}]{1,40}",
        bit in any::<prop::sample::Index>(),
        cuts in prop::collection::vec(any::<usize>(), 0..4),
    ) {
        let (verifier, signer) = pair(&scheme, &secret, [9; 32]);
        let json = long_json(&text);
        let body = if scheme.name() == "twilio" { body_for(&scheme, &json) } else { json };
        let now = 1_700_000_000;
        let (headers, body) = sign(&signer, &body, now, "msg_1");
        let request = request(&scheme, &headers);
        let one_shot = verifier.verify(request, &body, at(now));
        prop_assert!(one_shot.is_ok(), "{}: {:?}", scheme.name(), one_shot);
        prop_assert_eq!(&one_shot, &streamed(&verifier, request, &body, &cuts, at(now)));
        prop_assume!(!matches!(scheme.name(), "gitlab" | "mailgun"));
        let mut tampered = body.clone();
        let bit = bit.index(body.len() * 8);
        tampered[bit / 8] ^= 1 << (bit % 8);
        prop_assume!(scheme.name() != "twilio" || form(&body) != form(&tampered));
        let outcome = verifier.verify(request, &tampered, at(now));
        prop_assert!(outcome.is_err(), "{}: a tampered body verified", scheme.name());
    }
}

/// Names a client may add or change freely: no preset signs them.
const UNSIGNED: [&str; 4] = [
    "X-GitHub-Delivery",
    "X-Request-Id",
    "User-Agent",
    "X-Shopify-Webhook-Id",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn unsigned_headers_never_change_a_replay_key(
        scheme in scheme(),
        seed in any::<[u8; 32]>(),
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        id in ID_CHARS,
        extra in prop::collection::vec((0..UNSIGNED.len(), "[!-~]{0,40}"), 1..4),
        cuts in prop::collection::vec(any::<usize>(), 0..4),
    ) {
        let (verifier, signer) = pair(&scheme, "secret", seed);
        let now = 1_700_000_000;
        let (headers, body) = sign(&signer, &body_for(&scheme, &bytes), now, &id);
        let plain = verifier.verify(request(&scheme, &headers), &body, at(now)).unwrap();
        let mut noisy = headers.clone();
        noisy.extend(extra.iter().map(|(name, value)| (UNSIGNED[*name].to_owned(), value.clone())));
        let streamed = streamed(&verifier, request(&scheme, &noisy), &body, &cuts, at(now)).unwrap();
        let key = hookverify_core::replay::replay_key("t", &plain, &body);
        prop_assert_eq!(key, hookverify_core::replay::replay_key("t", &streamed, &body));
        prop_assert_ne!(key, hookverify_core::replay::replay_key("u", &plain, &body));
        prop_assert_eq!(
            hookverify_core::replay::event_id(&plain, &body),
            hookverify_core::replay::event_id(&streamed, &body)
        );
    }

    #[test]
    fn any_signed_change_changes_the_replay_key(
        scheme in scheme(),
        seed in any::<[u8; 32]>(),
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        other in prop::collection::vec(any::<u8>(), 0..300),
        id in ID_CHARS,
        other_id in ID_CHARS,
        later in 1u64..60,
    ) {
        let (verifier, signer) = pair(&scheme, "secret", seed);
        let now = 1_700_000_000;
        let key_of = |bytes: &[u8], timestamp: u64, id: &str| {
            let (headers, body) = sign(&signer, &body_for(&scheme, bytes), timestamp, id);
            let verified = verifier
                .verify(request(&scheme, &headers), &body, at(timestamp))
                .unwrap();
            let signed_id = verified.id().is_some();
            (hookverify_core::replay::replay_key("t", &verified, &body), signed_id, body)
        };
        let (key, signed_id, body) = key_of(&bytes, now, &id);
        if signed_id {
            // A scheme that signs an id is known by it: another id is another delivery.
            prop_assume!(id != other_id);
            prop_assert_ne!(key, key_of(&bytes, now, &other_id).0);
        } else {
            let (changed, _, other_body) = key_of(&other, now, &id);
            // Twilio signs the decoded, sorted form: two spellings of one form are one delivery.
            let same = if scheme.name() == "twilio" { form(&body) == form(&other_body) } else { body == other_body };
            prop_assert_eq!(key == changed, same, "{}", scheme.name());
            let (moved, _, _) = key_of(&bytes, now + later, &id);
            if scheme.has_timestamp() {
                prop_assert_ne!(key, moved, "{}", scheme.name());
            }
        }
    }
}

/// What a client can do to a signed header, for the header-map properties below.
#[derive(Debug, Clone, Copy)]
enum Edit {
    Keep,
    Remove,
    Repeat,
    RepeatOther,
    Overlong,
    UpperCase,
}

/// A header a client adds that is not the signed header `name` but shares its length and
/// either its start or its last eight bytes.
fn near_miss(name: &str, first: bool) -> String {
    let mut bytes = name.to_ascii_lowercase().into_bytes();
    let at = if first { 0 } else { bytes.len() - 1 };
    bytes[at] = if bytes[at] == b'q' { b'z' } else { b'q' };
    String::from_utf8(bytes).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// An `http::HeaderMap` is read in one pass when it is small and by hashed lookups when it
    /// is not; both must give every verdict a list of pairs gives.
    #[test]
    fn a_header_map_of_any_size_reads_as_a_list_of_pairs(
        scheme in scheme(),
        seed in any::<[u8; 32]>(),
        bytes in prop::collection::vec(any::<u8>(), 0..100),
        edit in prop::sample::select(vec![
            Edit::Keep, Edit::Remove, Edit::Repeat, Edit::RepeatOther, Edit::Overlong,
            Edit::UpperCase,
        ]),
        which in any::<prop::sample::Index>(),
        padding in 0usize..40,
        near in any::<bool>(),
    ) {
        let (verifier, signer) = pair(&scheme, "secret", seed);
        let now = 1_700_000_000;
        let (signed, body) = sign(&signer, &body_for(&scheme, &bytes), now, "msg_1");
        prop_assume!(!signed.is_empty());
        let mut headers = signed.clone();
        let edited = which.index(signed.len());
        let (name, value) = signed[edited].clone();
        match edit {
            Edit::Keep => {}
            Edit::Remove => {
                headers.remove(edited);
            }
            Edit::Repeat => headers.push((name.clone(), value)),
            Edit::RepeatOther => headers.push((name.clone(), format!("{value}0"))),
            Edit::Overlong => headers[edited].1 = "a".repeat(hookverify_core::MAX_HEADER_LEN + 1),
            Edit::UpperCase => headers[edited].0 = name.to_ascii_uppercase(),
        }
        for i in 0..padding {
            let (name, _) = &signed[i % signed.len()];
            headers.insert(i % (headers.len() + 1), (near_miss(name, near ^ (i % 2 == 0)), format!("{i}")));
            headers.push((format!("x-padding-{i}"), "1".to_owned()));
        }
        let mut map = http::HeaderMap::new();
        for (name, value) in &headers {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                http::HeaderValue::from_str(value).unwrap(),
            );
        }
        let by_pairs = verifier
            .verify(request(&scheme, &headers), &body, at(now))
            .map_err(|error| error.to_string());
        let from_map = Request::new(&map);
        let from_map = if scheme.signs_request() { from_map.method("POST").url(URL) } else { from_map };
        let by_map = verifier.verify(from_map, &body, at(now)).map_err(|error| error.to_string());
        prop_assert_eq!(&by_pairs, &by_map, "{}: {:?} of {}", scheme.name(), edit, name);
        prop_assert_eq!(by_pairs.is_ok(), matches!(edit, Edit::Keep | Edit::UpperCase));
    }
}
