//! Verify signed webhook deliveries on their raw bytes, in constant time, within a freshness
//! window — and sign them, for tests and senders.
//!
//! # Quickstart
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hookverify_core::{Verifier, VerifyError};
//!
//! let verifier = Verifier::stripe("whsec_plJ3nmyCDGBKInavdOK15jsl1qB2cN9A")?;
//!
//! // The headers and raw body of a delivery, as received.
//! let headers = [("Stripe-Signature", "t=1700000000,v1=3260b97133978be93ed9d90fde352d2a48301903cc82670953e79caad99bdb30")];
//! let body = include_bytes!("../tests/data/stripe-013.body");
//!
//! let now = UNIX_EPOCH + Duration::from_secs(1_700_000_010);
//! let verified = verifier.verify(&headers, body, now)?;
//! assert_eq!(verified.scheme(), "stripe");
//!
//! // Ten minutes later the same delivery is a replay.
//! let later = now + Duration::from_secs(600);
//! let err = verifier.verify(&headers, body, later).unwrap_err();
//! assert!(matches!(err, VerifyError::TimestampTooOld { .. }));
//! assert_eq!(err.status_code(), 401);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # How it works
//!
//! A [`Scheme`] describes a provider's format. Every major provider is a preset
//! ([`Scheme::github`], [`Scheme::stripe`], [`Scheme::twilio`], … — [`Scheme::presets`] lists
//! them with their headers, documentation and tolerance), and any other HMAC layout is
//! [`Scheme::hmac`]. A [`Verifier`] pairs a scheme with one or more keys (shared secrets, or for
//! Discord, SendGrid and Standard Webhooks `v1a` the provider's [`PublicKey`]) and prepares each
//! once. Schemes that sign the request's method and URL (Twilio, Square, HubSpot) are verified
//! with a [`Request`] carrying them, the URL given or built by the verifier's [`PublicUrl`]. Verification is a stream:
//!
//! 1. [`Verifier::begin`] reads the headers, bounds them, and checks the timestamp. Unsigned,
//!    malformed and stale deliveries fail here, before any body byte is read.
//! 2. [`Verification::update`] feeds body chunks as they arrive.
//! 3. [`Verification::finish`] compares against every candidate signature in constant time and
//!    returns [`Verified`] or a [`VerifyError`].
//!
//! [`Verifier::verify`] does the three at once, and [`Verifier::sign`] (or [`Signer`], which
//! also holds private keys) is the mirror image.
//!
//! Providers also check the endpoint itself (Slack, Zoom, Twitch, Discord, Meta, Dropbox,
//! Microsoft Graph): [`Verifier::unsigned_handshake`] and [`Verifier::signed_handshake`] decide
//! whether a request is such a [`Handshake`] and give the exact answer, which the adapters
//! write in the handler's place. [`format`](mod@format) parses a verified body (JSON, forms, XML).
//! Headers come through the [`Headers`] trait, so this crate works with any framework; the
//! `hookverify-tower` and `hookverify-actix` adapters build middleware on it.
//!
//! # Feature flags
//!
//! | feature | description | default |
//! |---------|-------------|---------|
//! | `http`  | implements [`Headers`] for `http::HeaderMap` (http 1.x) | yes |
//! | `actix-http` | implements [`Headers`] for actix-web's `HeaderMap` (actix-http 3) | no |
//! | `ed25519` | Ed25519 signatures: [`Scheme::discord`], Standard Webhooks `v1a` (`ed25519-dalek`) | no |
//! | `p256` | ECDSA P-256 signatures: [`Scheme::sendgrid`] (RustCrypto `p256`) | no |
//! | `form` | form bodies: [`format::from_form`], [`format::from_slack_payload`] (`serde_html_form`) | no |
//! | `tracing` | [`log`]: the log lines the adapters write (`tracing`) | no |
//! | `xml` | XML bodies: [`format::from_xml`] (`quick-xml`; DTDs refused, depth bounded) | no |
//!
//! Every other scheme is always available.
//!
//! # Security considerations
//!
//! - **Raw bytes.** Verify the body exactly as received. A proxy or framework that re-encodes
//!   JSON, normalises line endings or decompresses the body breaks the signature; put
//!   verification before anything that touches the body.
//! - **Constant time.** Tags are decoded to bytes and compared with [`subtle`]'s constant-time
//!   equality against every candidate and every secret, with no early exit. The expected tag and
//!   the secret never appear in errors or `Debug` output; [`Secret`] is zeroized on drop.
//! - **Replay window.** Timestamps are checked in both directions against the tolerance (five
//!   minutes by default); a signed delivery can still be replayed within that window, so drop
//!   repeated [`Verified::id`]s where the scheme has them.
//! - **Bounds.** Header values are limited to [`MAX_HEADER_LEN`] bytes, signature lists to
//!   [`MAX_SIGNATURES`] entries and ids to [`MAX_ID_LEN`] bytes; a repeated signature header is
//!   rejected. Body size limits belong to the adapters, which reject oversized bodies with 413.
//! - **No panics, and no allocation for HMAC schemes.** Every request-time path returns a
//!   [`VerifyError`]. Verifying a delivery of any preset whose signature is an HMAC in a header
//!   allocates nothing once the verifier is built. The few that must allocate say so: schemes
//!   that read the body whole (Twilio's sorted form parameters, Mailgun's fields, Linear's JSON
//!   timestamp, and Box, which may need the escaped form of the body) keep it when it is
//!   streamed through [`Verification::update`] (the adapters already hold it, so they do not
//!   copy it), though one-shot [`Verifier::verify`] of Twilio (a form of up to 2 KiB and 48
//!   parameters, decoded on the stack), Mailgun and Linear (JSON without escapes in the fields
//!   they read) allocates nothing; Ed25519's strict check needs the whole signed message.
//!   Schemes that sign the URL (Twilio, Square, HubSpot v3) verify one-shot without allocating
//!   when given the URL; a streamed verification keeps a copy of it, a [`PublicUrl`] origin
//!   builds it per request, and a mismatch names it in its error.
//!
//! # MSRV
//!
//! Rust 1.89, checked through the workspace `rust-version`.
//!
//! [`subtle`]: https://docs.rs/subtle

