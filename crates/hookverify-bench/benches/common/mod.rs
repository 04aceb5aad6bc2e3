//! One delivery per preset and body size, signed by hookverify's own signer, with the bare
//! primitive that proves it: shared by the criterion bench (`presets`) and the instruction
//! counter (`instructions`), so both measure exactly the same work.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    dead_code,
    reason = "benchmark setup"
)]

use base64::Engine as _;
use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit as _, Mac as _};
use hookverify_core::{KeyKind, Request, Scheme, SignOptions, Signer, SigningKey, Verifier};
use http::{HeaderMap, HeaderName, HeaderValue};
use sha2::{Digest as _, Sha256};

pub(crate) const SIZES: [(usize, &str); 4] = [
    (256, "256B"),
    (4 * 1024, "4KiB"),
    (64 * 1024, "64KiB"),
    (1024 * 1024, "1MiB"),
];
pub(crate) const SECRET: &str = "bench-test-only-secret";
/// base64 of "bench-test-only-secret-32-bytes!"
pub(crate) const STANDARD_SECRET: &str = "whsec_YmVuY2gtdGVzdC1vbmx5LXNlY3JldC0zMi1ieXRlcyE=";
const SEED: &str = "0101010101010101010101010101010101010101010101010101010101010101";
pub(crate) const URL: &str = "https://hooks.example.com/webhooks/bench?source=bench";
pub(crate) const NOW: u64 = 1_700_000_000;

/// A signed delivery of one preset, ready to verify.
pub(crate) struct Case {
    pub(crate) scheme: Scheme,
    pub(crate) verifier: Verifier,
    /// The body as sent (rewritten by presets that sign inside it).
    pub(crate) body: Vec<u8>,
    pub(crate) headers: HeaderMap,
    /// The signed header pairs, as the signer produced them.
    pub(crate) pairs: Vec<(String, String)>,
    /// Exactly the bytes the signature covers.
    pub(crate) message: Vec<u8>,
    pub(crate) now: SystemTime,
}

impl Case {
    /// The delivery for `scheme` with a body of `size` bytes; verified once before it is used.
    pub(crate) fn new(scheme: &Scheme, size: usize) -> Self {
        let now = UNIX_EPOCH + Duration::from_secs(NOW);
        let (signer, private) = signer(scheme);
        let builder = Verifier::builder(scheme.clone());
        let verifier = match &private {
            Some(key) => builder.raw_public_key(key.public_key()),
            None if key_bytes(scheme).len() == 32 => builder.secret(STANDARD_SECRET),
            None => builder.secret(SECRET),
        }
        .build()
        .unwrap();
        assert_eq!(
            verifier.scheme().key_kind() == KeyKind::PublicKey,
            private.is_some()
        );
        let body = body(scheme.name(), size);
        let options = SignOptions::at(now)
            .id("msg_2b1mrbFbVWTYo8WbMvmoj3gSgvg")
            .url(URL);
        let message = hookverify_core::__fuzz::signed_message(&signer, &body, &options).unwrap();
        let (pairs, rewritten) = signer.sign(&body, &options).unwrap().into_parts();
        let case = Self {
            scheme: scheme.clone(),
            verifier,
            body: rewritten.unwrap_or(body),
            headers: header_map(&pairs),
            pairs,
            message,
            now,
        };
        case.verify();
        case
    }

