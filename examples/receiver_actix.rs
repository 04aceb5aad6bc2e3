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

mod providers;

use std::net::{Ipv4Addr, TcpListener};
use std::process::ExitCode;
use std::time::Duration;

use actix_http::{HttpService, KeepAlive};
use actix_server::Server;
use actix_service::map_config;
use actix_web::dev::AppConfig;
use actix_web::{App, HttpRequest, web};
use hookverify::actix::{VerifiedForm, VerifiedJson, VerifiedWebhook, WebhookConfig, WebhookError};
use hookverify::{BodyBudget, Notice, Verifier, format};
use providers::{
    DropboxNotification, Interaction, MetaNotification, SlackEnvelope, StripeEvent, TwilioMessage,
    TwitchMessage, ZoomEvent,
};

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

async fn github(request: HttpRequest, _webhook: VerifiedWebhook<GitHub>) -> String {
    let event = request
        .headers()
        .get("x-github-event")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    format!("github {event}")
}

async fn stripe(
    VerifiedJson(event, ..): VerifiedJson<StripeEvent, Stripe>,
) -> actix_web::HttpResponse {
    match event.handle() {
        Ok(line) => actix_web::HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(line),
        Err(failure) => actix_web::HttpResponse::InternalServerError()
            .content_type("text/plain; charset=utf-8")
            .body(failure),
    }
}

async fn slack(VerifiedJson(envelope, ..): VerifiedJson<SlackEnvelope, Slack>) -> String {
    envelope.line()
}

async fn zoom(VerifiedJson(event, ..): VerifiedJson<ZoomEvent, Zoom>) -> String {
    event.line()
}

async fn twitch(webhook: VerifiedWebhook<Twitch>) -> Result<String, WebhookError> {
    // The extractor answered the verification challenge; a revocation comes as a notice.
    if let Some(Notice::Revocation { reason }) = webhook.notice() {
        return Ok(format!("twitch revoked {reason}"));
    }
    let message: TwitchMessage = format::from_json(webhook.body()).map_err(WebhookError::Format)?;
    Ok(message.line())
}

async fn discord(VerifiedJson(interaction, ..): VerifiedJson<Interaction, Discord>) -> String {
    interaction.line()
}

async fn meta(VerifiedJson(notification, ..): VerifiedJson<MetaNotification, Meta>) -> String {
    notification.line()
}

async fn twilio(VerifiedForm(message, ..): VerifiedForm<TwilioMessage, Twilio>) -> String {
    message.line()
}

async fn dropbox(
    VerifiedJson(notification, ..): VerifiedJson<DropboxNotification, Dropbox>,
) -> String {
    notification.line()
}

/// Every provider whose key is set, with its verifier, in [`providers::PROVIDERS`]' order.
#[derive(Clone)]
struct Providers(Vec<(&'static str, Verifier)>);

impl Providers {
    fn from_env() -> Result<Self, String> {
        let mut set = Vec::new();
        for (provider, key) in providers::PROVIDERS {
            if let Some(verifier) = providers::verifier(provider, key)? {
                set.push((provider, verifier));
            }
        }
        if set.is_empty() {
            return Err("set at least one provider's key (see the example's docs)".to_owned());
        }
        Ok(Self(set))
    }

    /// Mounts one resource per provider, its key type in app data.
    fn routes(&self, config: &mut web::ServiceConfig) {
        for (provider, verifier) in &self.0 {
            let verifier = verifier.clone();
            let resource = web::resource(format!("/webhooks/{provider}"));
            let resource = match *provider {
                "github" => resource
                    .app_data(web::Data::new(GitHub(verifier)))
                    .route(web::post().to(github)),
                "stripe" => resource
                    .app_data(web::Data::new(Stripe(verifier)))
                    .route(web::post().to(stripe)),
                "slack" => resource
                    .app_data(web::Data::new(Slack(verifier)))
                    .route(web::post().to(slack)),
                "zoom" => resource
                    .app_data(web::Data::new(Zoom(verifier)))
                    .route(web::post().to(zoom)),
                "twitch" => resource
                    .app_data(web::Data::new(Twitch(verifier)))
                    .route(web::post().to(twitch)),
                "discord" => resource
                    .app_data(web::Data::new(Discord(verifier)))
                    .route(web::post().to(discord)),
                // Meta and Dropbox check the endpoint with a GET, which the extractor answers.
                "meta" => resource
                    .app_data(web::Data::new(Meta(verifier)))
                    .route(web::route().to(meta)),
                "twilio" => resource
                    .app_data(web::Data::new(Twilio(verifier)))
                    .route(web::post().to(twilio)),
                _ => resource
                    .app_data(web::Data::new(Dropbox(verifier)))
                    .route(web::route().to(dropbox)),
            };
            config.service(resource);
        }
    }
}

#[actix_web::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt().init();

    let (port, providers) =
        match providers::port().and_then(|port| Ok((port, Providers::from_env()?))) {
            Ok(ready) => ready,
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
