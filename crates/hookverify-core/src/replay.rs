//! What a delivery is remembered by, and for how long: the decisions behind the replay guard and
//! idempotency, as pure functions. The stores that remember live in `hookverify-replay`.
//!
//! Two mechanisms, never confused:
//!
//! - the **replay guard** refuses a captured delivery sent again. Its key comes from signed
//!   material only ([`replay_key`]): the scheme's signed id where it has one, else what proved
//!   the delivery (the MAC, or an Ed25519 signature, which `verify_strict` admits in one
//!   encoding only), else — for a token, which proves nothing about the content, and for
//!   ECDSA, whose signatures are malleable — the digest of what was signed. It is remembered
//!   for as long as the delivery could still verify ([`remember_until`]).
//! - **idempotency** runs a handler once per event across the provider's retries, which come
//!   with fresh timestamps and signatures: its key is the event id ([`event_id`], [`event_key`]).
//!
//! Keys are SHA-256 digests, domain-separated and scoped (a tenant, a route), so no byte a
//! client chose reaches a store, and two scopes never share a key.
//!
//! # Examples
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hookverify_core::{replay, SignOptions, Verifier};
//!
//! let verifier = Verifier::standard_webhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
//! let at = UNIX_EPOCH + Duration::from_secs(1_614_265_330);
//! let body = br#"{"test": 2432232314}"#;
//! let headers = verifier.sign(body, &SignOptions::at(at).id("msg_p5jXN8AQM9LWM0D4loKWxJek"))?;
//! let verified = verifier.verify(&headers, body, at)?;
//!
//! // The signed id names the delivery; it is remembered until it could no longer verify.
//! let key = replay::replay_key("tenant-1", &verified, body);
//! assert_ne!(key, replay::replay_key("tenant-2", &verified, body));
//! let until = replay::remember_until(&verified, verifier.tolerance(), Duration::from_secs(3 * 86_400), at);
//! assert_eq!(until, at + Duration::from_millis(5 * 60 * 1000 + 1));
//!
//! // Its event id, for idempotency across retries.
//! assert_eq!(replay::event_id(&verified, body).as_deref(), Some("msg_p5jXN8AQM9LWM0D4loKWxJek"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::time::{Duration, SystemTime};

use sha2::{Digest as _, Sha256};

use crate::{MAX_ID_LEN, Verified};

/// What a key is for: the two never share a key, even for the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Purpose {
    /// The replay guard: one delivery, as signed.
    Replay,
    /// Idempotency: one event, across the provider's retries.
    Event,
}

/// A key a delivery or an event is remembered by: a SHA-256 digest, shown as 64 lower-case hex
/// digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReplayKey {
    digest: [u8; 32],
    purpose: Purpose,
}

impl ReplayKey {
    /// The digest.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.digest
    }

    /// What the key is for.
    #[must_use]
    pub const fn purpose(&self) -> Purpose {
        self.purpose
    }

    fn derive(purpose: Purpose, scope: &str, scheme: &str, parts: &[&[u8]]) -> Self {
        let mut hash = Sha256::new();
        let domain: &[u8] = match purpose {
            Purpose::Replay => b"hookverify replay v1",
            Purpose::Event => b"hookverify event v1",
        };
        // Every field is length-prefixed, so no two different inputs hash the same bytes.
        for part in [domain, scope.as_bytes(), scheme.as_bytes()]
            .iter()
            .chain(parts)
        {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part);
        }
        Self {
            digest: hash.finalize().into(),
            purpose,
        }
    }
}

impl fmt::Display for ReplayKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&const_hex::encode(self.digest))
    }
}

impl fmt::Debug for ReplayKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReplayKey({:?}, {self})", self.purpose)
    }
}

/// The key the replay guard remembers a verified delivery by, within `scope` (a tenant or a
/// route; any text, hashed).
///
/// It comes from signed material only: the signed id for schemes that sign one (Standard
/// Webhooks, Svix, Twitch, Mailgun's token), else the MAC or Ed25519 signature that proved the
/// delivery, else (GitLab's token, SendGrid's ECDSA) the digest of the signed content or of
/// the body. Unsigned headers such as `X-GitHub-Delivery` never change it.
#[must_use]
pub fn replay_key(scope: &str, verified: &Verified, body: &[u8]) -> ReplayKey {
    let scheme = verified.scheme();
    if let Some(id) = verified.id() {
        return ReplayKey::derive(Purpose::Replay, scope, scheme, &[b"id", id.as_bytes()]);
    }
    let material = verified.proof().material.as_bytes();
    if material.is_empty() {
        let digest = Sha256::digest(body);
        ReplayKey::derive(Purpose::Replay, scope, scheme, &[b"body", &digest])
    } else {
        ReplayKey::derive(Purpose::Replay, scope, scheme, &[b"proof", material])
    }
}

/// The key idempotency remembers the event `event_id` of `scheme` by, within `scope`.
#[must_use]
pub fn event_key(scope: &str, scheme: &str, event_id: &str) -> ReplayKey {
    ReplayKey::derive(Purpose::Event, scope, scheme, &[event_id.as_bytes()])
}

/// Until when a verified delivery must be remembered: as long as it could still verify.
///
/// With a signed timestamp and a `tolerance`, that is one millisecond past `timestamp +
/// tolerance` (a delivery exactly `tolerance` old still verifies); without either (GitHub,
/// Shopify and others sign no time), `now + horizon`.
#[must_use]
pub fn remember_until(
    verified: &Verified,
    tolerance: Option<Duration>,
    horizon: Duration,
    now: SystemTime,
) -> SystemTime {
    let after = |at: SystemTime, span: Duration| at.checked_add(span).unwrap_or(at);
    match (verified.timestamp(), tolerance) {
        (Some(timestamp), Some(tolerance)) => {
            after(after(timestamp, tolerance), Duration::from_millis(1))
        }
        _ => after(now, horizon),
    }
}

/// The provider's event id, which stays the same across its retries, for the presets that
/// have one: the signed id of Standard Webhooks, Svix and Twitch; the `id` of a Stripe event
/// and the `event_id` of a Slack Events API callback, read from the verified body. `None` for
/// other schemes and for bodies without one; give idempotency your own function for those.
///
/// Ids longer than [`MAX_ID_LEN`] or not printable ASCII are not used.
#[must_use]
pub fn event_id(verified: &Verified, body: &[u8]) -> Option<String> {
    let id = match verified.scheme() {
        "standard-webhooks" | "svix" | "twitch" => verified.id().map(str::to_owned),
        "stripe" => json_field(body, "id"),
        "slack" => json_field(body, "event_id"),
        _ => None,
    }?;
    let usable =
        !id.is_empty() && id.len() <= MAX_ID_LEN && id.bytes().all(|b| b.is_ascii_graphic());
    usable.then_some(id)
}

/// A top-level string field of a JSON object, the rest of the object skipped unread.
fn json_field(body: &[u8], field: &'static str) -> Option<String> {
    use serde::de::{Deserializer as _, IgnoredAny, MapAccess, Visitor};

    struct Field(&'static str);

    impl<'de> Visitor<'de> for Field {
        type Value = Option<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            // The last occurrence wins, as `JSON.parse` (and so the providers' SDKs) reads it.
            let mut found = None;
            while let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if name == self.0 {
                    found = match map.next_value::<serde_json::Value>()? {
                        serde_json::Value::String(id) => Some(id),
                        _ => None,
                    };
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }

    let mut json = serde_json::Deserializer::from_slice(body);
    let found = json.deserialize_map(Field(field)).ok()?;
    json.end().ok()?;
    found
}
