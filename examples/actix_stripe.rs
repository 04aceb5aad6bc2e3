//! A Stripe webhook receiver on actix-web: the handler takes the verified event as one extractor
//! and branches on its type.
//!
//! ```sh
//! STRIPE_WEBHOOK_SECRET=whsec_test-only-secret cargo run --example actix_stripe
//! ```
//!
//! It listens on 127.0.0.1 at `PORT` (default 3000). At start it prints a `curl` command that
//! sends a test event signed with the configured secret (valid for five minutes), so it can be
//! tried without a Stripe account; `stripe listen --forward-to` works too.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "an example reports to the terminal"
)]

use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::time::SystemTime;

use actix_web::{App, HttpResponse, HttpServer, web};
use hookverify::actix::VerifiedJson;
use hookverify::{SignOptions, Verifier};
use serde::Deserialize;

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

async fn stripe_webhook(VerifiedJson(event): VerifiedJson<Event>) -> HttpResponse {
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
fn sample_request(verifier: &Verifier, port: u16) -> Option<String> {
    let body = r#"{"id":"evt_test_hookverify","type":"payment_intent.succeeded","data":{"object":{"amount":2000,"currency":"eur"}}}"#;
    let headers = verifier
        .sign(body.as_bytes(), &SignOptions::at(SystemTime::now()))
        .ok()?;
    let signature = headers.first()?;
    Some(format!(
        "curl -i http://127.0.0.1:{port}/webhooks/stripe -H 'Content-Type: application/json' \\\n  -H '{}: {}' \\\n  --data '{body}'",
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

    if let Some(command) = sample_request(&verifier, port) {
        println!("try it with a freshly signed test event:\n\n{command}\n");
    }

    let data = web::Data::new(verifier);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/webhooks/stripe", web::post().to(stripe_webhook))
    })
    .bind((Ipv4Addr::LOCALHOST, port));
    let server = match server {
        Ok(server) => server,
        Err(err) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {err}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!("listening on http://127.0.0.1:{port}/webhooks/stripe");
    match server.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("server error: {err}");
            ExitCode::FAILURE
        }
    }
}
