//! Verify signed webhook deliveries — GitHub, Stripe, Standard Webhooks (Svix) and any HMAC
//! scheme — on the raw bytes, in constant time, within a freshness window, and reject unsigned
//! or forged payloads before a handler runs.
//!
//! This facade re-exports [`hookverify-core`](hookverify_core) (the schemes, [`Verifier`],
//! [`Secret`], signing) and, behind features, the framework adapters.
//!
//! ```
//! use std::time::SystemTime;
//! use hookverify::Verifier;
//!
//! let verifier = Verifier::github("It's a Secret to Everybody")?;
//! let headers = [(
//!     "X-Hub-Signature-256",
//!     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
//! )];
//! verifier.verify(&headers, b"Hello, World!", SystemTime::now())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Feature flags
//!
//! | feature | description | default |
//! |---------|-------------|---------|
//! | `http`  | `http::HeaderMap` implements [`Headers`] | yes |
//! | `tower` | [`tower`]: the `VerifyWebhookLayer` middleware for tower and hyper services | no |
//! | `axum`  | `tower` plus [`axum`]: extractors for axum handlers | no |
//! | `actix` | [`actix`]: middleware and extractors for actix-web | no |
//! | `replay` | [`replay`]: the replay guard, idempotency and the in-memory store (on with either adapter) | no |
//! | `redis` | `replay::RedisStore`, for services of several instances | no |
//! | `metrics` | deliveries by scheme and outcome, their duration, and matches per key index, through the [`metrics`](https://docs.rs/metrics) facade (see `log`) | no |
//! | `full`  | every adapter, Redis, every scheme and body format, metrics | no |

#![cfg_attr(docsrs, feature(doc_cfg))]

#[doc(inline)]
pub use hookverify_core::*;

/// The tower layer: [`VerifyWebhookLayer`](hookverify_tower::VerifyWebhookLayer) and its parts.
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower {
    #[doc(inline)]
    pub use hookverify_tower::{
        BoxError, DEFAULT_MAX_BODY_SIZE, DefaultRejectionResponse, RejectionResponse,
        ResponseFuture, VerifiedBody, VerifyWebhook, VerifyWebhookLayer, status_code,
    };
}

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
#[doc(inline)]
pub use hookverify_tower::axum;

/// The actix-web middleware and extractors: [`VerifyWebhook`](hookverify_actix::VerifyWebhook),
/// [`VerifiedJson`](hookverify_actix::VerifiedJson) and the rest.
#[cfg(feature = "actix")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
#[doc(inline)]
pub use hookverify_actix as actix;

/// Replay protection and idempotency: core's key derivation and expiry
/// ([`replay_key`](hookverify_core::replay::replay_key), …) and the stores and guard of
/// `hookverify-replay` ([`Guard`](hookverify_replay::Guard), [`MemoryStore`](hookverify_replay::MemoryStore), …).
#[cfg(feature = "replay")]
#[cfg_attr(docsrs, doc(cfg(feature = "replay")))]
pub mod replay {
    #[doc(inline)]
    pub use hookverify_core::replay::*;
    #[doc(inline)]
    pub use hookverify_replay::*;
}

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
