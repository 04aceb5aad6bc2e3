//! The public URL of request-signing schemes (Twilio, Square), in a real actix-web server on
//! 127.0.0.1: the shared suite of `hookverify-test-support`, against the middleware and the
//! extractor, each in a scope.

mod common;

use std::net::SocketAddr;

use actix_web::web;
use common::serve_routes;
use hookverify_actix::{VerifiedWebhook, VerifyWebhook};
use hookverify_core::Verifier;
use hookverify_test_support::request_urls;

/// Starts a one-worker server with `/hooks/twilio` made by `route`; it stops with the test.
fn serve(route: fn(&mut web::ServiceConfig, Verifier), verifier: Verifier) -> SocketAddr {
    serve_routes(move |config| {
        let verifier = verifier.clone();
        config.service(web::scope("/hooks").configure(move |config| route(config, verifier)));
    })
}

#[actix_web::test]
async fn the_middleware_signs_the_configured_public_url() {
    request_urls::the_signed_url_is_the_configured_public_url(async |verifier: Verifier| {
        serve(
            |config, verifier| {
                config.service(
                    web::resource("/twilio")
                        .wrap(VerifyWebhook::new(verifier))
                        .route(web::post().to(|| async { "ok" })),
                );
            },
            verifier,
        )
    })
    .await;
}

#[actix_web::test]
async fn the_extractor_signs_the_configured_public_url() {
    request_urls::the_signed_url_is_the_configured_public_url(async |verifier: Verifier| {
        serve(
            |config, verifier| {
                config.service(
                    web::resource("/twilio")
                        .app_data(verifier)
                        .route(web::post().to(|_: VerifiedWebhook| async { "ok" })),
                );
            },
            verifier,
        )
    })
    .await;
}
