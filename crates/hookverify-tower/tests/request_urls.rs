//! The public URL of request-signing schemes (Twilio, Square), over real TCP: the shared suite
//! of `hookverify-test-support`, against the layer and the extractor, each in a nested router
//! served with the peer's address (`ConnectInfo`).

#![cfg(feature = "axum")]

mod common;

use std::net::SocketAddr;

use axum::Router;
use axum::routing::post;
use common::serve_router;
use hookverify_core::Verifier;
use hookverify_test_support::request_urls;
use hookverify_tower::VerifyWebhookLayer;
use hookverify_tower::axum::VerifiedWebhook;

/// Serves `app` (the route `/twilio` under `/hooks`) with the peer's address.
async fn serve(app: Router) -> SocketAddr {
    let app = Router::new().nest("/hooks", app);
    serve_router(app).await
}

#[tokio::test]
async fn the_layer_signs_the_configured_public_url() {
    request_urls::the_signed_url_is_the_configured_public_url(async |verifier: Verifier| {
        serve(Router::new().route(
            "/twilio",
            post(|| async { "ok" }).route_layer(VerifyWebhookLayer::new(verifier)),
        ))
        .await
    })
    .await;
}

#[tokio::test]
async fn the_extractor_signs_the_configured_public_url() {
    request_urls::the_signed_url_is_the_configured_public_url(async |verifier: Verifier| {
        serve(
            Router::new()
                .route("/twilio", post(|_: VerifiedWebhook| async { "ok" }))
                .with_state(verifier),
        )
        .await
    })
    .await;
}
