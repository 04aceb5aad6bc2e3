//! The part of each provider's delivery a receiver's handlers read, and the line they answer
//! with, as `examples/providers` has them: for the adapters' own receivers under test.

use serde::Deserialize;

/// A `type` field on its own.
#[derive(Debug, Deserialize)]
#[non_exhaustive]
pub struct TypeOnly {
    /// The type.
    pub r#type: String,
}

/// A Stripe event.
#[derive(Debug, Deserialize)]
#[non_exhaustive]
pub struct StripeEvent {
    id: String,
    r#type: String,
}

impl StripeEvent {
    /// The line the receiver answers with, as the examples' Stripe handler does.
    #[must_use]
    pub fn line(&self) -> String {
        format!("stripe processed {} {}", self.id, self.r#type)
    }
}

/// A Slack Events API envelope.
#[derive(Debug, Deserialize)]
#[non_exhaustive]
pub struct SlackEnvelope {
    r#type: String,
    event: Option<TypeOnly>,
}

impl SlackEnvelope {
    /// The line the receiver answers with.
    #[must_use]
    pub fn line(&self) -> String {
        let inner = self.event.as_ref().map_or("", |event| &event.r#type);
        format!("slack {} {inner}", self.r#type)
    }
}

/// A Zoom event.
#[derive(Debug, Deserialize)]
#[non_exhaustive]
pub struct ZoomEvent {
    event: String,
}

impl ZoomEvent {
    /// The line the receiver answers with.
    #[must_use]
    pub fn line(&self) -> String {
        format!("zoom {}", self.event)
    }
}

/// A Twitch EventSub notification.
#[derive(Debug, Deserialize)]
#[non_exhaustive]
pub struct TwitchMessage {
    subscription: TypeOnly,
}

impl TwitchMessage {
    /// The line the receiver answers with.
    #[must_use]
    pub fn line(&self) -> String {
        format!("twitch event {}", self.subscription.r#type)
    }
}

/// A Discord interaction.
#[derive(Debug, Deserialize)]
#[non_exhaustive]
pub struct Interaction {
    r#type: u8,
}

impl Interaction {
    /// The line the receiver answers with.
    #[must_use]
    pub fn line(&self) -> String {
        format!("discord interaction {}", self.r#type)
    }
}

/// A Meta (Graph API) notification.
#[derive(Debug, Deserialize)]
#[non_exhaustive]
pub struct MetaNotification {
    object: String,
}

impl MetaNotification {
    /// The line the receiver answers with.
    #[must_use]
    pub fn line(&self) -> String {
        format!("meta {}", self.object)
    }
}

/// A Twilio message's form.
#[derive(Debug, Deserialize)]
#[non_exhaustive]
pub struct TwilioMessage {
    #[serde(rename = "MessageSid")]
    message_sid: String,
}

impl TwilioMessage {
    /// The line the receiver answers with.
    #[must_use]
    pub fn line(&self) -> String {
        format!("twilio {}", self.message_sid)
    }
}

/// A Dropbox notification.
#[derive(Debug, Deserialize)]
#[non_exhaustive]
pub struct DropboxNotification {
    list_folder: DropboxFolders,
}

#[derive(Debug, Deserialize)]
struct DropboxFolders {
    accounts: Vec<String>,
}

impl DropboxNotification {
    /// The line the receiver answers with.
    #[must_use]
    pub fn line(&self) -> String {
        format!("dropbox {} accounts", self.list_folder.accounts.len())
    }
}

/// A Shopify order, as its XML webhooks send it.
#[derive(Debug, Deserialize)]
#[non_exhaustive]
pub struct ShopifyOrder {
    id: u64,
}

impl ShopifyOrder {
    /// The line the receiver answers with.
    #[must_use]
    pub fn line(&self) -> String {
        format!("shopify order {}", self.id)
    }
}

/// A Slack interaction, from the `payload` field of its form.
#[derive(Debug, Deserialize)]
#[non_exhaustive]
pub struct SlackInteraction {
    r#type: String,
}

impl SlackInteraction {
    /// The line the receiver answers with.
    #[must_use]
    pub fn line(&self) -> String {
        format!("slack interaction {}", self.r#type)
    }
}
