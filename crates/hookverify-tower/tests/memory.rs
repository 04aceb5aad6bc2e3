//! What the layer allocates per request, counted by a global allocator: one copy of the body
//! (or none, when it arrives in one frame) plus a small constant, and no body buffer at all for
//! a request rejected on its headers.
//!
//! Runs without the test harness (`harness = false`), on one thread, so the global counters see
//! nothing but the request under test.

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "a harness-less test reports and fails by itself"
)]

mod common;

use std::alloc::System;
use std::convert::Infallible;

use bytes::Bytes;
use common::{Chunked, NOW, request, signed_headers, stripe};
use hookverify_tower::{VerifiedBody, VerifyWebhookLayer};
use http::{Response, StatusCode};
use http_body::Body as _;
use http_body_util::Full;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tower::{Layer as _, ServiceExt as _};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allowance for everything that is not the body: the verification state (2.7 KB, allocated
/// before the head is read, so that a valid delivery's is written in place), the response's
/// `HeaderMap`, whose first insert reserves room for a few dozen headers, and the request
/// extensions.
const CONSTANT: usize = 4 * 1024;
const BODY_LEN: usize = 64 * 1024;

/// An inner service that drains the body without collecting it.
async fn drain(request: http::Request<VerifiedBody>) -> Result<Response<String>, Infallible> {
    let mut body = std::pin::pin!(request.into_body());
    let mut seen = 0;
    while let Some(frame) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        seen += frame.unwrap().data_ref().map_or(0, Bytes::len);
    }
    Ok(Response::new(seen.to_string()))
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let verifier = stripe();
    let body = Bytes::from(vec![b'm'; BODY_LEN]);
    let headers = signed_headers(&verifier, &body, NOW);
    let service = VerifyWebhookLayer::new(verifier).layer(tower::service_fn(drain));

    // Warm up lazily initialised state (CPU feature detection, the runtime's first poll, the
    // rejection log line's tracing callsite) outside the measured regions.
    let warm = request(&headers, Full::new(body.clone()));
    runtime.block_on(service.clone().oneshot(warm)).unwrap();
    let warm = request(&[], Full::new(Bytes::new()));
    runtime.block_on(service.clone().oneshot(warm)).unwrap();

    // Many frames: the layer gathers them into one buffer, once.
    let chunked = request(&headers, Chunked::new(body.clone(), 4096));
    let service_clone = service.clone();
    let region = Region::new(GLOBAL);
    let response = runtime.block_on(service_clone.oneshot(chunked)).unwrap();
    let stats = region.change();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        stats.bytes_allocated <= BODY_LEN + CONSTANT,
        "a {BODY_LEN} B body in 16 frames cost {} B",
        stats.bytes_allocated
    );
    println!(
        "16 frames of 4 KiB: {} B allocated for a {BODY_LEN} B body",
        stats.bytes_allocated
    );

    // One frame: kept as it came, no copy at all.
    let single = request(&headers, Full::new(body.clone()));
    let service_clone = service.clone();
    let region = Region::new(GLOBAL);
    let response = runtime.block_on(service_clone.oneshot(single)).unwrap();
    let stats = region.change();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        stats.bytes_allocated <= CONSTANT,
        "a {BODY_LEN} B body in one frame cost {} B",
        stats.bytes_allocated
    );
    println!("1 frame: {} B allocated", stats.bytes_allocated);

    // Unsigned: rejected on its headers, the body never read and never buffered.
    let unsigned = request(&[], Chunked::new(body, 4096));
    let service_clone = service.clone();
    let region = Region::new(GLOBAL);
    let response = runtime.block_on(service_clone.oneshot(unsigned)).unwrap();
    let stats = region.change();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(
        stats.bytes_allocated <= CONSTANT,
        "an unsigned request cost {} B",
        stats.bytes_allocated
    );
    println!("unsigned: {} B allocated", stats.bytes_allocated);
    println!("memory: 3 passed, 0 failed");
}