#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
#[path = "fuzz.rs"]
pub mod __fuzz;
mod budget;
mod buffer;
mod error;
pub mod format;
mod handshake;
mod headers;
mod key;
#[cfg(feature = "tracing")]
#[cfg_attr(docsrs, doc(cfg(feature = "tracing")))]
pub mod log;
mod mac;
mod public_key;
mod public_url;
pub mod replay;
mod request;
mod scheme;
mod secret;
mod signature;
mod signer;
mod timestamp;
mod verifier;

pub use crate::budget::BodyBudget;
pub use crate::buffer::{BufferedVerification, DEFAULT_MAX_BODY_SIZE};
pub use crate::error::{ConfigError, Malformation, Overload, SignError, VerifyError};
pub use crate::handshake::{Handshake, HandshakeAnswer, MAX_CHALLENGE_LEN, Notice};
pub use crate::headers::{HeaderKey, Headers, Occurrence, PairValues};
pub use crate::mac::Algorithm;
pub use crate::public_key::{PublicKey, SigningKey};
pub use crate::public_url::PublicUrl;
pub use crate::request::{IntoRequest, Request};
pub use crate::scheme::{HmacSchemeBuilder, KeyKind, Part, Preset, Scheme};
pub use crate::secret::Secret;
pub use crate::signature::Encoding;
pub use crate::signer::{SignOptions, SignedDelivery, Signer};
pub use crate::timestamp::{Clock, SystemClock, TimestampFormat};
pub use crate::verifier::{DEFAULT_TOLERANCE, Verification, Verified, Verifier, VerifierBuilder};

/// The longest header value read, in bytes. Longer signature, timestamp or id headers are
/// rejected with [`VerifyError::HeaderTooLong`].
pub const MAX_HEADER_LEN: usize = 4096;

/// The most signatures one header may carry. Providers send one per active secret, so two or
/// three in practice; more is rejected with [`VerifyError::TooManySignatures`].
pub const MAX_SIGNATURES: usize = 16;

/// The most keys one [`Verifier`] holds: rotation needs two.
pub const MAX_SECRETS: usize = 4;

/// The longest message id accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;
