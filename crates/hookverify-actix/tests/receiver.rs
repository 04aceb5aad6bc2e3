//! The shared receiver suite against an actix-web app that verifies with the middleware: one
//! `VerifyWebhook` per resource, handlers reading the untouched payload; plus Shopify's XML
//! and Slack's interactivity forms through the extractors. (The extractors'
//! version of the same app is `examples/receiver_actix.rs`, run by the workspace's
//! `tests/receivers.rs`.)

#![cfg(all(feature = "form", feature = "xml"))]

mod common;

use std::net::SocketAddr;

use actix_web::{HttpRequest, HttpResponse, web};
use common::serve_routes;
use hookverify_actix::{VerifiedSlackPayload, VerifiedXml, VerifyWebhook};
use hookverify_core::Notice;
use hookverify_core::format::{self, FormatError};
use hookverify_test_support::payload::{
    DropboxNotification, Interaction, MetaNotification, ShopifyOrder, SlackEnvelope,
    SlackInteraction, StripeEvent, TwilioMessage, TwitchMessage, ZoomEvent,
};
use hookverify_test_support::receiver::{self, Keys, Receiver};
use serde::de::DeserializeOwned;

/// The handler's line from the verified body parsed by `parse`, or 400 with the reason.
fn answer<T: DeserializeOwned>(
    body: &[u8],
    parse: fn(&[u8]) -> Result<T, FormatError>,
    line: impl FnOnce(T) -> String,
) -> HttpResponse {
    match parse(body) {
        Ok(value) => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(line(value)),
        Err(error) => HttpResponse::BadRequest()
            .content_type("text/plain; charset=utf-8")
            .body(error.to_string()),
    }
}

fn header<'r>(request: &'r HttpRequest, name: &str) -> &'r str {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-")
}

#[allow(
    clippy::too_many_lines,
    reason = "one route per provider, side by side as in the examples"
)]
fn routes(config: &mut web::ServiceConfig, keys: &Keys) {
    let mount = |config: &mut web::ServiceConfig, provider: &str, route: actix_web::Route| {
        config.service(
            web::resource(format!("/webhooks/{provider}"))
                .wrap(VerifyWebhook::new(keys.verifier(provider)))
                .route(route),
        );
    };
    mount(
        config,
        "github",
        web::post().to(|request: HttpRequest| async move {
            format!("github {}", header(&request, "x-github-event"))
        }),
    );
    mount(
        config,
        "stripe",
        web::post().to(|body: web::Bytes| async move {
            answer(&body, format::from_json, |event: StripeEvent| event.line())
        }),
    );
    mount(
        config,
        "slack",
        web::post().to(|body: web::Bytes| async move {
            answer(&body, format::from_json, |envelope: SlackEnvelope| {
                envelope.line()
            })
        }),
    );
    mount(
        config,
        "zoom",
        web::post().to(|body: web::Bytes| async move {
            answer(&body, format::from_json, |event: ZoomEvent| event.line())
        }),
    );
    mount(
        config,
        "twitch",
        web::post().to(
            |notice: Option<web::ReqData<Notice>>, body: web::Bytes| async move {
                if let Some(Notice::Revocation { reason }) = notice.map(web::ReqData::into_inner) {
                    return HttpResponse::Ok()
                        .content_type("text/plain; charset=utf-8")
                        .body(format!("twitch revoked {reason}"));
                }
                answer(&body, format::from_json, |message: TwitchMessage| {
                    message.line()
                })
            },
        ),
    );
    mount(
        config,
        "discord",
        web::post().to(|body: web::Bytes| async move {
            answer(&body, format::from_json, |interaction: Interaction| {
                interaction.line()
            })
        }),
    );
    mount(
        config,
        "meta",
        web::route().to(|body: web::Bytes| async move {
            answer(
                &body,
                format::from_json,
                |notification: MetaNotification| notification.line(),
            )
        }),
    );
    mount(
        config,
        "twilio",
        web::post().to(|body: web::Bytes| async move {
            answer(&body, format::from_form, |message: TwilioMessage| {
                message.line()
            })
        }),
    );
    mount(
        config,
        "dropbox",
        web::route().to(|body: web::Bytes| async move {
            answer(
                &body,
                format::from_json,
                |notification: DropboxNotification| notification.line(),
            )
        }),
    );
}

/// Shopify's XML orders and Slack's interactivity forms, through the extractors.
fn extractor_routes(config: &mut web::ServiceConfig, keys: &Keys) {
    config.service(
        web::resource("/webhooks/shopify")
            .app_data(keys.verifier("shopify"))
            .route(web::post().to(
                |VerifiedXml(order, ..): VerifiedXml<ShopifyOrder>| async move { order.line() },
            )),
    );
    config.service(
        web::resource("/webhooks/slack/interactive")
            .app_data(keys.verifier("slack"))
            .route(
                web::post().to(
                    |VerifiedSlackPayload(interaction, ..): VerifiedSlackPayload<
                        SlackInteraction,
                    >| async move { interaction.line() },
                ),
            ),
    );
}

fn serve(keys: &Keys) -> SocketAddr {
    let keys = keys.clone();
    serve_routes(move |config| {
        config.app_data(web::PayloadConfig::new(4 * 1024 * 1024));
        extractor_routes(config, &keys);
        routes(config, &keys);
    })
}

#[actix_web::test]
async fn the_middleware_answers_every_provider() {
    let keys = Keys::for_tests();
    let receiver = Receiver::new(serve(&keys), keys);
    receiver::every_provider_delivers(&receiver).await;
    receiver::every_handshake_is_answered(&receiver).await;
    receiver::the_public_url_ignores_a_forged_host(&receiver).await;
    receiver::bodies_and_methods_are_bounded(&receiver).await;
    receiver::xml_and_slack_payloads_are_parsed(&receiver).await;
}
