//! Verify signed webhook deliveries — GitHub, Stripe, Standard Webhooks (Svix) and any HMAC
//! scheme — on the raw bytes, in constant time, within a freshness window.
//!
//! This is the facade crate: it re-exports [`hookverify-core`](hookverify_core), and framework
//! adapters join it behind features as they land. See the core crate's documentation for the
//! full guide.
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

#![cfg_attr(docsrs, feature(doc_cfg))]

#[doc(inline)]
pub use hookverify_core::*;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
