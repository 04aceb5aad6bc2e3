//! What `receiver_axum` and `receiver_actix` share: the verifier of each provider from its
//! environment variables, the replay guard of each route, and the part of each provider's
//! delivery their handlers read.

use std::sync::Arc;

use hookverify::replay::{Guard, MemoryStore, RedisStore, Store};
use hookverify::{PublicUrl, Scheme, Verifier};
use serde::Deserialize;

/// The replay store every route shares: Redis at `REDIS_URL` (several instances), else one in
/// memory.
pub(crate) async fn store() -> Result<Arc<dyn Store>, String> {
    match std::env::var("REDIS_URL") {
        Ok(url) if !url.is_empty() => {
            let store = RedisStore::connect(&url)
                .await
                .map_err(|err| format!("REDIS_URL: {err}"))?;
            Ok(Arc::new(store))
        }
        _ => Ok(Arc::new(MemoryStore::new())),
    }
}

/// The guard of `provider`'s route: replays refused, and Stripe's events handled once.
pub(crate) fn guard(provider: &str, store: &Arc<dyn Store>) -> Guard {
    let guard = Guard::new(Arc::clone(store)).scope(provider);
    if provider == "stripe" {
        guard.idempotency()
    } else {
        guard
    }
}

/// Every provider the receivers serve, with the environment variable holding its key.
pub(crate) const PROVIDERS: [(&str, &str); 9] = [
    ("github", "GITHUB_WEBHOOK_SECRET"),
    ("stripe", "STRIPE_WEBHOOK_SECRET"),
    ("slack", "SLACK_SIGNING_SECRET"),
    ("zoom", "ZOOM_SECRET_TOKEN"),
    ("twitch", "TWITCH_EVENTSUB_SECRET"),
    ("discord", "DISCORD_PUBLIC_KEY"),
    ("meta", "META_APP_SECRET"),
    ("twilio", "TWILIO_AUTH_TOKEN"),
    ("dropbox", "DROPBOX_APP_SECRET"),
];

/// The verifier for `provider` from its environment variable `key`, or `None` when it is unset.
/// Meta's also takes `META_VERIFY_TOKEN` (without one, Meta's `GET` handshake is refused), and
/// Twilio's `PUBLIC_URL`, the origin Twilio calls.
pub(crate) fn verifier(provider: &str, key: &str) -> Result<Option<Verifier>, String> {
    let Ok(secret) = std::env::var(key) else {
        return Ok(None);
    };
    let scheme = Scheme::preset(provider).ok_or_else(|| format!("no preset {provider}"))?;
    let mut builder = Verifier::builder(scheme).key(&secret);
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

/// The port from `PORT`: 3000 when unset, 0 for any free one.
pub(crate) fn port() -> Result<u16, String> {
    match std::env::var("PORT") {
        Err(_) => Ok(3000),
        Ok(port) => port
            .parse()
            .map_err(|err| format!("PORT must be a port number: {err}")),
    }
}

/// A `type` field on its own.
#[derive(Deserialize)]
pub(crate) struct TypeOnly {
    pub(crate) r#type: String,
}

/// A Stripe event; `"fail": true` makes its handler fail, to show a failed event being retried.
#[derive(Deserialize)]
pub(crate) struct StripeEvent {
    id: String,
    r#type: String,
    #[serde(default)]
    fail: bool,
}

impl StripeEvent {
    /// The handler's answer: `stripe processed <id> <type>`, or the failure (answered 500).
    pub(crate) fn handle(&self) -> Result<String, String> {
        if self.fail {
            return Err(format!("stripe failed {}", self.id));
        }
        Ok(format!("stripe processed {} {}", self.id, self.r#type))
    }
}

/// A Slack Events API envelope.
#[derive(Deserialize)]
pub(crate) struct SlackEnvelope {
    r#type: String,
    event: Option<TypeOnly>,
}

impl SlackEnvelope {
    pub(crate) fn line(&self) -> String {
        let inner = self.event.as_ref().map_or("", |event| &event.r#type);
        format!("slack {} {inner}", self.r#type)
    }
}

/// A Zoom event.
#[derive(Deserialize)]
pub(crate) struct ZoomEvent {
    event: String,
}

impl ZoomEvent {
    pub(crate) fn line(&self) -> String {
        format!("zoom {}", self.event)
    }
}

/// A Twitch EventSub notification.
#[derive(Deserialize)]
pub(crate) struct TwitchMessage {
    subscription: TypeOnly,
}

impl TwitchMessage {
    pub(crate) fn line(&self) -> String {
        format!("twitch event {}", self.subscription.r#type)
    }
}

/// A Discord interaction.
#[derive(Deserialize)]
pub(crate) struct Interaction {
    r#type: u8,
}

impl Interaction {
    pub(crate) fn line(&self) -> String {
        format!("discord interaction {}", self.r#type)
    }
}

/// A Meta (Graph API) notification.
#[derive(Deserialize)]
pub(crate) struct MetaNotification {
    object: String,
}

impl MetaNotification {
    pub(crate) fn line(&self) -> String {
        format!("meta {}", self.object)
    }
}

/// A Twilio message's form.
#[derive(Deserialize)]
pub(crate) struct TwilioMessage {
    #[serde(rename = "MessageSid")]
    message_sid: String,
}

impl TwilioMessage {
    pub(crate) fn line(&self) -> String {
        format!("twilio {}", self.message_sid)
    }
}

/// A Dropbox notification.
#[derive(Deserialize)]
pub(crate) struct DropboxNotification {
    list_folder: DropboxFolders,
}

#[derive(Deserialize)]
struct DropboxFolders {
    accounts: Vec<String>,
}

impl DropboxNotification {
    pub(crate) fn line(&self) -> String {
        format!("dropbox {} accounts", self.list_folder.accounts.len())
    }
}