    /// The request as an adapter hands it over.
    pub(crate) fn request(&self) -> Request<'_, HeaderMap> {
        Request::new(&self.headers).method("POST").url(URL)
    }

    /// One verification through hookverify.
    #[inline]
    pub(crate) fn verify(&self) {
        black_box(
            self.verifier
                .verify(black_box(self.request()), black_box(&self.body), self.now),
        )
        .unwrap();
    }

    /// One verification as the adapters run it: `begin` on the head, `update` per 16 KiB
    /// chunk of the body, `finish`.
    #[inline]
    pub(crate) fn stream(&self) {
        let mut verification = self
            .verifier
            .begin(black_box(self.request()), self.now)
            .unwrap();
        for chunk in black_box(&self.body).chunks(16 * 1024) {
            verification.update(chunk);
        }
        black_box(verification.finish()).unwrap();
    }

    /// The bare primitive over the signed bytes, the way the preset proves them: an HMAC keyed
    /// once and cloned, HubSpot's prefixed SHA-256, GitLab's digest of the token,
    /// `ed25519-dalek`'s `verify_strict`, `p256`'s verify.
    pub(crate) fn primitive(&self) -> Box<dyn Fn() + '_> {
        let key = key_bytes(&self.scheme);
        let message = &self.message[..];
        match self.scheme.name() {
            "discord" => {
                let signing = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
                let key = signing.verifying_key();
                let mut bytes = [0u8; 64];
                const_hex::decode_to_slice(self.header("X-Signature-Ed25519"), &mut bytes).unwrap();
                let signature = ed25519_dalek::Signature::from_bytes(&bytes);
                key.verify_strict(message, &signature).unwrap();
                Box::new(move || key.verify_strict(black_box(message), &signature).unwrap())
            }
            "sendgrid" => {
                use p256::ecdsa::signature::Verifier as _;
                let signing = p256::ecdsa::SigningKey::from_slice(&[1; 32]).unwrap();
                let key = *signing.verifying_key();
                let der = base64::engine::general_purpose::STANDARD
                    .decode(self.header("X-Twilio-Email-Event-Webhook-Signature"))
                    .unwrap();
                let signature = p256::ecdsa::Signature::from_der(&der).unwrap();
                key.verify(message, &signature).unwrap();
                Box::new(move || key.verify(black_box(message), &signature).unwrap())
            }
            "hubspot-v1" | "hubspot-v2" => {
                let mut state = Sha256::new();
                state.update(&key);
                Box::new(move || {
                    let mut hash = state.clone();
                    hash.update(black_box(message));
                    black_box(hash.finalize());
                })
            }
            "gitlab" => Box::new(move || {
                black_box(Sha256::digest(black_box(message)));
            }),
            _ if self.scheme.algorithm() == Some(hookverify_core::Algorithm::Sha1) => {
                let keyed = Hmac::<sha1::Sha1>::new_from_slice(&key).unwrap();
                Box::new(move || {
                    let mut mac = keyed.clone();
                    mac.update(black_box(message));
                    black_box(mac.finalize());
                })
            }
            _ => {
                let keyed = Hmac::<Sha256>::new_from_slice(&key).unwrap();
                Box::new(move || {
                    let mut mac = keyed.clone();
                    mac.update(black_box(message));
                    black_box(mac.finalize());
                })
            }
        }
    }

    fn header(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .unwrap()
    }
}

/// A body of exactly `size` bytes the preset signs as real deliveries are: JSON, or for Twilio
/// a form.
pub(crate) fn body(scheme: &str, size: usize) -> Vec<u8> {
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

/// `webhook-verify` on the same delivery, its clock fixed at `now` (Unix seconds), as the
/// group's `webhook-verify` function. A delivery it refuses is left out rather than timed
/// failing; returns whether it was benched.
pub(crate) fn bench_webhook_verify(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    provider: webhook_verify::Provider,
    secret: &webhook_verify::Secret,
    headers: &HeaderMap,
    body: &[u8],
    now: u64,
) -> bool {
    struct Fixed(u64);
    impl webhook_verify::Clock for Fixed {
        fn now(&self) -> u64 {
            self.0
        }
    }
    let options =
        webhook_verify::VerifyOptions::default().with_clock(Some(std::sync::Arc::new(Fixed(now))));
    if webhook_verify::verify(provider, headers, body, secret, options.clone()).is_err() {
        return false;
    }
    group.bench_function("webhook-verify", |b| {
        b.iter(|| {
            webhook_verify::verify(
                provider,
                black_box(headers),
                black_box(body),
                secret,
                options.clone(),
            )
            .unwrap();
        });
    });
    true
}

pub(crate) fn header_map(pairs: &[(String, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    // What a server behind a proxy receives beside the provider's own headers: with them, a
    // dozen entries, as real deliveries have (Twitch sends 7 of its own, Box 6, GitHub 8).
    for (name, value) in [
        ("host", "hooks.example.com"),
        ("user-agent", "Provider-Hookshot/1.0"),
        ("content-type", "application/json"),
        ("content-length", "256"),
        ("accept", "*/*"),
        ("accept-encoding", "gzip"),
        ("x-forwarded-for", "203.0.113.7"),
        ("x-forwarded-proto", "https"),
    ] {
        map.append(name, HeaderValue::from_static(value));
    }
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
    let private = match scheme.name() {
        "discord" => Some(SigningKey::ed25519_hex(SEED).unwrap()),
        "sendgrid" => Some(SigningKey::p256(SEED).unwrap()),
        _ => None,
    };
    let signer = match &private {
        Some(key) => Signer::with_signing_key(scheme.clone(), key),
        None if key_bytes(scheme).len() == 32 => Signer::new(scheme.clone(), STANDARD_SECRET),
        None => Signer::new(scheme.clone(), SECRET),
    };
    (signer.unwrap(), private)
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
