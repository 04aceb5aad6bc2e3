//! The handler-level extractors, driven by `actix_web::test`.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, test, web};
use common::*;
use hookverify_actix::{VerifiedJson, VerifiedWebhook, WebhookConfig, WebhookError};
use hookverify_core::Verifier;
use serde::Deserialize;

#[derive(Deserialize)]
struct Event {
    r#type: String,
}

async fn raw(webhook: VerifiedWebhook) -> String {
    let (verified, body) = webhook.into_parts();
    format!("{} {}", verified.scheme(), String::from_utf8_lossy(&body))
}

async fn json(VerifiedJson(event, ..): VerifiedJson<Event>) -> HttpResponse {
    match event.r#type.as_str() {
        "payment_intent.succeeded" => HttpResponse::Ok().body("paid"),
        other => HttpResponse::Accepted().body(other.to_owned()),
    }
}

#[actix_web::test]
async fn verified_webhook_uses_the_verifier_from_app_data_in_either_form() {
    for verifier in all_schemes() {
        let as_data = App::new().app_data(web::Data::new(verifier.clone()));
        let as_plain = App::new().app_data(verifier.clone());
        for app in [as_data, as_plain] {
            let app = test::init_service(app.route("/", web::post().to(raw))).await;
            let headers = signed_headers(&verifier, BODY, NOW);
            let response =
                test::call_service(&app, post("/", &headers).set_payload(BODY).to_request()).await;
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(
                text(response).await,
                format!(
                    "{} {}",
                    verifier.scheme().name(),
                    String::from_utf8_lossy(BODY)
                )
            );
            let response = test::call_service(
                &app,
                post("/", &headers).set_payload(&b"{}"[..]).to_request(),
            )
            .await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        }
    }
}

#[actix_web::test]
async fn verified_json_is_one_extractor_for_stripe_events() {
    let verifier = stripe();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(verifier.clone()))
            .route("/stripe", web::post().to(json)),
    )
    .await;
    let now = NOW;

    let headers = signed_headers(&verifier, BODY, now);
    let response = test::call_service(
        &app,
        post("/stripe", &headers).set_payload(BODY).to_request(),
    )
    .await;
    assert_eq!(
        (response.status(), text(response).await.as_str()),
        (StatusCode::OK, "paid")
    );

    let refund = br#"{"type":"charge.refunded"}"#;
    let headers = signed_headers(&verifier, refund, now);
    let response = test::call_service(
        &app,
        post("/stripe", &headers)
            .set_payload(&refund[..])
            .to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);

    // Signed, but not an event: verified first, then 400.
    let headers = signed_headers(&verifier, b"[]", now);
    let response = test::call_service(
        &app,
        post("/stripe", &headers)
            .set_payload(&b"[]"[..])
            .to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(text(response).await.starts_with("invalid JSON body"));

    // Stale and unsigned deliveries never reach the JSON parser, and are not read.
    let stale = signed_headers(&verifier, BODY, now - 3600);
    for headers in [stale, Vec::new()] {
        let request = with_stream(post("/stripe", &headers).to_request(), Untouchable);
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
}

#[actix_web::test]
async fn webhook_config_limits_the_extractor() {
    let verifier = github();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(verifier.clone()))
            .app_data(WebhookConfig::default().max_body_size(16))
            .route("/", web::post().to(raw)),
    )
    .await;
    let body = vec![b'x'; 17];
    let headers = signed_headers(&verifier, &body, NOW);
    let response =
        test::call_service(&app, post("/", &headers).set_payload(body).to_request()).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[actix_web::test]
async fn a_missing_verifier_is_a_500() {
    let app = test::init_service(App::new().route("/", web::post().to(raw))).await;
    let response = test::call_service(&app, post("/", &[]).to_request()).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(text(response).await, "no webhook verifier is configured");
}

#[actix_web::test]
async fn handlers_can_take_the_error_themselves() {
    let app = test::init_service(App::new().app_data(web::Data::new(github())).route(
        "/",
        web::post().to(|result: Result<VerifiedWebhook, WebhookError>| async move {
            match result {
                Ok(_) => HttpResponse::Ok().finish(),
                Err(error) => HttpResponse::Forbidden().body(error.to_string()),
            }
        }),
    ))
    .await;
    let response = test::call_service(&app, post("/", &[]).to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        text(response).await,
        "missing signature header `X-Hub-Signature-256`"
    );
}

