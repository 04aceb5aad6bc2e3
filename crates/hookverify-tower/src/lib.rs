//! A [tower] layer that verifies signed webhook deliveries before the inner service runs, and
//! (with the `axum` feature) extractors for axum handlers.
//!
//! # Example
//!
//! ```
//! use axum::{Router, routing::post};
//! use hookverify_core::Verifier;
//! use hookverify_tower::VerifyWebhookLayer;
//!
//! async fn github_event(body: String) -> &'static str {
//!     // Only verified deliveries get here, with the exact bytes that were signed.
//!     # let _ = body;
//!     "ok"
//! }
//!
//! let verifier = Verifier::github("test-only-secret")?;
//! let app: Router = Router::new()
//!     .route("/webhooks/github", post(github_event))
//!     .route_layer(VerifyWebhookLayer::new(verifier));
//! # let _ = app;
//! # Ok::<(), hookverify_core::ConfigError>(())
//! ```
//!
//! # What the layer does
//!
//! For each request, in this order:
//!
//! 0. An unsigned [handshake](hookverify_core::Handshake) of the verifier (Meta's or Dropbox's
//!    `GET`, Microsoft Graph's `?validationToken=`) is answered from the method and query
//!    alone, exactly as the provider documents it; the inner service never sees it.
//! 1. It runs [`Verifier::begin`](hookverify_core::Verifier::begin) on the headers. A missing,
//!    malformed or stale signature is answered at once (401; 400 for a malformed header): the
//!    body is never read and the inner service is never called.
//! 2. A `Content-Length` (or body size hint) over the limit is answered with 413, unread; so is
//!    any delivery, with 503, while the shared [`BodyBudget`](hookverify_core::BodyBudget) (if
//!    one is set) is full.
//! 3. The body's frames are streamed through the MAC and kept — one copy, no second pass. A body
//!    that grows past the limit is answered with 413 as soon as it does; a body stream error
//!    with 400; a body still incomplete when the body deadline (if one is set) passes, with 408.
//! 4. A mismatch is answered with 401. A verified signed handshake (Slack's `url_verification`,
//!    Zoom's `endpoint.url_validation`, Twitch's `webhook_callback_verification`, Discord's
//!    PINGs) is answered as its provider expects (every handshake answer carries its
//!    [`Handshake`](hookverify_core::Handshake) in the response's extensions, for outer
//!    layers). Any other verified request goes to the inner
//!    service unchanged (method, URI, headers, extensions) with the buffered body as a
//!    [`VerifiedBody`] and the [`Verified`](hookverify_core::Verified) metadata in its
//!    extensions.
//!
//! A route whose provider checks it with a `GET` (Meta, Dropbox) must let `GET` reach the
//! layer: `post(handler).get(handler)` with `route_layer`, or `Router::layer`.
//!
//! Rejections are responses, never service errors, so the layer works in axum routers, whose
//! services must be infallible, and in hyper. Each one is logged through [`tracing`] at DEBUG
//! by default ([`VerifyWebhookLayer::log_rejections_at`]) under the target
//! `hookverify::rejection`, with the scheme, the status and a fixed reason; never the secret, a
//! signature, the body or any value from the request. The response body is the short reason
//! ([`VerifyError::public_message`](hookverify_core::VerifyError::public_message): never the
//! server's clock), as `text/plain`; swap it with
//! [`VerifyWebhookLayer::with_rejection_response`].
//!
//! # Schemes that sign the URL
//!
//! Twilio, Square and HubSpot v2/v3 sign the method and the public URL the provider called.
//! The layer and the extractors hand core the request's method, its path and query as received
//! (axum's `OriginalUri` in a nested router, so the prefix is kept) and the peer's address
//! (axum's `ConnectInfo<SocketAddr>` from `into_make_service_with_connect_info`, or a
//! `SocketAddr` in the request's extensions); the verifier's
//! [`PublicUrl`](hookverify_core::PublicUrl) decides the URL. `Host` and `X-Forwarded-*` are
//! never read unless the `PublicUrl` trusts the peer they came from.
//!
//! ```
//! use axum::{Router, routing::post};
//! use hookverify_core::{PublicUrl, Scheme, Verifier};
//! use hookverify_tower::VerifyWebhookLayer;
//!
//! let verifier = Verifier::builder(Scheme::twilio())
//!     .secret("test-only-auth-token")
//!     .public_url(PublicUrl::origin("https://hooks.example.com")?)
//!     .build()?;
//! let app: Router = Router::new()
//!     .route("/twilio/sms", post(|| async { "<Response/>" }))
//!     .route_layer(VerifyWebhookLayer::new(verifier));
//! # let _ = app;
//! # Ok::<(), hookverify_core::ConfigError>(())
//! ```
//!
//! # What a delivery holds, for how long, and what to configure around the layer
//!
//! Per request, from the moment the layer sees the headers:
//!
//! - the pending verification, about 2.6 KiB on the heap, until the body ends or the request
//!   is rejected;
//! - the body, once: a body that arrives in one frame is kept as it came; otherwise a buffer
//!   that starts at 64 KiB at most and doubles as bytes arrive, never past the announced length
//!   or the limit ([`VerifyWebhookLayer::max_body_size`], 2 MiB by default). The announced
//!   `Content-Length` is never reserved up front, and a failed allocation is answered with 503,
//!   never an abort;
//! - for as long as the client takes to send the body, unless
//!   [`VerifyWebhookLayer::body_timeout`] bounds it (408, buffer freed at once); after
//!   verification, the body belongs to the handler until it drops it.
//!
//! [`VerifyWebhookLayer::body_budget`] bounds the sum over all requests: one
//! [`BodyBudget`](hookverify_core::BodyBudget) shared by every route counts the bytes their
//! bodies hold (verified bodies until the handler drops them), and refuses deliveries with 503
//! once it is full.
//!
//! The layer cannot bound what happens before it runs or after the handler answers. A public
//! endpoint also needs, from the server:
//!
//! - a header read timeout: `axum::serve` has none, and hyper's `http1::Builder` applies its
//!   `header_read_timeout` only when given a timer (`.timer(hyper_util::rt::TokioTimer::new())`).
//!   With one, it also closes silent connections and idle keep-alive connections;
//! - a cap on concurrent connections (a semaphore around `accept`), below the process's
//!   file-descriptor limit;
//! - a deadline for the handler, if it can be slow (tower-http's `TimeoutLayer`);
//! - room for hyper's own per-connection read buffer (up to about 400 KiB), which no budget
//!   counts.
//!
//! `examples/common/mod.rs` in the repository serves an axum app this way.
//!
//! # Ordering
//!
//! Verification needs the raw bytes exactly as the provider sent them: put the layer before
//! (outside) anything that decompresses, parses or rewrites the body. With
//! [`tower::ServiceBuilder`](https://docs.rs/tower/latest/tower/struct.ServiceBuilder.html),
//! layers run top-down; with `Router::layer`, the last layer added runs first.
//!
//! # Feature flags
//!
//! | feature | description | default |
//! |---------|-------------|---------|
//! | `axum`  | the [`axum`] module: [`axum::VerifiedDelivery`], [`axum::VerifiedWebhook`], [`axum::GuardedWebhook`], [`axum::VerifiedJson`] | no |
//! | `form`  | `axum::VerifiedForm` and `axum::VerifiedSlackPayload` (implies `axum`) | no |
//! | `xml`   | `axum::VerifiedXml` (implies `axum`) | no |
//! | `metrics` | deliveries counted by scheme and outcome, timed, and matches per key index (see `hookverify_core::log`) | no |
//!
//! # Security considerations
//!
//! - Status codes: 401 for unsigned, forged or stale deliveries (webhooks have no
//!   `WWW-Authenticate` challenge, so none is sent), 400 for malformed headers, 413 for
//!   oversized bodies. See [`status_code`].
//! - The body limit (2 MiB by default) bounds memory per request, the body budget bounds it
//!   across requests, and the body deadline bounds time; verification itself allocates
//!   nothing. See above for what the server must bound.
//! - A signed delivery can be replayed within the tolerance (five minutes by default): use
//!   [`Verified::id`](hookverify_core::Verified::id) to drop duplicates where the scheme has ids.
//!
//! # MSRV
//!
//! Rust 1.89.
//!
//! [tower]: https://docs.rs/tower

#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "axum")]
pub mod axum;
mod body;
mod buffer;
mod future;
mod layer;
mod rejection;
mod service;

pub use crate::body::VerifiedBody;
pub use crate::future::ResponseFuture;
pub use crate::layer::VerifyWebhookLayer;
pub use crate::rejection::{DefaultRejectionResponse, RejectionResponse, status_code};
pub use crate::service::VerifyWebhook;
pub use hookverify_core::DEFAULT_MAX_BODY_SIZE;

/// The error type body streams are converted into.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
