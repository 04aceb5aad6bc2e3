//! One axum app receiving webhooks from nine providers, each route behind its own verify layer.
//!
//! ```sh
//! GITHUB_WEBHOOK_SECRET=… STRIPE_WEBHOOK_SECRET=whsec_… SLACK_SIGNING_SECRET=… \
//! ZOOM_SECRET_TOKEN=… TWITCH_EVENTSUB_SECRET=… DISCORD_PUBLIC_KEY=<hex> \
//! META_APP_SECRET=… META_VERIFY_TOKEN=… TWILIO_AUTH_TOKEN=… DROPBOX_APP_SECRET=… \
//! PUBLIC_URL=https://hooks.example.com cargo run --example receiver_axum
//! ```
//!
//! It listens on `127.0.0.1:$PORT` (default 3000; 0 picks a free port) and serves
//! `POST /webhooks/{github,stripe,slack,zoom,twitch,discord,meta,twilio,dropbox}`, plus the
//! `GET` handshakes of `meta` and `dropbox` on the same paths. A route whose key is unset is not
//! mounted. `PUBLIC_URL` is the origin the providers call: Twilio signs
//! `$PUBLIC_URL/webhooks/twilio`, whatever `Host` the request carries.
//!
//! The layers answer every provider's handshake (Slack's `url_verification`, Zoom's
//! `endpoint.url_validation`, Twitch's `webhook_callback_verification`, Discord's PING, Meta's
//! and Dropbox's `GET` challenges) and reject unsigned, forged and stale deliveries before a
//! handler runs. Each verified delivery is answered 200 with one `text/plain` line naming the
//! provider and what the handler parsed from the verified body; a verified body that does not
//! parse is answered 400 with the reason.
//!
//! Every route guards against replays, and the Stripe route handles each event once (keyed by
//! its `id`): in Redis when `REDIS_URL` is set (`redis://127.0.0.1:6379/`), so several
//! instances share it, else in memory. A delivery already handled is answered 200 without
//! running the handler, one being handled elsewhere 409, and with Redis down 503. The Stripe
//! handler answers `stripe processed <id> <type>`, and fails with 500 on an event with
//! `"fail": true` (so its retry is handled). It is served as `examples/common` serves every axum
//! example: 10 s for the head, 20 s for the body, 512 connections, one 64 MiB body budget.
//! `examples/receiver_actix.rs` is the same app on actix-web.

#![allow(clippy::print_stderr, reason = "an example reports to the terminal")]

mod common;
mod providers;

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{MethodRouter, post};
use axum::{Extension, Router};
use hookverify::format::{self, FormatError};
use hookverify::tower::VerifyWebhookLayer;
use hookverify::{BodyBudget, Notice};
use providers::{
    DropboxNotification, Interaction, MetaNotification, SlackEnvelope, StripeEvent, TwilioMessage,
    TwitchMessage, ZoomEvent,
};

/// A handler's answer: the line it parsed, or why the verified body did not parse.
type Answer = Result<String, (StatusCode, String)>;

#[allow(
    clippy::needless_pass_by_value,
    reason = "called by `map_err`, which hands over the error"
)]
fn unparsable(error: FormatError) -> (StatusCode, String) {
    (StatusCode::BAD_REQUEST, error.to_string())
}

async fn github(headers: HeaderMap) -> String {
    let event = headers
        .get("x-github-event")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    format!("github {event}")
}

async fn stripe(body: Bytes) -> Answer {
    let event: StripeEvent = format::from_json(&body).map_err(unparsable)?;
    event
        .handle()
        .map_err(|failure| (StatusCode::INTERNAL_SERVER_ERROR, failure))
}

async fn slack(body: Bytes) -> Answer {
    let envelope: SlackEnvelope = format::from_json(&body).map_err(unparsable)?;
    Ok(envelope.line())
}

async fn zoom(body: Bytes) -> Answer {
    let event: ZoomEvent = format::from_json(&body).map_err(unparsable)?;
    Ok(event.line())
}

async fn twitch(notice: Option<Extension<Notice>>, body: Bytes) -> Answer {
    // The layer answered the verification challenge; a revocation comes as a notice.
    if let Some(Extension(Notice::Revocation { reason })) = notice {
        return Ok(format!("twitch revoked {reason}"));
    }
    let message: TwitchMessage = format::from_json(&body).map_err(unparsable)?;
    Ok(message.line())
}

async fn discord(body: Bytes) -> Answer {
    let interaction: Interaction = format::from_json(&body).map_err(unparsable)?;
    Ok(interaction.line())
}

async fn meta(body: Bytes) -> Answer {
    let notification: MetaNotification = format::from_json(&body).map_err(unparsable)?;
    Ok(notification.line())
}

async fn twilio(body: Bytes) -> Answer {
    let message: TwilioMessage = format::from_form(&body).map_err(unparsable)?;
    Ok(message.line())
}

async fn dropbox(body: Bytes) -> Answer {
    let notification: DropboxNotification = format::from_json(&body).map_err(unparsable)?;
    Ok(notification.line())
}

/// The route of `provider`.
fn route(provider: &str) -> MethodRouter {
    match provider {
        "github" => post(github),
        "stripe" => post(stripe),
        "slack" => post(slack),
        "zoom" => post(zoom),
        "twitch" => post(twitch),
        "discord" => post(discord),
        // Meta and Dropbox check the endpoint with a GET, which must reach the layer.
        "meta" => post(meta).get(meta),
        "twilio" => post(twilio),
        _ => post(dropbox).get(dropbox),
    }
}

async fn app() -> Result<Router, String> {
    let store = providers::store().await?;
    let budget = BodyBudget::new(common::BODY_BUDGET);
    let mut app = Router::new();
    let mut mounted = Vec::new();
    for (provider, key) in providers::PROVIDERS {
        let Some(verifier) = providers::verifier(provider, key)? else {
            continue;
        };
        let layer = VerifyWebhookLayer::new(verifier)
            .body_timeout(common::BODY_TIMEOUT)
            .body_budget(budget.clone())
            .replay(providers::guard(provider, &store));
        app = app.route(
            &format!("/webhooks/{provider}"),
            route(provider).route_layer(layer),
        );
        mounted.push(provider);
    }
    if mounted.is_empty() {
        return Err("set at least one provider's key (see the example's docs)".to_owned());
    }
    tracing::info!(providers = ?mounted, "mounted");
    Ok(app)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt().init();

    let ready = match providers::port() {
        Ok(port) => app().await.map(|app| (port, app)),
        Err(err) => Err(err),
    };
    let (port, app) = match ready {
        Ok(ready) => ready,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("cannot listen on {addr}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().unwrap_or(addr);
    tracing::info!("listening on http://{addr}/webhooks/");
    common::serve(listener, app).await;
    ExitCode::SUCCESS
}
