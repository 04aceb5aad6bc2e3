//! A Stripe webhook receiver on actix-web: the handler takes the verified event as one extractor
//! and branches on its type.
//!
//! ```sh
//! STRIPE_WEBHOOK_SECRET=whsec_test-only-secret cargo run --example actix_stripe
//! ```
//!
//! It listens on 127.0.0.1 at `PORT` (default 3000; 0 picks a free port). At start it prints a
//! `curl` command that sends a test event signed with the configured secret (valid for five
//! minutes), so it can be tried without a Stripe account; `stripe listen --forward-to` works too.
//!
//! It is served as a public endpoint must be: the request head within 10 s, the body within 20 s
//! more (408 otherwise), idle keep-alive connections closed after 10 s, at most 256 connections
//! per worker, one 64 MiB budget for all bodies in flight, and `Expect: 100-continue` answered
//! with the rejection (not `100 Continue`) when the headers already fail. That last one needs
//! actix-http's expect service, which `HttpServer` does not expose, so the app is served with
//! `actix_http::HttpService` on `actix_server` — the same pieces `HttpServer` is made of.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "an example reports to the terminal"
)]

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use actix_http::{HttpService, KeepAlive};
use actix_server::Server;
use actix_service::map_config;
use actix_web::dev::AppConfig;
use actix_web::{App, HttpResponse, web};
use hookverify::actix::{ExpectContinue, VerifiedJson, WebhookConfig};
use hookverify::{BodyBudget, SignOptions, Verifier};
use serde::Deserialize;

/// The request head must arrive within this; idle keep-alive connections close after it.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The body must arrive within this once the head is in.
const BODY_TIMEOUT: Duration = Duration::from_secs(20);
/// Connections each worker serves at once; more wait in the kernel's backlog.
const MAX_CONNECTIONS_PER_WORKER: usize = 256;
/// Body bytes all deliveries in flight may hold together.
const BODY_BUDGET: usize = 64 * 1024 * 1024;
const PATH: &str = "/webhooks/stripe";

/// The part of a Stripe event this receiver reads.
#[derive(Debug, Deserialize)]
struct Event {
    id: String,
    r#type: String,
    data: EventData,
}

#[derive(Debug, Deserialize)]
struct EventData {
    object: serde_json::Value,
}

async fn stripe_webhook(VerifiedJson(event, ..): VerifiedJson<Event>) -> HttpResponse {
    let object = &event.data.object;
    match event.r#type.as_str() {
        "payment_intent.succeeded" => {
            let amount = object
                .pointer("/amount")
                .and_then(serde_json::Value::as_u64)
                .unwrap_or_default();
            let currency = object
                .pointer("/currency")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("?");
            tracing::info!(event = event.id, amount, currency, "payment succeeded");
        }
        "payment_intent.payment_failed" => {
            let reason = object
                .pointer("/last_payment_error/message")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("unknown");
            tracing::warn!(event = event.id, reason, "payment failed");
        }
        "charge.refunded" => tracing::info!(event = event.id, "charge refunded"),
        other => tracing::info!(event = event.id, r#type = other, "event ignored"),
    }
    // Acknowledge quickly; Stripe retries anything but a 2xx.
    HttpResponse::Ok().finish()
}

/// A `curl` command that sends a sample event signed now with `verifier`'s secret.
fn sample_request(verifier: &Verifier, addr: SocketAddr) -> Option<String> {
    let body = r#"{"id":"evt_test_hookverify","type":"payment_intent.succeeded","data":{"object":{"amount":2000,"currency":"eur"}}}"#;
    let headers = verifier
        .sign(body.as_bytes(), &SignOptions::at(SystemTime::now()))
        .ok()?;
    let signature = headers.first()?;
    Some(format!(
        "curl -i http://{addr}{PATH} -H 'Content-Type: application/json' \\\n  -H '{}: {}' \\\n  --data '{body}'",
        signature.0, signature.1
    ))
}

#[actix_web::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt().init();

    let Ok(secret) = std::env::var("STRIPE_WEBHOOK_SECRET") else {
        eprintln!("set STRIPE_WEBHOOK_SECRET to your endpoint's signing secret (whsec_…)");
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
    let verifier = match Verifier::stripe(&secret) {
        Ok(verifier) => verifier,
        Err(err) => {
            eprintln!("STRIPE_WEBHOOK_SECRET is not usable: {err}");
            return ExitCode::FAILURE;
        }
    };

    let listener = match TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let Ok(addr) = listener.local_addr() else {
        eprintln!("the listener has no local address");
        return ExitCode::FAILURE;
    };
    if let Some(command) = sample_request(&verifier, addr) {
        println!("try it with a freshly signed test event:\n\n{command}\n");
    }

    let budget = BodyBudget::new(BODY_BUDGET);
    let config = WebhookConfig::default()
        .body_timeout(BODY_TIMEOUT)
        .body_budget(budget.clone());
    let expect = ExpectContinue::new()
        .route(PATH, verifier.clone())
        .body_budget(budget);
    let verifier = web::Data::new(verifier);
    let server = Server::build()
        .max_concurrent_connections(MAX_CONNECTIONS_PER_WORKER)
        .listen("stripe-webhooks", listener, move || {
            let app = App::new()
                .app_data(verifier.clone())
                .app_data(config.clone())
                .route(PATH, web::post().to(stripe_webhook));
            HttpService::build()
                .client_request_timeout(HEADER_READ_TIMEOUT)
                .keep_alive(KeepAlive::Timeout(HEADER_READ_TIMEOUT))
                .expect(expect.clone())
                .finish(map_config(app, |()| AppConfig::default()))
                .tcp()
        });
    let server = match server {
        Ok(server) => server,
        Err(err) => {
            eprintln!("cannot serve on {addr}: {err}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!("listening on http://{addr}{PATH}");
    match server.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("server error: {err}");
            ExitCode::FAILURE
        }
    }
}
