//! The layer in a real axum server on 127.0.0.1: the shared wire suite of
//! `hookverify-test-support` (chunked bodies, exact limits, refusals before the body, lying
//! lengths), and the layer as a plain hyper service.

#![cfg(feature = "axum")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use common::*;
use hookverify_core::Verifier;
use hookverify_test_support::wire::{self, WIRE_LIMIT, Wire};
use hookverify_tower::VerifyWebhookLayer;
use http::{Request, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;

/// Every request in this file gives up after this long, so a bug cannot hang the suite.
const PATIENCE: Duration = Duration::from_secs(10);

/// Serves the wire suite's contract; it stops with the test's runtime.
async fn serve() -> Wire {
    let calls = Arc::new(AtomicUsize::new(0));
    let route = |verifier: Verifier| {
        let calls = calls.clone();
        let name = verifier.scheme().name().to_owned();
        post(move |body: Bytes| {
            let calls = calls.clone();
            let name = name.clone();
            async move {
                calls.fetch_add(1, Ordering::SeqCst);
                format!("{name} {}", body.len())
            }
        })
        .route_layer(VerifyWebhookLayer::new(verifier).max_body_size(WIRE_LIMIT))
    };
    let app = Router::new()
        .route("/github", route(github()))
        .route("/stripe", route(stripe()))
        .route("/standard", route(standard()));
    let addr = serve_router(app).await;
    Wire::new(addr, calls)
}

#[tokio::test]
async fn signed_deliveries_pass_and_others_fail() {
    wire::signed_deliveries_pass_and_others_fail(&serve().await).await;
}

#[tokio::test]
async fn chunked_bodies_verify() {
    wire::chunked_bodies_verify(&serve().await).await;
}

#[tokio::test]
async fn the_limit_is_exact() {
    wire::the_limit_is_exact(&serve().await).await;
}

#[tokio::test]
async fn refusals_come_before_the_body() {
    wire::refusals_come_before_the_body(&serve().await).await;
}

#[tokio::test]
async fn lying_lengths_never_reach_the_handler() {
    wire::lying_lengths_never_reach_the_handler(&serve().await).await;
}

/// A POST through hyper's client; the status and body.
async fn post_body(
    addr: SocketAddr,
    path: &str,
    headers: &[(String, String)],
    body: Full<Bytes>,
) -> (StatusCode, String) {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut builder = Request::post(format!("http://{addr}{path}"));
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let response = tokio::time::timeout(PATIENCE, client.request(builder.body(body).unwrap()))
        .await
        .unwrap()
        .unwrap();
    let status = response.status();
    let text = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(text.to_vec()).unwrap())
}

#[tokio::test]
async fn works_as_a_plain_hyper_service_without_axum() {
    use hyper_util::rt::TokioIo;
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceBuilder;

    let verifier = standard();
    let service = ServiceBuilder::new()
        .layer(VerifyWebhookLayer::new(verifier.clone()))
        .service_fn(
            |request: Request<hookverify_tower::VerifiedBody>| async move {
                let id = request
                    .extensions()
                    .get::<hookverify_core::Verified>()
                    .and_then(|verified| verified.id().map(str::to_owned))
                    .unwrap_or_default();
                Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::from(id))))
            },
        );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let service = TowerToHyperService::new(service.clone());
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service),
            );
        }
    });

    let headers = signed_headers(&verifier, BODY, NOW);
    let body = || Full::new(Bytes::from_static(BODY));
    assert_eq!(
        post_body(addr, "/", &headers, body()).await,
        (StatusCode::OK, "msg_2b1mrbFbVWTYo8WbMvmoj3gSgvg".to_owned())
    );
    let (status, _) = post_body(addr, "/", &[], body()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
