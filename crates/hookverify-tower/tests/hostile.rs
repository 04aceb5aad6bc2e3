//! The layer and the axum extractors under hostile clients, over real TCP: the shared suite of
//! `hookverify-test-support`, against an axum server.

#![cfg(feature = "axum")]

mod common;

use axum::routing::post;
use axum::{Extension, Router};
use common::{NOW, at, stripe};
use hookverify_core::{BodyBudget, SignOptions};
use hookverify_test_support::hostile::Target;
use hookverify_test_support::suite::{self, BODY_TIMEOUT, BUDGET, MAX_BODY_SIZE, Served};
use hookverify_tower::VerifyWebhookLayer;
use hookverify_tower::axum::{VerifiedWebhook, WebhookConfig};

/// How the route under test verifies.
#[derive(Debug, Clone, Copy)]
enum Verify {
    Layer,
    Extractor,
}

/// An axum server with one Stripe route, verified by the layer or the extractor with the
/// suite's limits.
async fn serve(verify: Verify) -> Served {
    let verifier = stripe();
    let budget = BodyBudget::new(BUDGET);
    let app = match verify {
        Verify::Layer => {
            let layer = VerifyWebhookLayer::new(verifier.clone())
                .max_body_size(MAX_BODY_SIZE)
                .body_timeout(BODY_TIMEOUT)
                .body_budget(budget.clone());
            Router::new().route("/hook", post(|| async { "ok" }).route_layer(layer))
        }
        Verify::Extractor => {
            let limits = WebhookConfig::default()
                .max_body_size(MAX_BODY_SIZE)
                .body_timeout(BODY_TIMEOUT)
                .body_budget(budget.clone());
            Router::new()
                .route("/hook", post(|_: VerifiedWebhook| async { "ok" }))
                .with_state(verifier.clone())
                .layer(Extension(limits))
        }
    };
    let addr = common::serve_router(app).await;
    let target = Target::new(addr, "/hook", move |body: &[u8]| {
        verifier
            .sign(body, &SignOptions::at(at(NOW)))
            .expect("signing")
    });
    Served::new(target, budget)
}

macro_rules! suite_against {
    ($module:ident, $verify:expr) => {
        mod $module {
            use super::*;

            #[tokio::test]
            async fn a_slow_body_is_answered_408_and_its_buffer_freed() {
                suite::slow_body_is_answered_408_and_its_buffer_freed(&serve($verify).await).await;
            }

            #[tokio::test]
            async fn an_announced_length_is_not_reserved() {
                suite::an_announced_length_is_not_reserved(&serve($verify).await).await;
            }

            #[tokio::test]
            async fn the_budget_refuses_deliveries_past_it_and_recovers() {
                suite::the_budget_refuses_deliveries_past_it_and_recovers(&serve($verify).await)
                    .await;
            }

            #[tokio::test]
            async fn expect_continue_is_refused_to_unsigned_deliveries() {
                suite::expect_continue_is_refused_to_unsigned_deliveries(&serve($verify).await)
                    .await;
            }

            #[tokio::test]
            async fn a_delivery_is_answered_promptly_amid_stalled_ones() {
                suite::a_delivery_is_answered_promptly_amid_stalled_ones(
                    &serve($verify).await,
                    200,
                )
                .await;
            }
        }
    };
}

suite_against!(layer, Verify::Layer);
suite_against!(extractor, Verify::Extractor);