#[actix_web::test]
async fn standard_webhooks_metadata_reaches_the_handler() {
    let verifier: Verifier = standard();
    let app = test::init_service(App::new().app_data(verifier.clone()).route(
        "/",
        web::post().to(|webhook: VerifiedWebhook| async move {
            webhook.verified().id().unwrap_or_default().to_owned()
        }),
    ))
    .await;
    let headers = signed_headers(&verifier, BODY, NOW);
    let response =
        test::call_service(&app, post("/", &headers).set_payload(BODY).to_request()).await;
    assert_eq!(text(response).await, MESSAGE_ID);
}

/// A handler that fails with 500 for a body starting with `fail`, returns early (dropping its
/// claim unfinished) for one starting with `drop`, and is handled otherwise.
async fn guarded(
    webhook: hookverify_actix::GuardedWebhook,
    hits: web::Data<std::sync::atomic::AtomicUsize>,
) -> HttpResponse {
    hits.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    if webhook.body().starts_with(b"drop") {
        return HttpResponse::InternalServerError().finish();
    }
    let answer = if webhook.body().starts_with(b"fail") {
        HttpResponse::InternalServerError().body("failed")
    } else {
        HttpResponse::Ok().body("handled")
    };
    webhook.finish(answer).await
}

/// The guarded extractor: a delivery runs its handler once and its duplicate is answered 200
/// unrun; a handler that fails, or returns without finishing, releases the claim so the
/// provider's retry runs; without a guard in app data it is a 500.
#[actix_web::test]
async fn the_guarded_extractor_runs_each_delivery_once_and_lets_failures_retry() {
    use std::sync::atomic::{AtomicUsize, Ordering};

    // Each phase has its own guard: schemes with a signed id sign every body with one id.
    let app = |verifier: &Verifier, hits: &web::Data<AtomicUsize>| {
        test::init_service(
            App::new()
                .app_data(web::Data::new(verifier.clone()))
                .app_data(web::Data::new(hookverify_replay::Guard::in_memory()))
                .app_data(hits.clone())
                .route("/hook", web::post().to(guarded)),
        )
    };
    let delivery = |verifier: &Verifier, body: &'static [u8]| {
        post("/hook", &signed_headers(verifier, body, NOW))
            .set_payload(body)
            .to_request()
    };
    for verifier in all_schemes() {
        let name = verifier.scheme().name();
        let hits = web::Data::new(AtomicUsize::new(0));
        let first = app(&verifier, &hits).await;
        let response = test::call_service(&first, delivery(&verifier, BODY)).await;
        assert_eq!(text(response).await, "handled", "{name}");
        let response = test::call_service(&first, delivery(&verifier, BODY)).await;
        assert_eq!(response.status(), StatusCode::OK, "{name}");
        assert_eq!(text(response).await, "duplicate delivery: already handled");
        assert_eq!(
            hits.load(Ordering::SeqCst),
            1,
            "{name}: the duplicate did not run"
        );

        for body in [&b"fail once"[..], b"drop once"] {
            let hits = web::Data::new(AtomicUsize::new(0));
            let failing = app(&verifier, &hits).await;
            let response = test::call_service(&failing, delivery(&verifier, body)).await;
            assert_eq!(
                response.status(),
                StatusCode::INTERNAL_SERVER_ERROR,
                "{name}"
            );
            // A dropped claim is released on the runtime; give that its turn.
            actix_web::rt::task::yield_now().await;
            let response = test::call_service(&failing, delivery(&verifier, body)).await;
            assert_eq!(
                response.status(),
                StatusCode::INTERNAL_SERVER_ERROR,
                "{name}"
            );
            assert_eq!(hits.load(Ordering::SeqCst), 2, "{name}: the retry ran");
        }
    }

    let unguarded = test::init_service(
        App::new()
            .app_data(web::Data::new(stripe()))
            .app_data(web::Data::new(AtomicUsize::new(0)))
            .route("/hook", web::post().to(guarded)),
    )
    .await;
    let response = test::call_service(&unguarded, delivery(&stripe(), BODY)).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        text(response).await,
        "no webhook replay guard is configured"
    );
}
