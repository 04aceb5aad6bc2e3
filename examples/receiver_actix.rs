//! One actix-web app receiving webhooks from nine providers, each handler verifying with its own
//! provider's verifier through a typed extractor.
//!
//! ```sh
//! GITHUB_WEBHOOK_SECRET=… STRIPE_WEBHOOK_SECRET=whsec_… SLACK_SIGNING_SECRET=… \
//! ZOOM_SECRET_TOKEN=… TWITCH_EVENTSUB_SECRET=… DISCORD_PUBLIC_KEY=<hex> \
//! META_APP_SECRET=… META_VERIFY_TOKEN=… TWILIO_AUTH_TOKEN=… DROPBOX_APP_SECRET=… \
//! PUBLIC_URL=https://hooks.example.com cargo run --example receiver_actix
//! ```
//!
//! The same routes and behaviour as `examples/receiver_axum.rs`: `127.0.0.1:$PORT` (default
//! 3000), `POST /webhooks/{github,stripe,slack,zoom,twitch,discord,meta,twilio,dropbox}` plus
//! the `GET` handshakes of `meta` and `dropbox`, a route per key that is set, and `PUBLIC_URL` as
//! the origin Twilio signs. Each provider has a key type of its own (`Stripe`, `GitHub`, …) in
//! app data, and each handler names it in its extractor (`VerifiedJson<Event, Stripe>`), so one
//! app holds nine verifiers. The extractors answer the handshakes, reject unsigned, forged and
//! stale deliveries before the handler runs, and answer 400 with the reason when a verified body
//! does not parse. It is served as `examples/actix_stripe.rs` is: 10 s for the head, 20 s for
//! the body, 256 connections per worker, one 64 MiB body budget.

#![allow(clippy::print_stderr, reason = "an example reports to the terminal")]

use std::net::{Ipv4Addr, TcpListener};
use std::process::ExitCode;
use std::time::Duration;

use actix_http::{HttpService, KeepAlive};
use actix_server::Server;
use actix_service::map_config;
use actix_web::dev::AppConfig;
use actix_web::{App, HttpRequest, web};
use hookverify::actix::{VerifiedForm, VerifiedJson, VerifiedWebhook, WebhookConfig, WebhookError};
use hookverify::format;
use hookverify::{BodyBudget, Notice, PublicUrl, Verifier};
use serde::Deserialize;

/// The request head must arrive within this; idle keep-alive connections close after it.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The body must arrive within this once the head is in.
const BODY_TIMEOUT: Duration = Duration::from_secs(20);
/// Connections each worker serves at once; more wait in the kernel's backlog.
const MAX_CONNECTIONS_PER_WORKER: usize = 256;
/// Body bytes all deliveries in flight may hold together.
const BODY_BUDGET: usize = 64 * 1024 * 1024;

/// One key type per provider: a `Verifier` the extractors find in app data by this type.
macro_rules! provider_keys {
    ($($key:ident),* $(,)?) => {$(
        #[derive(Clone)]
        struct $key(Verifier);

        impl From<$key> for Verifier {
            fn from(key: $key) -> Self {
                key.0
            }
        }
    )*};
}

provider_keys!(
    GitHub, Stripe, Slack, Zoom, Twitch, Discord, Meta, Twilio, Dropbox
);

fn header<'r>(request: &'r HttpRequest, name: &str) -> &'r str {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-")
}

async fn github(request: HttpRequest, _webhook: VerifiedWebhook<GitHub>) -> String {
    format!("github {}", header(&request, "x-github-event"))
}

#[derive(Deserialize)]
struct StripeEvent {
    id: String,
    r#type: String,
}

