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
//! parse is answered 400 with the reason. It is served as `examples/common` serves every axum
//! example: 10 s for the head, 20 s for the body, 512 connections, one 64 MiB body budget.
//! `examples/receiver_actix.rs` is the same app on actix-web.

#![allow(clippy::print_stderr, reason = "an example reports to the terminal")]

mod common;

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{MethodRouter, post};
use axum::{Extension, Router};
use hookverify::format::{self, FormatError};
use hookverify::tower::VerifyWebhookLayer;
use hookverify::{BodyBudget, ConfigError, Notice, PublicUrl, Verifier};
use serde::Deserialize;

/// A handler's answer: the line it parsed, or why the verified body did not parse.
type Answer = Result<String, (StatusCode, String)>;

#[allow(
    clippy::needless_pass_by_value,
    reason = "called by `map_err`, which hands over the error"
)]
fn unparsable(error: FormatError) -> (StatusCode, String) {
    (StatusCode::BAD_REQUEST, error.to_string())
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> &'h str {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-")
}

async fn github(headers: HeaderMap) -> String {
    format!("github {}", header(&headers, "x-github-event"))
}

async fn stripe(body: Bytes) -> Answer {
    #[derive(Deserialize)]
    struct Event {
        id: String,
        r#type: String,
    }
    let event: Event = format::from_json(&body).map_err(unparsable)?;
    Ok(format!("stripe {} {}", event.r#type, event.id))
}

async fn slack(body: Bytes) -> Answer {
    #[derive(Deserialize)]
    struct Envelope {
        r#type: String,
        event: Option<Inner>,
    }
    #[derive(Deserialize)]
    struct Inner {
        r#type: String,
    }
    let envelope: Envelope = format::from_json(&body).map_err(unparsable)?;
    let inner = envelope.event.map(|event| event.r#type).unwrap_or_default();
    Ok(format!("slack {} {inner}", envelope.r#type))
}

async fn zoom(body: Bytes) -> Answer {
    #[derive(Deserialize)]
    struct Event {
        event: String,
    }
    let event: Event = format::from_json(&body).map_err(unparsable)?;
    Ok(format!("zoom {}", event.event))
}

async fn twitch(notice: Option<Extension<Notice>>, body: Bytes) -> Answer {
    #[derive(Deserialize)]
    struct Message {
        subscription: Subscription,
    }
    #[derive(Deserialize)]
    struct Subscription {
        r#type: String,
    }
    // The layer answered the verification challenge; a revocation comes as a notice.
    if let Some(Extension(Notice::Revocation { reason })) = notice {
        return Ok(format!("twitch revoked {reason}"));
    }
    let message: Message = format::from_json(&body).map_err(unparsable)?;
    Ok(format!("twitch event {}", message.subscription.r#type))
}

async fn discord(body: Bytes) -> Answer {
    #[derive(Deserialize)]
    struct Interaction {
        r#type: u8,
    }
    let interaction: Interaction = format::from_json(&body).map_err(unparsable)?;
    Ok(format!("discord interaction {}", interaction.r#type))
}

async fn meta(body: Bytes) -> Answer {
    #[derive(Deserialize)]
    struct Notification {
        object: String,
    }
    let notification: Notification = format::from_json(&body).map_err(unparsable)?;
    Ok(format!("meta {}", notification.object))
}

async fn twilio(body: Bytes) -> Answer {
    #[derive(Deserialize)]
    struct Message {
        #[serde(rename = "MessageSid")]
        message_sid: String,
    }
    let message: Message = format::from_form(&body).map_err(unparsable)?;
    Ok(format!("twilio {}", message.message_sid))
}

async fn dropbox(body: Bytes) -> Answer {
    #[derive(Deserialize)]
    struct Notification {
        list_folder: ListFolder,
    }
    #[derive(Deserialize)]
    struct ListFolder {
        accounts: Vec<String>,
    }
    let notification: Notification = format::from_json(&body).map_err(unparsable)?;
    Ok(format!(
        "dropbox {} accounts",
        notification.list_folder.accounts.len()
    ))
}

/// The verifier for `provider` from its environment variables, or `None` when its key is
/// unset.
fn verifier(provider: &str, key: &str) -> Result<Option<Verifier>, String> {
    let Ok(secret) = std::env::var(key) else {
        return Ok(None);
    };
    let scheme = hookverify::Scheme::preset(provider).ok_or("no such preset")?;
    let mut builder = Verifier::builder(scheme).key(&secret);
    // Without a verify token, Meta's GET handshake is refused (403).
    if let Ok(token) = std::env::var("META_VERIFY_TOKEN")
        && provider == "meta"
        && !token.is_empty()
    {
        builder = builder.meta_verify_token(&token);
    }
    if provider == "twilio" {
        let origin = std::env::var("PUBLIC_URL")
            .map_err(|_| "set PUBLIC_URL, the origin Twilio calls".to_owned())?;
        let url = PublicUrl::origin(&origin).map_err(|err| format!("PUBLIC_URL: {err}"))?;
        builder = builder.public_url(url);
    }
    builder
        .build()
        .map(Some)
        .map_err(|err: ConfigError| format!("{key} is not usable: {err}"))
}

fn app() -> Result<Router, String> {
    let budget = BodyBudget::new(common::BODY_BUDGET);
    let routes: [(&str, &str, MethodRouter); 9] = [
        ("github", "GITHUB_WEBHOOK_SECRET", post(github)),
        ("stripe", "STRIPE_WEBHOOK_SECRET", post(stripe)),
        ("slack", "SLACK_SIGNING_SECRET", post(slack)),
        ("zoom", "ZOOM_SECRET_TOKEN", post(zoom)),
        ("twitch", "TWITCH_EVENTSUB_SECRET", post(twitch)),
        ("discord", "DISCORD_PUBLIC_KEY", post(discord)),
        // Meta and Dropbox check the endpoint with a GET, which must reach the layer.
        ("meta", "META_APP_SECRET", post(meta).get(meta)),
        ("twilio", "TWILIO_AUTH_TOKEN", post(twilio)),
        ("dropbox", "DROPBOX_APP_SECRET", post(dropbox).get(dropbox)),
    ];
    let mut app = Router::new();
    let mut mounted = Vec::new();
    for (provider, key, route) in routes {
        let Some(verifier) = verifier(provider, key)? else {
            continue;
        };
        let layer = VerifyWebhookLayer::new(verifier)
            .body_timeout(common::BODY_TIMEOUT)
            .body_budget(budget.clone());
        app = app.route(&format!("/webhooks/{provider}"), route.route_layer(layer));
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

    let port = match std::env::var("PORT").map(|port| port.parse::<u16>()) {
        Err(_) => 3000,
        Ok(Ok(port)) => port,
        Ok(Err(err)) => {
            eprintln!("PORT must be a port number: {err}");
            return ExitCode::FAILURE;
        }
    };
    let app = match app() {
        Ok(app) => app,
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
