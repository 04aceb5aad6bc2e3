//! actix-web middleware and extractors that verify signed webhook deliveries (every preset of
//! `hookverify-core`: GitHub, Stripe, Slack, Twilio, Discord, Standard Webhooks, …) before a
//! handler trusts them, and answer the providers' endpoint handshakes.
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
//! async fn stripe(VerifiedJson(event, ..): VerifiedJson<Event>) -> HttpResponse {
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
//! - [`VerifiedWebhook`], [`VerifiedJson`], `VerifiedForm`, `VerifiedSlackPayload` (feature
//!   `form`) and `VerifiedXml` (feature `xml`) verify in the handler itself, with the verifier
//!   from app data, then parse the verified body (400 with the reason when it does not parse).
//!   An app with several providers registers one key type per provider — a newtype over
//!   [`Verifier`](hookverify_core::Verifier) that turns back into one — and names it in the
//!   extractor: `VerifiedJson<Event, Stripe>`. `examples/receiver_actix.rs` in the repository
//!   receives nine providers this way.
//! - [`GuardedWebhook`] verifies as `VerifiedWebhook` does and then claims the delivery in the
//!   replay [`Guard`](hookverify_replay::Guard) registered as app data: the handler runs once
//!   per delivery (or per event) and answers through [`GuardedWebhook::finish`], which commits
//!   the claim on 2xx and releases it otherwise. The middleware does the same with
//!   [`VerifyWebhook::replay`].
//!
//! A route of many tenants, each with its own keys, uses
//! [`VerifyWebhook::for_tenants`] with a [`Tenants`](hookverify_replay::Tenants) resolver.
//!
//! Both answer the verifier's [handshakes](hookverify_core::Handshake) in the handler's place:
//! Meta's and Dropbox's `GET`s and Microsoft Graph's validation before any verification, on
//! their exact method and query; Slack's, Zoom's, Twitch's and Discord's once they verified.
//! Route the `GET` of a Meta or Dropbox resource to it too.
//!
//! Rejections are [`WebhookError`]s: 401 for unsigned, forged or stale deliveries, 400 for a
//! malformed header or body, 413 for an oversized one, with a short `text/plain` reason
//! ([`VerifyError::public_message`](hookverify_core::VerifyError::public_message): never the
//! server's clock). They are logged through `tracing` at DEBUG by default
//! ([`VerifyWebhook::log_rejections_at`], [`WebhookConfig::log_rejections_at`]) under the target
//! `hookverify::rejection`, with a fixed reason: never the secret, a signature, the body or any
//! value from the request.
//!
//! # What a delivery holds, for how long, and what to configure around it
//!
//! The middleware and the extractors read a payload the same way. Per request, once the
//! headers have passed:
//!
//! - the pending verification, about 2.6 KiB on the heap, until the payload ends or the request
//!   is rejected;
//! - the payload, once: a payload that arrives in one chunk is kept as it came; otherwise a
//!   buffer that starts at 64 KiB at most and doubles as bytes arrive, never past the announced
//!   length or the limit (2 MiB by default). The announced `Content-Length` is never reserved up
//!   front, and a failed allocation is answered with 503, never an abort;
//! - for as long as the client takes to send it, unless a body deadline bounds it
//!   ([`VerifyWebhook::body_timeout`], [`WebhookConfig::body_timeout`]: 408, buffer freed).
//!   actix-web's own `client_request_timeout` bounds only the headers, never the body.
//!
//! A [`BodyBudget`](hookverify_core::BodyBudget) shared by every route and worker
//! ([`VerifyWebhook::body_budget`], [`WebhookConfig::body_budget`]) bounds the sum: past it,
//! deliveries are answered with 503 before their payloads are read.
//!
//! From the server, a public endpoint also needs: `client_request_timeout` (5 s by default) and
//! a keep-alive timeout (`KeepAlive::Timeout`), a cap on connections (`max_connections` per
//! worker) below the file-descriptor limit, and — so that a client sending
//! `Expect: 100-continue` is refused before it uploads a body nobody will read — the
//! [`ExpectContinue`] expect service. `HttpServer` does not expose the expect service, so serve
//! the app with `actix_http::HttpService` on `actix_server` (the pieces `HttpServer` is made of),
//! as `examples/actix_stripe.rs` in the repository does.
//!
//! # Schemes that sign the URL
//!
//! Twilio, Square and HubSpot v2/v3 sign the method and the public URL the provider called. The
//! middleware and the extractors hand core the request's method, its path and query as received
//! and the peer's address; the verifier's [`PublicUrl`](hookverify_core::PublicUrl) decides the
//! URL. `Host` and `X-Forwarded-*` are never read unless the `PublicUrl` trusts the peer they
//! came from (actix-web's `peer_addr`, the TCP peer).
//!
//! ```
//! use actix_web::{App, web};
//! use hookverify_actix::VerifyWebhook;
//! use hookverify_core::{PublicUrl, Scheme, Verifier};
//!
//! let verifier = Verifier::builder(Scheme::twilio())
//!     .secret("test-only-auth-token")
//!     .public_url(PublicUrl::origin("https://hooks.example.com")?)
//!     .build()?;
//! let app = App::new().service(
//!     web::resource("/twilio/sms")
//!         .wrap(VerifyWebhook::new(verifier))
//!         .route(web::post().to(|| async { "<Response/>" })),
//! );
//! # let _ = app;
//! # Ok::<(), hookverify_core::ConfigError>(())
//! ```
//!
//! # Security considerations
//!
//! - Wrap verification outside anything that decompresses or rewrites payloads: the signature
//!   covers the raw bytes.
//! - The middleware and the extractors bound the payload (2 MiB by default; set the
//!   extractors' with [`WebhookConfig`]), and optionally its time and the total held.
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
mod head;
mod middleware;

pub use crate::body::WebhookConfig;
pub use crate::error::{WebhookError, status_code};
pub use crate::expect::ExpectContinue;
#[cfg(feature = "xml")]
pub use crate::extractor::VerifiedXml;
pub use crate::extractor::{GuardedWebhook, VerifiedDelivery, VerifiedJson, VerifiedWebhook};
#[cfg(feature = "form")]
pub use crate::extractor::{VerifiedForm, VerifiedSlackPayload};
pub use crate::middleware::{VerifyWebhook, VerifyWebhookMiddleware};
pub use hookverify_core::DEFAULT_MAX_BODY_SIZE;
