//! The `metrics` feature: both adapters count deliveries by scheme and outcome, time them, and
//! count which key verified, with bounded labels only. Recorded into `metrics-util`'s
//! debugging recorder, installed for the test's thread.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::collections::BTreeMap;

use actix_web::{App, test as actix_test, web};
use axum::Router;
use axum::body::Body;
use axum::routing::post;
use hookverify::actix::VerifyWebhook;
use hookverify::replay::Guard;
use hookverify::tower::VerifyWebhookLayer;
use hookverify::{Scheme, Verifier};
use hookverify_test_support::fixtures::{BODY, NOW, signed_headers, verifier};
use metrics_util::MetricKind;
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use tower::ServiceExt as _;

const NEW: &str = "whsec_new-test-only-secret";
const OLD: &str = "whsec_old-test-only-secret";

type Headers = Vec<(String, String)>;

/// What every adapter is sent: a delivery signed with the new key, one with the old key, the
/// first again (a replay), an unsigned one, a tampered one and a stale one.
fn deliveries() -> Vec<(Headers, &'static [u8])> {
    let new = verifier(Scheme::stripe(), &[NEW]);
    let old = verifier(Scheme::stripe(), &[OLD]);
    let first = signed_headers(&new, BODY, NOW);
    vec![
        (first.clone(), BODY),
        (signed_headers(&old, BODY, NOW), BODY),
        (first.clone(), BODY),
        (Vec::new(), BODY),
        (first, b"{\"id\":\"evt_forged\"}"),
        (signed_headers(&new, BODY, NOW - 3600), BODY),
    ]
}

/// The route's verifier: the new key first, the rotated-out one second.
fn rotating() -> Verifier {
    verifier(Scheme::stripe(), &[NEW, OLD])
}

async fn through_axum() {
    let app = Router::new()
        .route("/stripe", post(|| async { "handled" }))
        .layer(VerifyWebhookLayer::new(rotating()).replay(Guard::in_memory()));
    for (headers, body) in deliveries() {
        let mut request = http::Request::post("/stripe");
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let request = request.body(Body::from(body)).unwrap();
        app.clone().oneshot(request).await.unwrap();
    }
}

async fn through_actix() {
    let app = actix_test::init_service(
        App::new()
            .wrap(VerifyWebhook::new(rotating()).replay(Guard::in_memory()))
            .route("/stripe", web::post().to(|| async { "handled" })),
    )
    .await;
    for (headers, body) in deliveries() {
        let mut request = actix_test::TestRequest::post().uri("/stripe");
        for (name, value) in headers {
            request = request.insert_header((name, value));
        }
        actix_test::call_service(&app, request.set_payload(body).to_request()).await;
    }
}

/// Counter values and histogram sample counts by metric name and sorted labels.
type Recorded = BTreeMap<(String, Vec<(String, String)>), u64>;

fn record(run: impl FnOnce()) -> Recorded {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, run);
    snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, _, _, value)| {
            let (kind, key) = key.into_parts();
            let mut labels: Vec<_> = key
                .labels()
                .map(|label| (label.key().to_owned(), label.value().to_owned()))
                .collect();
            labels.sort();
            let value = match (kind, value) {
                (MetricKind::Counter, DebugValue::Counter(count)) => count,
                (MetricKind::Histogram, DebugValue::Histogram(samples)) => {
                    samples.len().try_into().unwrap()
                }
                (kind, value) => panic!("unexpected {kind:?} {value:?}"),
            };
            ((key.name().to_owned(), labels), value)
        })
        .collect()
}

fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut labels: Vec<_> = pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect();
    labels.sort();
    labels
}

fn assert_recorded(adapter: &str, recorded: &Recorded) {
    let count = |name: &str, pairs: &[(&str, &str)]| {
        recorded
            .get(&(name.to_owned(), labels(pairs)))
            .copied()
            .unwrap_or(0)
    };
    for (outcome, expected) in [
        ("verified", 2),
        ("duplicate", 1),
        ("missing", 1),
        ("mismatch", 1),
        ("stale", 1),
    ] {
        let pairs = [("scheme", "stripe"), ("outcome", outcome)];
        assert_eq!(
            count("hookverify_deliveries_total", &pairs),
            expected,
            "{adapter}: {outcome}"
        );
        assert_eq!(
            count("hookverify_delivery_duration_seconds", &pairs),
            expected,
            "{adapter}: one duration per {outcome} delivery"
        );
    }
    let key = |index| {
        count(
            "hookverify_key_matches_total",
            &[("scheme", "stripe"), ("key", index)],
        )
    };
    assert_eq!(
        (key("0"), key("1")),
        (1, 1),
        "{adapter}: the old key still verifies one"
    );

    // Nothing else is recorded, and no label carries a value from a request.
    let total: u64 = recorded
        .iter()
        .filter(|((name, _), _)| name == "hookverify_deliveries_total")
        .map(|(_, count)| count)
        .sum();
    assert_eq!(total, 6, "{adapter}: one outcome per delivery");
    for (name, labels) in recorded.keys() {
        for (key, _) in labels {
            assert!(
                ["scheme", "outcome", "key"].contains(&key.as_str()),
                "{adapter}: {name} has the label {key}"
            );
        }
    }
}

#[test]
fn the_tower_layer_counts_every_delivery_once_with_bounded_labels() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let recorded = record(|| runtime.block_on(through_axum()));
    assert_recorded("tower", &recorded);
}

#[test]
fn the_actix_middleware_counts_every_delivery_once_with_bounded_labels() {
    let recorded = record(|| actix_web::rt::System::new().block_on(through_actix()));
    assert_recorded("actix", &recorded);
}
