//! The layer on an axum router, and the axum extractors.

#![cfg(feature = "axum")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRef, State};
use axum::http::{Request, StatusCode};
use axum::routing::post;
use axum::{Extension, Json, Router};
use common::*;
use hookverify_core::{SignOptions, Verifier};
use hookverify_tower::VerifyWebhookLayer;
use hookverify_tower::axum::{
    GuardedWebhook, VerifiedDelivery, VerifiedJson, VerifiedWebhook, WebhookConfig,
    WebhookRejection,
};
use http_body_util::BodyExt as _;
use serde::Deserialize;
use tower::ServiceExt as _;

async fn send(app: Router, request: Request<Body>) -> (StatusCode, String) {
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[derive(Clone, Default)]
struct Hits(Arc<AtomicUsize>);

// ==== the layer on a router ====

fn layered(verifier: Verifier, hits: Hits) -> Router {
    let handler = move |VerifiedDelivery(verified): VerifiedDelivery, body: Bytes| {
        let hits = hits.clone();
        async move {
            hits.0.fetch_add(1, Ordering::SeqCst);
            format!("{} {}", verified.scheme(), body.len())
        }
    };
    Router::new()
        .route("/hook", post(handler))
        .route_layer(VerifyWebhookLayer::new(verifier))
}

#[tokio::test]
async fn route_layer_verifies_before_the_handler_for_every_scheme() {
    for verifier in all_schemes() {
        let hits = Hits::default();
        let app = layered(verifier.clone(), hits.clone());
        let headers = signed_headers(&verifier, BODY, NOW);

        let (status, text) = send(app.clone(), request_to("/hook", &headers, BODY)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(text, format!("{} {}", verifier.scheme().name(), BODY.len()));

        let (status, _) = send(app.clone(), request_to("/hook", &[], BODY)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = send(app, request_to("/hook", &headers, b"{}")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            hits.0.load(Ordering::SeqCst),
            1,
            "{}",
            verifier.scheme().name()
        );
    }
}

#[tokio::test]
async fn router_layer_and_json_extractor_downstream_see_the_original_bytes() {
    #[derive(Deserialize)]
    struct Event {
        id: String,
    }
    let verifier = stripe();
    let app = Router::new()
        .route(
            "/hook",
            post(|Json(event): Json<Event>| async move { event.id }),
        )
        .layer(VerifyWebhookLayer::new(verifier.clone()));
    let headers = signed_headers(&verifier, BODY, NOW);
    let (status, text) = send(app, request_to("/hook", &headers, BODY)).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "evt_1"));
}

#[tokio::test]
async fn verified_delivery_without_the_layer_is_a_500() {
    let app = Router::new().route("/hook", post(|_: VerifiedDelivery| async { "unreachable" }));
    let (status, text) = send(app, request_to("/hook", &[], BODY)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        text,
        "webhook verification is not configured for this route"
    );
}

// ==== handler-level extractors ====

#[derive(Clone)]
struct AppState {
    verifier: Verifier,
    hits: Hits,
}

impl FromRef<AppState> for Verifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

impl FromRef<AppState> for Hits {
    fn from_ref(state: &AppState) -> Self {
        state.hits.clone()
    }
}

fn extracting(verifier: Verifier, hits: Hits) -> Router {
    async fn raw(State(hits): State<Hits>, webhook: VerifiedWebhook) -> String {
        hits.0.fetch_add(1, Ordering::SeqCst);
        let (verified, body) = webhook.into_parts();
        format!("{} {}", verified.scheme(), String::from_utf8_lossy(&body))
    }
    #[derive(Deserialize)]
    struct Event {
        r#type: String,
    }
    async fn json(
        State(hits): State<Hits>,
        VerifiedJson(event, ..): VerifiedJson<Event>,
    ) -> String {
        hits.0.fetch_add(1, Ordering::SeqCst);
        event.r#type
    }
    Router::new()
        .route("/raw", post(raw))
        .route("/json", post(json))
        .with_state(AppState { verifier, hits })
}

#[tokio::test]
async fn verified_webhook_extractor_verifies_with_the_verifier_from_state() {
    for verifier in all_schemes() {
        let hits = Hits::default();
        let app = extracting(verifier.clone(), hits.clone());
        let headers = signed_headers(&verifier, BODY, NOW);
        let (status, text) = send(app.clone(), request_to("/raw", &headers, BODY)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            text,
            format!(
                "{} {}",
                verifier.scheme().name(),
                String::from_utf8_lossy(BODY)
            )
        );
        let (status, text) = send(app, request_to("/raw", &headers, b"{\"id\":2}")).await;
        assert_eq!(
            (status, text.as_str()),
            (StatusCode::UNAUTHORIZED, "no signature matches")
        );
        assert_eq!(hits.0.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn verified_json_extractor_deserializes_only_after_verification() {
    let verifier = stripe();
    let hits = Hits::default();
    let app = extracting(verifier.clone(), hits.clone());
    let now = NOW;

    let headers = signed_headers(&verifier, BODY, now);
    let (status, text) = send(app.clone(), request_to("/json", &headers, BODY)).await;
    assert_eq!(
        (status, text.as_str()),
        (StatusCode::OK, "payment_intent.succeeded")
    );

    // Signed but not JSON: verified, then 400.
    let not_json = b"not json";
    let headers = signed_headers(&verifier, not_json, now);
    let (status, text) = send(app.clone(), request_to("/json", &headers, not_json)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.starts_with("invalid JSON body"), "{text}");

    // Not JSON and not signed: the signature is judged first.
    let (status, _) = send(app.clone(), request_to("/json", &[], not_json)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Stale: rejected before the body.
    let headers = signed_headers(&verifier, BODY, now - 3600);
    let (status, text) = send(app, request_to("/json", &headers, BODY)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(text, "timestamp outside the tolerance");
    assert_eq!(hits.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn verified_webhook_extractor_takes_its_limit_from_a_webhook_config() {
    let verifier = github();
    let hits = Hits::default();
    let limited = || {
        extracting(verifier.clone(), hits.clone())
            .layer(Extension(WebhookConfig::default().max_body_size(16)))
    };
    for (len, status) in [(16, StatusCode::OK), (17, StatusCode::PAYLOAD_TOO_LARGE)] {
        let body = vec![b'x'; len];
        let headers = signed_headers(&verifier, &body, NOW);
        let (got, text) = send(limited(), request_to("/raw", &headers, &body)).await;
        assert_eq!(got, status, "{len}: {text}");
    }
    // axum's DefaultBodyLimit does not apply: the extractors read the body as the layer does.
    let body = vec![b'x'; 64];
    let headers = signed_headers(&verifier, &body, NOW);
    let app = extracting(verifier.clone(), hits.clone()).layer(DefaultBodyLimit::max(16));
    let (status, _) = send(app, request_to("/raw", &headers, &body)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(hits.0.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn handlers_can_take_the_rejection_themselves() {
    let app = Router::new()
        .route(
            "/hook",
            post(
                |result: Result<VerifiedWebhook, WebhookRejection>| async move {
                    match result {
                        Ok(_) => (StatusCode::OK, String::new()),
                        Err(rejection) => (StatusCode::FORBIDDEN, rejection.status().to_string()),
                    }
                },
            ),
        )
        .with_state(github());
    let (status, text) = send(app, request_to("/hook", &[], BODY)).await;
    assert_eq!(
        (status, text.as_str()),
        (StatusCode::FORBIDDEN, "401 Unauthorized")
    );
}

#[tokio::test]
async fn signing_with_a_fixed_id_is_stable() {
    // Guards the helper the other tests rely on.
    let verifier = standard();
    let a = verifier
        .sign(BODY, &SignOptions::at(at(NOW)).id("msg_1"))
        .unwrap();
    let b = verifier
        .sign(BODY, &SignOptions::at(at(NOW)).id("msg_1"))
        .unwrap();
    assert_eq!(a, b);
}

// ==== the guarded extractor ====

#[derive(Clone)]
struct Guarded {
    verifier: Verifier,
    guard: hookverify_replay::Guard,
    hits: Hits,
}

impl FromRef<Guarded> for Verifier {
    fn from_ref(state: &Guarded) -> Self {
        state.verifier.clone()
    }
}

impl FromRef<Guarded> for hookverify_replay::Guard {
    fn from_ref(state: &Guarded) -> Self {
        state.guard.clone()
    }
}

/// A handler that fails with 500 for a body starting with `fail`, returns early (dropping
/// its claim unfinished) for one starting with `drop`, and is handled otherwise.
async fn guarded(
    State(state): State<Guarded>,
    webhook: GuardedWebhook,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    state.hits.0.fetch_add(1, Ordering::SeqCst);
    if webhook.body().starts_with(b"drop") {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let failed = webhook.body().starts_with(b"fail");
    let answer = if failed {
        (StatusCode::INTERNAL_SERVER_ERROR, "failed")
    } else {
        (StatusCode::OK, "handled")
    };
    webhook.finish(answer).await
}

/// The guarded extractor: a delivery runs its handler once and its duplicate is answered 200
/// unrun; a handler that fails, or returns without finishing, releases the claim so the
/// provider's retry runs; unsigned deliveries never reach the guard.
#[tokio::test]
async fn the_guarded_extractor_runs_each_delivery_once_and_lets_failures_retry() {
    // Each phase has its own guard: schemes with a signed id sign every body with one id.
    let app = |verifier: &Verifier, hits: &Hits| {
        Router::new()
            .route("/hook", post(guarded))
            .with_state(Guarded {
                verifier: verifier.clone(),
                guard: hookverify_replay::Guard::in_memory(),
                hits: hits.clone(),
            })
    };
    let deliver = |app: &Router, verifier: &Verifier, body: &'static [u8]| {
        let headers = signed_headers(verifier, body, NOW);
        send(app.clone(), request_to("/hook", &headers, body))
    };
    for verifier in all_schemes() {
        let name = verifier.scheme().name().to_owned();
        let hits = Hits::default();
        let first = app(&verifier, &hits);
        let handled = (StatusCode::OK, "handled".to_owned());
        assert_eq!(deliver(&first, &verifier, BODY).await, handled, "{name}");
        assert_eq!(
            deliver(&first, &verifier, BODY).await,
            (
                StatusCode::OK,
                "duplicate delivery: already handled".to_owned()
            ),
            "{name}"
        );
        assert_eq!(
            hits.0.load(Ordering::SeqCst),
            1,
            "{name}: the duplicate did not run"
        );
        let (status, _) = send(first, request_to("/hook", &[], BODY)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{name}");
        assert_eq!(
            hits.0.load(Ordering::SeqCst),
            1,
            "{name}: unsigned never runs"
        );

        for body in [&b"fail once"[..], b"drop once"] {
            let hits = Hits::default();
            let failing = app(&verifier, &hits);
            let (status, _) = deliver(&failing, &verifier, body).await;
            assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{name}");
            // A dropped claim is released on the runtime; give that its turn.
            tokio::task::yield_now().await;
            let (status, _) = deliver(&failing, &verifier, body).await;
            assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{name}");
            assert_eq!(hits.0.load(Ordering::SeqCst), 2, "{name}: the retry ran");
        }
    }
}

fn request_to(path: &str, headers: &[(String, String)], body: &[u8]) -> Request<Body> {
    let mut builder = Request::post(path).header("content-type", "application/json");
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    builder.body(Body::from(body.to_vec())).unwrap()
}
