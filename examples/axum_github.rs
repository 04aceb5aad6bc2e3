//! A small GitHub webhook receiver on axum.
//!
//! ```sh
//! GITHUB_WEBHOOK_SECRET="It's a Secret to Everybody" cargo run --example axum_github
//! ```
//!
//! It listens on 127.0.0.1 at `PORT` (default 3000; 0 picks a free port) and acknowledges every
//! verified delivery with 204, whatever its content type (GitHub sends JSON or form-encoded
//! payloads, and a `ping` can be anything), logging the event, the delivery id and the size.
//! It is served with the deadlines and bounds of `examples/common` (10 s for the headers and
//! idle connections, 20 s for the body, 512 connections, a 64 MiB body budget), as a public
//! endpoint must be. Try it with GitHub's own example delivery:
//!
//! ```sh
//! curl -i http://127.0.0.1:3000/webhook \
//!   -H 'X-GitHub-Event: ping' -H 'X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958' \
//!   -H 'X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' \
//!   --data 'Hello, World!'
//! ```

#![allow(clippy::print_stderr, reason = "an example reports to the terminal")]

mod common;

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hookverify::axum::VerifiedDelivery;
use hookverify::tower::VerifyWebhookLayer;
use hookverify::{BodyBudget, Verifier};

async fn webhook(
    VerifiedDelivery(verified): VerifiedDelivery,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("-")
            .to_owned()
    };
    tracing::info!(
        event = header("x-github-event"),
        delivery = header("x-github-delivery"),
        bytes = body.len(),
        scheme = verified.scheme(),
        "verified GitHub delivery"
    );
    StatusCode::NO_CONTENT
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt().init();

    let Ok(secret) = std::env::var("GITHUB_WEBHOOK_SECRET") else {
        eprintln!("set GITHUB_WEBHOOK_SECRET to the secret of your GitHub webhook");
        return ExitCode::FAILURE;
    };
    let port = match std::env::var("PORT").map(|port| port.parse::<u16>()) {
        Err(_) => 3000,
        Ok(Ok(port)) => port,
        Ok(Err(err)) => {
            eprintln!("PORT must be a port number: {err}");
            return ExitCode::FAILURE;
        }
    };
    let verifier = match Verifier::github(&secret) {
        Ok(verifier) => verifier,
        Err(err) => {
            eprintln!("GITHUB_WEBHOOK_SECRET is not usable: {err}");
            return ExitCode::FAILURE;
        }
    };

    let verify = VerifyWebhookLayer::new(verifier)
        .body_timeout(common::BODY_TIMEOUT)
        .body_budget(BodyBudget::new(common::BODY_BUDGET));
    let app = Router::new()
        .route("/webhook", post(webhook))
        .route_layer(verify);
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("cannot listen on {addr}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().unwrap_or(addr);
    tracing::info!("listening on http://{addr}/webhook");
    common::serve(listener, app).await;
    ExitCode::SUCCESS
}
