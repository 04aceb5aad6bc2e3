//! hookverify in one run: an axum server with a GitHub and a Stripe webhook route behind verify
//! layers, and a client that sends it good and bad deliveries over real HTTP.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! It prints one line per request and exits 0 when every outcome is the expected one. The
//! server runs as a public endpoint must (see `examples/common`): deadlines for the headers and
//! the body, a cap on connections, and one body budget shared by both routes.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "an example reports to the terminal"
)]

mod common;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use hookverify::axum::VerifiedDelivery;
use hookverify::tower::VerifyWebhookLayer;
use hookverify::{BodyBudget, SignOptions, Verifier};
use http_body_util::BodyExt as _;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;

/// Test-only secrets, as GitHub's and Stripe's dashboards would show them.
const GITHUB_SECRET: &str = "quickstart-test-only-secret";
const STRIPE_SECRET: &str = "whsec_quickstartTestOnlySecret";
/// The Stripe route accepts bodies up to this size.
const STRIPE_MAX_BODY: usize = 64 * 1024;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

// ==== the server: what an application writes ====

/// GitHub: every verified delivery is acknowledged, whatever its content type.
async fn github_webhook(
    VerifiedDelivery(verified): VerifiedDelivery,
    headers: HeaderMap,
    body: Bytes,
) -> String {
    let event = headers
        .get("x-github-event")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("unknown");
    format!(
        "{} `{event}` event, {} bytes",
        verified.scheme(),
        body.len()
    )
}

#[derive(Deserialize)]
struct StripeEvent {
    id: String,
    r#type: String,
}

/// Stripe: the body is parsed only after the layer verified it.
async fn stripe_webhook(Json(event): Json<StripeEvent>) -> String {
    format!("stripe {} ({})", event.r#type, event.id)
}

fn app(github: Verifier, stripe: Verifier) -> Router {
    // One budget for both routes: together, their bodies in flight hold at most 64 MiB.
    let budget = BodyBudget::new(common::BODY_BUDGET);
    let verify = |verifier| {
        VerifyWebhookLayer::new(verifier)
            .body_timeout(common::BODY_TIMEOUT)
            .body_budget(budget.clone())
    };
    Router::new()
        .route(
            "/webhooks/github",
            post(github_webhook).route_layer(verify(github)),
        )
        .route(
            "/webhooks/stripe",
            post(stripe_webhook).route_layer(verify(stripe).max_body_size(STRIPE_MAX_BODY)),
        )
}

// ==== the client: what GitHub and Stripe (and an attacker) send ====

struct Case {
    what: &'static str,
    path: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    expected: StatusCode,
}

fn cases(github: &Verifier, stripe: &Verifier) -> Result<Vec<Case>, BoxError> {
    let now = SystemTime::now();
    let push = br#"{"ref":"refs/heads/main","commits":[]}"#.to_vec();
    let payment = br#"{"id":"evt_1Qquickstart","type":"payment_intent.succeeded"}"#.to_vec();
    let with = |mut headers: Vec<(String, String)>, extra: &[(&str, &str)]| {
        headers.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        headers
    };

    let github_signed = with(
        github.sign(&push, &SignOptions::at(now))?,
        &[
            ("X-GitHub-Event", "push"),
            ("Content-Type", "application/json"),
        ],
    );
    let stripe_signed = with(
        stripe.sign(&payment, &SignOptions::at(now))?,
        &[("Content-Type", "application/json")],
    );
    let an_hour_ago = now - Duration::from_secs(3600);
    let stripe_stale = with(
        stripe.sign(&payment, &SignOptions::at(an_hour_ago))?,
        &[("Content-Type", "application/json")],
    );
    let oversized = vec![b' '; STRIPE_MAX_BODY + 1];
    let stripe_oversized = with(
        stripe.sign(&oversized, &SignOptions::at(now))?,
        &[("Content-Type", "application/json")],
    );
    let mut tampered = payment.clone();
    tampered.splice(8..9, *b"X");

    Ok(vec![
        Case {
            what: "signed GitHub push",
            path: "/webhooks/github",
            headers: github_signed,
            body: push.clone(),
            expected: StatusCode::OK,
        },
        Case {
            what: "signed Stripe event",
            path: "/webhooks/stripe",
            headers: stripe_signed.clone(),
            body: payment.clone(),
            expected: StatusCode::OK,
        },
        Case {
            what: "unsigned GitHub push",
            path: "/webhooks/github",
            headers: with(Vec::new(), &[("X-GitHub-Event", "push")]),
            body: push,
            expected: StatusCode::UNAUTHORIZED,
        },
        Case {
            what: "Stripe event, body tampered",
            path: "/webhooks/stripe",
            headers: stripe_signed,
            body: tampered,
            expected: StatusCode::UNAUTHORIZED,
        },
        Case {
            what: "Stripe event signed an hour ago",
            path: "/webhooks/stripe",
            headers: stripe_stale,
            body: payment,
            expected: StatusCode::UNAUTHORIZED,
        },
        Case {
            what: "Stripe event over 64 KiB",
            path: "/webhooks/stripe",
            headers: stripe_oversized,
            body: oversized,
            expected: StatusCode::PAYLOAD_TOO_LARGE,
        },
    ])
}

async fn send(
    client: &Client<HttpConnector, Body>,
    addr: SocketAddr,
    case: &Case,
) -> Result<(StatusCode, String), BoxError> {
    let mut request = Request::post(format!("http://{addr}{}", case.path));
    for (name, value) in &case.headers {
        request = request.header(name, value);
    }
    let response = client
        .request(request.body(Body::from(case.body.clone()))?)
        .await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

async fn run() -> Result<bool, BoxError> {
    let github = Verifier::github(GITHUB_SECRET)?;
    let stripe = Verifier::stripe(STRIPE_SECRET)?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(common::serve(listener, app(github.clone(), stripe.clone())));
    println!("listening on http://{addr}\n");

    let client = Client::builder(TokioExecutor::new()).build_http();
    let mut all_as_expected = true;
    for case in cases(&github, &stripe)? {
        let (status, reason) = send(&client, addr, &case).await?;
        let ok = status == case.expected;
        all_as_expected &= ok;
        println!(
            "{} {:<32} -> {} {}",
            if ok { "ok  " } else { "FAIL" },
            case.what,
            status.as_u16(),
            reason
        );
        if !ok {
            println!("     expected {}", case.expected);
        }
    }
    server.abort();
    Ok(all_as_expected)
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => {
            println!("\nevery delivery was handled as it should be");
            ExitCode::SUCCESS
        }
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("quickstart failed: {err}");
            ExitCode::FAILURE
        }
    }
}
