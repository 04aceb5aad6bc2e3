//! Replay and idempotency keys: what they are derived from, and how long a delivery is kept.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use base64::Engine as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hookverify_core::replay::{self, Purpose};
use hookverify_core::{Scheme, SignOptions, Verified, Verifier};

const HORIZON: Duration = Duration::from_secs(3 * 86_400);

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn verifier(preset: &str, secret: &str) -> Verifier {
    Verifier::builder(Scheme::preset(preset).unwrap())
        .secret(secret)
        .build()
        .unwrap()
}

fn signed(verifier: &Verifier, body: &[u8], when: SystemTime) -> Verified {
    let headers = verifier
        .sign(body, &SignOptions::at(when).id("msg_1"))
        .unwrap();
    verifier.verify(&headers, body, when).unwrap()
}

#[test]
fn a_timestamped_delivery_is_kept_exactly_as_long_as_it_verifies() {
    let stripe = verifier("stripe", "whsec_test");
    let sent = at(1_700_000_000);
    let body = br#"{"id":"evt_1"}"#;
    let headers = stripe.sign(body, &SignOptions::at(sent)).unwrap();
    let verified = stripe.verify(&headers, body, sent).unwrap();
    let tolerance = stripe.tolerance().unwrap();
    let until = replay::remember_until(&verified, Some(tolerance), HORIZON, sent);
    assert_eq!(until, sent + tolerance + Duration::from_millis(1));
    // The last instant it is remembered, it still verifies; the first instant it is forgotten,
    // it no longer does.
    let last = until - Duration::from_millis(1);
    assert!(stripe.verify(&headers, body, last).is_ok());
    assert!(stripe.verify(&headers, body, until).is_err());
}

#[test]
fn a_delivery_without_a_timestamp_is_kept_for_the_horizon() {
    let github = verifier("github", "It's a Secret to Everybody");
    let now = at(1_700_000_000);
    let verified = signed(&github, b"Hello, World!", now);
    assert_eq!(verified.timestamp(), None);
    let until = replay::remember_until(&verified, github.tolerance(), HORIZON, now);
    assert_eq!(until, now + HORIZON);
}

#[test]
fn keys_are_hex_digests_scoped_and_separated_by_purpose() {
    let github = verifier("github", "It's a Secret to Everybody");
    let verified = signed(&github, b"Hello, World!", at(1_700_000_000));
    let key = replay::replay_key("", &verified, b"Hello, World!");
    assert_eq!(key.purpose(), Purpose::Replay);
    let text = key.to_string();
    assert_eq!(text.len(), 64);
    assert!(
        text.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    let event = replay::event_key("", "github", "evt_1");
    assert_eq!(event.purpose(), Purpose::Event);
    assert_ne!(event, replay::event_key("other", "github", "evt_1"));
    assert_ne!(event, replay::event_key("", "stripe", "evt_1"));
    // Length prefixes keep ("ab", "c") and ("a", "bc") apart.
    assert_ne!(
        replay::event_key("ab", "c", "x"),
        replay::event_key("a", "bc", "x")
    );
}

#[test]
fn a_gitlab_token_proves_nothing_about_the_body_so_the_body_names_the_delivery() {
    let gitlab = verifier("gitlab", "token");
    let now = at(1_700_000_000);
    let first = signed(&gitlab, b"{\"a\":1}", now);
    let second = signed(&gitlab, b"{\"a\":2}", now);
    assert_ne!(
        replay::replay_key("", &first, b"{\"a\":1}"),
        replay::replay_key("", &second, b"{\"a\":2}")
    );
    assert_eq!(
        replay::replay_key("", &first, b"{\"a\":1}"),
        replay::replay_key("", &second, b"{\"a\":1}")
    );
}

#[cfg(feature = "p256")]
#[test]
fn an_ecdsa_signature_and_its_malleated_twin_share_one_key() {
    use hookverify_core::{Signer, SigningKey};
    use p256::ecdsa::Signature;

    let key = SigningKey::p256(&"01".repeat(32)).unwrap();
    let scheme = Scheme::preset("sendgrid").unwrap();
    let verifier = Verifier::builder(scheme.clone())
        .raw_public_key(key.public_key())
        .build()
        .unwrap();
    let signer = Signer::with_signing_key(scheme, &key).unwrap();
    let now = at(1_700_000_000);
    let body = br#"[{"event":"delivered"}]"#;
    let (headers, _) = signer
        .sign(body, &SignOptions::at(now))
        .unwrap()
        .into_parts();
    let verified = verifier.verify(&headers, body, now).unwrap();

    // (r, s) and (r, n - s) are both valid signatures of the same message.
    let name = "X-Twilio-Email-Event-Webhook-Signature";
    let position = headers.iter().position(|(k, _)| k == name).unwrap();
    let der = base64::engine::general_purpose::STANDARD
        .decode(&headers[position].1)
        .unwrap();
    let signature = Signature::from_der(&der).unwrap();
    let (r, s) = signature.split_scalars();
    let twin = Signature::from_scalars(r, -*s).unwrap();
    assert_ne!(twin, signature);
    let mut malleated = headers.clone();
    malleated[position].1 = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        twin.to_der().as_bytes(),
    );
    // SendGrid's SDKs accept either form, and so does `p256`: the twin verifies.
    let twin_verified = verifier.verify(&malleated, body, now).unwrap();
    assert_eq!(
        replay::replay_key("", &verified, body),
        replay::replay_key("", &twin_verified, body)
    );
}

#[test]
fn event_ids_come_from_signed_ids_and_verified_bodies() {
    let now = at(1_700_000_000);
    let stripe = verifier("stripe", "whsec_test");
    let body = br#"{"data":{"id":"nested"},"id":"evt_1","type":"invoice.paid"}"#;
    let verified = signed(&stripe, body, now);
    assert_eq!(replay::event_id(&verified, body).as_deref(), Some("evt_1"));
    // As `JSON.parse` reads a repeated name: the last one.
    let twice = br#"{"id":"evt_1","id":"evt_2"}"#;
    let verified = signed(&stripe, twice, now);
    assert_eq!(replay::event_id(&verified, twice).as_deref(), Some("evt_2"));
    for body in [
        &br#"{"id":7}"#[..],
        b"[1]",
        b"{\"id\":\"evt",
        br#"{"id":"a b"}"#,
    ] {
        let verified = signed(&stripe, body, now);
        assert_eq!(replay::event_id(&verified, body), None, "{body:?}");
    }

    let svix = Verifier::builder(Scheme::preset("svix").unwrap())
        .secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .build()
        .unwrap();
    let verified = signed(&svix, b"{}", now);
    assert_eq!(replay::event_id(&verified, b"{}").as_deref(), Some("msg_1"));

    // GitHub signs no event id: its delivery header could be anything.
    let github = verifier("github", "secret");
    let verified = signed(&github, b"{\"id\":\"x\"}", now);
    assert_eq!(replay::event_id(&verified, b"{\"id\":\"x\"}"), None);
}