async fn stripe(VerifiedJson(event, ..): VerifiedJson<StripeEvent, Stripe>) -> String {
    format!("stripe {} {}", event.r#type, event.id)
}

#[derive(Deserialize)]
struct SlackEnvelope {
    r#type: String,
    event: Option<TypeOnly>,
}

#[derive(Deserialize)]
struct TypeOnly {
    r#type: String,
}

async fn slack(VerifiedJson(envelope, ..): VerifiedJson<SlackEnvelope, Slack>) -> String {
    let inner = envelope.event.map(|event| event.r#type).unwrap_or_default();
    format!("slack {} {inner}", envelope.r#type)
}

#[derive(Deserialize)]
struct ZoomEvent {
    event: String,
}

async fn zoom(VerifiedJson(event, ..): VerifiedJson<ZoomEvent, Zoom>) -> String {
    format!("zoom {}", event.event)
}

#[derive(Deserialize)]
struct TwitchMessage {
    subscription: TypeOnly,
}

async fn twitch(webhook: VerifiedWebhook<Twitch>) -> Result<String, WebhookError> {
    // The extractor answered the verification challenge; a revocation comes as a notice.
    if let Some(Notice::Revocation { reason }) = webhook.notice() {
        return Ok(format!("twitch revoked {reason}"));
    }
    let message: TwitchMessage = format::from_json(webhook.body()).map_err(WebhookError::Format)?;
    Ok(format!("twitch event {}", message.subscription.r#type))
}

#[derive(Deserialize)]
struct Interaction {
    r#type: u8,
}

async fn discord(VerifiedJson(interaction, ..): VerifiedJson<Interaction, Discord>) -> String {
    format!("discord interaction {}", interaction.r#type)
}

#[derive(Deserialize)]
struct MetaNotification {
    object: String,
}

async fn meta(VerifiedJson(notification, ..): VerifiedJson<MetaNotification, Meta>) -> String {
    format!("meta {}", notification.object)
}

#[derive(Deserialize)]
struct TwilioMessage {
    #[serde(rename = "MessageSid")]
    message_sid: String,
}

async fn twilio(VerifiedForm(message, ..): VerifiedForm<TwilioMessage, Twilio>) -> String {
    format!("twilio {}", message.message_sid)
}

#[derive(Deserialize)]
struct DropboxNotification {
    list_folder: DropboxFolders,
}

#[derive(Deserialize)]
struct DropboxFolders {
    accounts: Vec<String>,
}

async fn dropbox(
    VerifiedJson(notification, ..): VerifiedJson<DropboxNotification, Dropbox>,
) -> String {
    format!(
        "dropbox {} accounts",
        notification.list_folder.accounts.len()
    )
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
        .map_err(|err| format!("{key} is not usable: {err}"))
}

/// Every provider whose key is set, with its verifier.
#[derive(Clone, Default)]
struct Providers {
    github: Option<Verifier>,
    stripe: Option<Verifier>,
    slack: Option<Verifier>,
    zoom: Option<Verifier>,
    twitch: Option<Verifier>,
    discord: Option<Verifier>,
    meta: Option<Verifier>,
    twilio: Option<Verifier>,
    dropbox: Option<Verifier>,
}

impl Providers {
    fn from_env() -> Result<Self, String> {
        let providers = Self {
            github: verifier("github", "GITHUB_WEBHOOK_SECRET")?,
            stripe: verifier("stripe", "STRIPE_WEBHOOK_SECRET")?,
            slack: verifier("slack", "SLACK_SIGNING_SECRET")?,
            zoom: verifier("zoom", "ZOOM_SECRET_TOKEN")?,
            twitch: verifier("twitch", "TWITCH_EVENTSUB_SECRET")?,
            discord: verifier("discord", "DISCORD_PUBLIC_KEY")?,
            meta: verifier("meta", "META_APP_SECRET")?,
            twilio: verifier("twilio", "TWILIO_AUTH_TOKEN")?,
            dropbox: verifier("dropbox", "DROPBOX_APP_SECRET")?,
        };
        let none = [
            &providers.github,
            &providers.stripe,
            &providers.slack,
            &providers.zoom,
            &providers.twitch,
            &providers.discord,
            &providers.meta,
            &providers.twilio,
            &providers.dropbox,
        ]
        .iter()
        .all(|verifier| verifier.is_none());
        if none {
            return Err("set at least one provider's key (see the example's docs)".to_owned());
        }
        Ok(providers)
    }

    /// Mounts one resource per provider, its key type in app data.
    fn routes(&self, config: &mut web::ServiceConfig) {
        /// `/webhooks/{provider}` with `$key` in app data, if its verifier is set.
        macro_rules! mount {
            ($field:ident, $key:ident, $route:expr) => {
                if let Some(verifier) = &self.$field {
                    config.service(
                        web::resource(concat!("/webhooks/", stringify!($field)))
                            .app_data(web::Data::new($key(verifier.clone())))
                            .route($route),
                    );
                }
            };
        }
        mount!(github, GitHub, web::post().to(github));
        mount!(stripe, Stripe, web::post().to(stripe));
        mount!(slack, Slack, web::post().to(slack));
        mount!(zoom, Zoom, web::post().to(zoom));
        mount!(twitch, Twitch, web::post().to(twitch));
        mount!(discord, Discord, web::post().to(discord));
        // Meta and Dropbox check the endpoint with a GET, which the extractor answers.
        mount!(meta, Meta, web::route().to(meta));
        mount!(twilio, Twilio, web::post().to(twilio));
        mount!(dropbox, Dropbox, web::route().to(dropbox));
    }
}

#[actix_web::main]
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
    let providers = match Providers::from_env() {
        Ok(providers) => providers,
        Err(err) => {
            eprintln!("{err}");
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

    let limits = WebhookConfig::default()
        .body_timeout(BODY_TIMEOUT)
        .body_budget(BodyBudget::new(BODY_BUDGET));
    let server = Server::build()
        .max_concurrent_connections(MAX_CONNECTIONS_PER_WORKER)
        .listen("webhooks", listener, move || {
            let providers = providers.clone();
            let app = App::new()
                .app_data(limits.clone())
                .configure(move |config| providers.routes(config));
            HttpService::build()
                .client_request_timeout(HEADER_READ_TIMEOUT)
                .keep_alive(KeepAlive::Timeout(HEADER_READ_TIMEOUT))
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
    tracing::info!("listening on http://{addr}/webhooks/");
    match server.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("server error: {err}");
            ExitCode::FAILURE
        }
    }
}
