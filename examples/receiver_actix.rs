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
//! app data, and each handler names it in its extractor (`GuardedWebhook<Stripe>`), so one app
//! holds nine verifiers. The extractors answer the handshakes and reject unsigned, forged and
//! stale deliveries before the handler runs; a verified body that does not parse is answered
//! 400 with the reason.
//!
//! Every route guards against replays, and the Stripe route handles each event once (keyed by
//! its `id`), exactly as in `receiver_axum`: in Redis when `REDIS_URL` is set, else in memory;
//! each handler answers through `GuardedWebhook::finish`, which commits the claim on 200 and
//! releases it otherwise. The Stripe handler answers `stripe processed <id> <type>`, and fails
//! with 500 on an event with `"fail": true`. It is served as `examples/actix_stripe.rs` is:
//! 10 s for the head, 20 s for the body, 256 connections per worker, one 64 MiB body budget.

#![allow(clippy::print_stderr, reason = "an example reports to the terminal")]

mod providers;

use std::net::{Ipv4Addr, TcpListener};
use std::process::ExitCode;
use std::time::Duration;

use actix_http::{HttpService, KeepAlive};
use actix_server::Server;
use actix_service::map_config;
use actix_web::dev::AppConfig;
use actix_web::{App, HttpRequest, HttpResponse, ResponseError as _, web};
use hookverify::actix::{GuardedWebhook, WebhookConfig, WebhookError};
use hookverify::format::{self, FormatError};
use hookverify::replay::Guard;
use hookverify::{BodyBudget, Notice, Verifier};
use providers::{
    DropboxNotification, Interaction, MetaNotification, SlackEnvelope, StripeEvent, TwilioMessage,
    TwitchMessage, ZoomEvent,
};
use serde::de::DeserializeOwned;

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

/// Answers with what the handler made of the verified body — its line; 400 with the reason
/// when the body does not parse; or another status and reason — and settles the delivery's
/// claim by it: committed on 200, released otherwise (so the provider's retry is handled).
async fn answer<K>(webhook: GuardedWebhook<K>, outcome: Result<String, Failure>) -> HttpResponse {
    let response = match outcome {
        Ok(line) => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(line),
        Err(Failure::Unparsable(error)) => WebhookError::Format(error).error_response(),
        Err(Failure::Failed(reason)) => HttpResponse::InternalServerError()
            .content_type("text/plain; charset=utf-8")
            .body(reason),
    };
    webhook.finish(response).await
}

/// Why a handler did not handle a verified delivery.
enum Failure {
    /// The body is not what the provider sends.
    Unparsable(FormatError),
    /// The handler failed (500; the provider retries).
    Failed(String),
}

/// Parses a verified JSON body as `T` and describes it.
fn parsed<T: DeserializeOwned>(
    body: &[u8],
    line: impl FnOnce(T) -> String,
) -> Result<String, Failure> {
    format::from_json(body)
        .map(line)
        .map_err(Failure::Unparsable)
}

async fn github(request: HttpRequest, webhook: GuardedWebhook<GitHub>) -> HttpResponse {
    let event = request
        .headers()
        .get("x-github-event")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    answer(webhook, Ok(format!("github {event}"))).await
}

async fn stripe(webhook: GuardedWebhook<Stripe>) -> HttpResponse {
    let outcome = format::from_json::<StripeEvent>(webhook.body())
        .map_err(Failure::Unparsable)
        .and_then(|event| event.handle().map_err(Failure::Failed));
    answer(webhook, outcome).await
}

async fn slack(webhook: GuardedWebhook<Slack>) -> HttpResponse {
    let outcome = parsed(webhook.body(), |envelope: SlackEnvelope| envelope.line());
    answer(webhook, outcome).await
}

async fn zoom(webhook: GuardedWebhook<Zoom>) -> HttpResponse {
    let outcome = parsed(webhook.body(), |event: ZoomEvent| event.line());
    answer(webhook, outcome).await
}

async fn twitch(webhook: GuardedWebhook<Twitch>) -> HttpResponse {
    // The extractor answered the verification challenge; a revocation comes as a notice.
    let outcome = match webhook.notice() {
        Some(Notice::Revocation { reason }) => Ok(format!("twitch revoked {reason}")),
        _ => parsed(webhook.body(), |message: TwitchMessage| message.line()),
    };
    answer(webhook, outcome).await
}

async fn discord(webhook: GuardedWebhook<Discord>) -> HttpResponse {
    let outcome = parsed(webhook.body(), |interaction: Interaction| {
        interaction.line()
    });
    answer(webhook, outcome).await
}

async fn meta(webhook: GuardedWebhook<Meta>) -> HttpResponse {
    let outcome = parsed(webhook.body(), |notification: MetaNotification| {
        notification.line()
    });
    answer(webhook, outcome).await
}

async fn twilio(webhook: GuardedWebhook<Twilio>) -> HttpResponse {
    let outcome = format::from_form::<TwilioMessage>(webhook.body())
        .map(|message| message.line())
        .map_err(Failure::Unparsable);
    answer(webhook, outcome).await
}

async fn dropbox(webhook: GuardedWebhook<Dropbox>) -> HttpResponse {
    let outcome = parsed(webhook.body(), |notification: DropboxNotification| {
        notification.line()
    });
    answer(webhook, outcome).await
}

/// Every provider whose key is set, with its verifier and its route's replay guard, in
/// [`providers::PROVIDERS`]' order.
#[derive(Clone)]
struct Providers(Vec<(&'static str, Verifier, Guard)>);

impl Providers {
    async fn from_env() -> Result<Self, String> {
        let store = providers::store().await?;
        let mut set = Vec::new();
        for (provider, key) in providers::PROVIDERS {
            if let Some(verifier) = providers::verifier(provider, key)? {
                set.push((provider, verifier, providers::guard(provider, &store)));
            }
        }
        if set.is_empty() {
            return Err("set at least one provider's key (see the example's docs)".to_owned());
        }
        Ok(Self(set))
    }

    /// Mounts one resource per provider, its key type and its guard in app data.
    fn routes(&self, config: &mut web::ServiceConfig) {
        for (provider, verifier, guard) in &self.0 {
            let verifier = verifier.clone();
            let resource = web::resource(format!("/webhooks/{provider}"))
                .app_data(web::Data::new(guard.clone()));
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

    let ready = match providers::port() {
        Ok(port) => Providers::from_env()
            .await
            .map(|providers| (port, providers)),
        Err(err) => Err(err),
    };
    let (port, providers) = match ready {
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
