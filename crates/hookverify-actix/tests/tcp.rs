//! The middleware in a real actix-web server on 127.0.0.1: the shared wire suite of
//! `hookverify-test-support` (chunked bodies, exact limits, refusals before the body, lying
//! lengths).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::web;
use common::*;
use hookverify_actix::{VerifiedDelivery, VerifyWebhook};
use hookverify_test_support::wire::{self, WIRE_LIMIT, Wire};

/// Serves the wire suite's contract with one worker; it stops when the test's system does.
fn serve() -> Wire {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let addr = serve_routes(move |config| {
        for (path, verifier) in [
            ("/github", github()),
            ("/stripe", stripe()),
            ("/standard", standard()),
        ] {
            let calls = counted.clone();
            config.service(
                web::resource(path)
                    .wrap(VerifyWebhook::new(verifier).max_body_size(WIRE_LIMIT))
                    .app_data(web::PayloadConfig::new(WIRE_LIMIT))
                    .route(web::post().to(
                        move |VerifiedDelivery(verified): VerifiedDelivery, body: web::Bytes| {
                            calls.fetch_add(1, Ordering::SeqCst);
                            async move { format!("{} {}", verified.scheme(), body.len()) }
                        },
                    )),
            );
        }
    });
    Wire::new(addr, calls)
}

#[actix_web::test]
async fn signed_deliveries_pass_and_others_fail() {
    wire::signed_deliveries_pass_and_others_fail(&serve()).await;
}

#[actix_web::test]
async fn chunked_bodies_verify() {
    wire::chunked_bodies_verify(&serve()).await;
}

#[actix_web::test]
async fn the_limit_is_exact() {
    wire::the_limit_is_exact(&serve()).await;
}

#[actix_web::test]
async fn refusals_come_before_the_body() {
    wire::refusals_come_before_the_body(&serve()).await;
}

#[actix_web::test]
async fn lying_lengths_never_reach_the_handler() {
    wire::lying_lengths_never_reach_the_handler(&serve()).await;
}
