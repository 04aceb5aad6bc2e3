//! The shared receiver suite against an axum app that verifies with the extractors alone: one
//! router, one state holding ten verifiers, each handler naming its provider's key type
//! (`VerifiedJson<Event, Stripe>`, `VerifiedForm`, `VerifiedXml`, `VerifiedSlackPayload`), the
//! body limit from a `WebhookConfig` extension. (The layer's version of the same app is
//! `examples/receiver_axum.rs`, run by the workspace's `tests/receivers.rs`.)

#![cfg(all(feature = "axum", feature = "form", feature = "xml"))]

mod common;

use std::net::SocketAddr;

use axum::extract::FromRef;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Extension, Router};
use common::serve_router;
use hookverify_core::{Notice, Verifier};
use hookverify_test_support::payload::{
    DropboxNotification, Interaction, MetaNotification, ShopifyOrder, SlackEnvelope,
    SlackInteraction, StripeEvent, TwilioMessage, TwitchMessage, ZoomEvent,
};
use hookverify_test_support::receiver::{self, Keys, Receiver};
use hookverify_tower::axum::{
    VerifiedForm, VerifiedJson, VerifiedSlackPayload, VerifiedWebhook, VerifiedXml, WebhookConfig,
    WebhookRejection,
};

macro_rules! provider_keys {
    ($($key:ident: $field:ident),* $(,)?) => {
        $(
            #[derive(Clone)]
            struct $key(Verifier);

            impl From<$key> for Verifier {
                fn from(key: $key) -> Self {
                    key.0
                }
            }

            impl FromRef<State> for $key {
                fn from_ref(state: &State) -> Self {
                    state.$field.clone()
                }
            }
        )*

        #[derive(Clone)]
        struct State {
            $($field: $key,)*
        }

        impl State {
            fn new(keys: &Keys) -> Self {
                Self {
                    $($field: $key(keys.verifier(stringify!($field))),)*
                }
            }
        }
    };
}

provider_keys! {
    GitHub: github, Stripe: stripe, Slack: slack, Zoom: zoom, Twitch: twitch,
    Discord: discord, Meta: meta, Twilio: twilio, Dropbox: dropbox, Shopify: shopify,
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> &'h str {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-")
}

async fn serve(keys: &Keys) -> SocketAddr {
    let app = Router::new()
        .route(
            "/webhooks/github",
            post(
                |headers: HeaderMap, _: VerifiedWebhook<GitHub>| async move {
                    format!("github {}", header(&headers, "x-github-event"))
                },
            ),
        )
        .route(
            "/webhooks/stripe",
            post(
                |VerifiedJson(event, ..): VerifiedJson<StripeEvent, Stripe>| async move {
                    event.line()
                },
            ),
        )
        .route(
            "/webhooks/slack",
            post(
                |VerifiedJson(envelope, ..): VerifiedJson<SlackEnvelope, Slack>| async move {
                    envelope.line()
                },
            ),
        )
        .route(
            "/webhooks/zoom",
            post(
                |VerifiedJson(event, ..): VerifiedJson<ZoomEvent, Zoom>| async move {
                    event.line()
                },
            ),
        )
        .route(
            "/webhooks/twitch",
            post(|webhook: VerifiedWebhook<Twitch>| async move {
                if let Some(Notice::Revocation { reason }) = webhook.notice() {
                    return Ok(format!("twitch revoked {reason}"));
                }
                let message: TwitchMessage = hookverify_core::format::from_json(webhook.body())
                    .map_err(WebhookRejection::Format)?;
                Ok::<_, WebhookRejection>(message.line())
            }),
        )
        .route(
            "/webhooks/discord",
            post(
                |VerifiedJson(interaction, ..): VerifiedJson<Interaction, Discord>| async move {
                    interaction.line()
                },
            ),
        )
        .route("/webhooks/meta", post(meta).get(meta))
        .route(
            "/webhooks/twilio",
            post(
                |VerifiedForm(message, ..): VerifiedForm<TwilioMessage, Twilio>| async move {
                    message.line()
                },
            ),
        )
        .route("/webhooks/dropbox", post(dropbox).get(dropbox))
        .route(
            "/webhooks/shopify",
            post(|VerifiedXml(order, ..): VerifiedXml<ShopifyOrder, Shopify>| async move {
                order.line()
            }),
        )
        .route(
            "/webhooks/slack/interactive",
            post(
                |VerifiedSlackPayload(interaction, ..): VerifiedSlackPayload<
                    SlackInteraction,
                    Slack,
                >| async move { interaction.line() },
            ),
        )
        .with_state(State::new(keys))
        .layer(Extension(WebhookConfig::default()));
    serve_router(app).await
}

async fn meta(VerifiedJson(notification, ..): VerifiedJson<MetaNotification, Meta>) -> String {
    notification.line()
}

async fn dropbox(
    VerifiedJson(notification, ..): VerifiedJson<DropboxNotification, Dropbox>,
) -> String {
    notification.line()
}

#[tokio::test]
async fn extractors_with_a_key_per_provider_answer_every_provider() {
    let keys = Keys::for_tests();
    let receiver = Receiver::new(serve(&keys).await, keys);
    receiver::every_provider_delivers(&receiver).await;
    receiver::every_handshake_is_answered(&receiver).await;
    receiver::the_public_url_ignores_a_forged_host(&receiver).await;
    receiver::bodies_and_methods_are_bounded(&receiver).await;
    receiver::xml_and_slack_payloads_are_parsed(&receiver).await;
}
