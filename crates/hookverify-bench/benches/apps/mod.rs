//! The routes both the wrk servers (`servers`) and the in-process bench (`adapters`) load, for
//! axum and actix-web alike, each answering the body's length:
//!
//! - `/plain` collects the body (axum's `Bytes`, actix's `web::Bytes`);
//! - `/hashed` does the same and computes the bare pre-keyed HMAC-SHA256 of what Stripe signs
//!   (`{t}.` and the body) itself: the hashing baseline, what any verifier must spend;
//! - `/core` collects the body and verifies it with core's one-shot `verify` in the handler;
//! - `/verified` is `/plain` behind the verify layer (axum) or middleware (actix).
//!
//! The verifier is Stripe's, with its clock fixed at the signing time.

#![allow(
    clippy::unwrap_used,
    dead_code,
    unreachable_pub,
    reason = "benchmark setup, shared by two bench binaries"
)]

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hmac::{Hmac, KeyInit as _, Mac as _};
use hookverify_core::{Clock, Scheme, SignOptions, Verifier};
use sha2::Sha256;

const SECRET: &str = "whsec_bench-test-only-secret";
const SIGNED_AT: u64 = 1_700_000_000;
/// What Stripe signs before the body: the timestamp and a dot.
const SIGNED_PREFIX: &[u8] = b"1700000000.";

/// The routes, in the order reports list them.
pub const ROUTES: [&str; 4] = ["plain", "hashed", "core", "verified"];

#[derive(Debug, Clone, Copy)]
struct Fixed;

impl Clock for Fixed {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(SIGNED_AT)
    }
}

pub fn verifier() -> Verifier {
    Verifier::builder(Scheme::stripe())
        .secret(SECRET)
        .with_clock(Fixed)
        .build()
        .unwrap()
}

/// A delivery of `size` bytes (a JSON object) and the headers that sign it. Checks that the
/// hashing baseline computes exactly the tag the delivery carries, so it hashes what the
/// verifier must.
pub fn delivery(size: usize) -> (Bytes, Vec<(String, String)>) {
    let mut body = br#"{"id":"evt_bench","object":"event","data":""#.to_vec();
    body.resize(size.saturating_sub(2), b'a');
    body.extend_from_slice(br#""}"#);
    body.truncate(size);
    let headers = verifier()
        .sign(&body, &SignOptions::at(Fixed.now()))
        .unwrap();
    let tag = const_hex::encode(tag(&keyed(), &body));
    let signature = &headers
        .iter()
        .find(|(name, _)| name == "Stripe-Signature")
        .unwrap()
        .1;
    assert_eq!(
        signature,
        &format!("t={SIGNED_AT},v1={tag}"),
        "the baseline must hash what Stripe signs"
    );
    (Bytes::from(body), headers)
}

/// The pre-keyed HMAC the hashing baseline clones per request.
pub fn keyed() -> Hmac<Sha256> {
    Hmac::new_from_slice(SECRET.as_bytes()).unwrap()
}

/// The bare HMAC of Stripe's signed content: `{t}.` and the body.
fn tag(keyed: &Hmac<Sha256>, body: &[u8]) -> [u8; 32] {
    let mut mac = keyed.clone();
    mac.update(SIGNED_PREFIX);
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// What `/hashed` does beyond collecting.
pub fn hash(keyed: &Hmac<Sha256>, body: &[u8]) -> usize {
    black_box(tag(keyed, body)).len()
}

thread_local! {
    static KEYED: Hmac<Sha256> = keyed();
    static VERIFIER: Verifier = verifier();
}

fn hashed_len(body: &[u8]) -> String {
    KEYED.with(|keyed| hash(keyed, body)).to_string()
}

fn core_len<H: hookverify_core::Headers + ?Sized>(headers: &H, body: &[u8]) -> String {
    VERIFIER
        .with(|verifier| verifier.verify(headers, body, verifier.now()))
        .unwrap();
    body.len().to_string()
}

pub mod axum_app {
    use super::{Bytes, core_len, hashed_len, verifier};
    use axum::Router;
    use axum::routing::post;
    use hookverify_tower::VerifyWebhookLayer;

    async fn plain(body: Bytes) -> String {
        body.len().to_string()
    }

    async fn hashed(body: Bytes) -> String {
        hashed_len(&body)
    }

    async fn core(request: axum::extract::Request) -> String {
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        core_len(&parts.headers, &body)
    }

    /// The four routes, with handlers made routes once (as `axum::serve` does per
    /// connection), not per request.
    pub fn router() -> Router {
        Router::new()
            .route("/plain", post(plain))
            .route("/hashed", post(hashed))
            .route("/core", post(core))
            .route(
                "/verified",
                post(plain).route_layer(VerifyWebhookLayer::new(verifier())),
            )
            .with_state(())
    }
}

pub mod actix_app {
    use super::{Bytes, core_len, hashed_len, verifier};
    use actix_web::{HttpRequest, web};
    use hookverify_actix::VerifyWebhook;

    async fn plain(body: Bytes) -> String {
        body.len().to_string()
    }

    async fn hashed(body: Bytes) -> String {
        hashed_len(&body)
    }

    async fn core(request: HttpRequest, body: Bytes) -> String {
        core_len(request.headers(), &body)
    }

    /// The four routes, for `App::configure`.
    pub fn routes(config: &mut web::ServiceConfig) {
        config
            .app_data(web::PayloadConfig::new(4 * 1024 * 1024))
            .route("/plain", web::post().to(plain))
            .route("/hashed", web::post().to(hashed))
            .route("/core", web::post().to(core))
            .service(
                web::resource("/verified")
                    .wrap(VerifyWebhook::new(verifier()))
                    .route(web::post().to(plain)),
            );
    }
}
