//! actix-web middleware and extractors that verify signed webhook deliveries (GitHub, Stripe,
//! Standard Webhooks, generic HMAC) before a handler trusts them.
//!
//! # Example
//!
//! Stripe events verified and parsed in one extractor, with the verifier in app data:
//!
//! ```no_run
//! use actix_web::{App, HttpResponse, HttpServer, web};
//! use hookverify_actix::VerifiedJson;
//! use hookverify_core::Verifier;
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Event {
//!     r#type: String,
//! }
//!
//! async fn stripe(VerifiedJson(event): VerifiedJson<Event>) -> HttpResponse {
//!     println!("verified {}", event.r#type);
//!     HttpResponse::Ok().finish()
//! }
//!
//! #[actix_web::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let verifier = web::Data::new(Verifier::stripe("whsec_test-only-secret")?);
//!     HttpServer::new(move || {
//!         App::new()
//!             .app_data(verifier.clone())
//!             .route("/webhooks/stripe", web::post().to(stripe))
//!     })
//!     .bind(("127.0.0.1", 3000))?
//!     .run()
//!     .await?;
//!     Ok(())
//! }
//! ```
//!
//! # Middleware or extractor
//!
//! - [`VerifyWebhook`] wraps an app, scope or resource: deliveries are checked before routing
//!   reaches the handler, which then reads the body with any extractor (`web::Bytes`,
//!   `web::Json<T>`, `String`) and the metadata with [`VerifiedDelivery`].
//! - [`VerifiedWebhook`] and [`VerifiedJson`] verify in the handler itself, with the
//!   [`Verifier`](hookverify_core::Verifier) from app data.
//!
//! Rejections are [`WebhookError`]s: 401 for unsigned, forged or stale deliveries, 400 for a
//! malformed header or body, 413 for an oversized one, with a short `text/plain` reason. They are
//! logged through `tracing` at WARN under the target `hookverify::rejection`, never with the
//! secret, a signature or the body.
//!
//! # Security considerations
//!
//! - Wrap verification outside anything that decompresses or rewrites payloads: the signature
//!   covers the raw bytes.
//! - The middleware bounds the payload (2 MiB by default); the extractors use
//!   `web::PayloadConfig`'s limit.
//! - A signed delivery can be replayed within the tolerance (five minutes by default): drop
//!   repeated [`Verified::id`](hookverify_core::Verified::id)s where the scheme has them.
//!
//! # MSRV
//!
//! Rust 1.89 (actix-web 4.18's own).

#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
mod error;
mod expect;
mod extractor;
mod middleware;

pub use crate::body::WebhookConfig;
pub use crate::error::{WebhookError, status_code};
pub use crate::expect::ExpectContinue;
pub use crate::extractor::{VerifiedDelivery, VerifiedJson, VerifiedWebhook};
pub use crate::middleware::{VerifyWebhook, VerifyWebhookMiddleware};
pub use hookverify_core::DEFAULT_MAX_BODY_SIZE;
