//! The middleware and the extractors under hostile clients, over real TCP: the shared suite of
//! `hookverify-test-support`, against an actix-http server with [`ExpectContinue`].

mod common;

use std::net::TcpListener;

use actix_http::HttpService;
use actix_service::map_config;
use actix_web::dev::{AppConfig, Server};
use actix_web::{App, HttpResponse, web};
use common::{NOW, at, stripe};
use hookverify_actix::{ExpectContinue, VerifiedWebhook, VerifyWebhook, WebhookConfig};
use hookverify_core::{BodyBudget, SignOptions};
use hookverify_test_support::hostile::Target;
use hookverify_test_support::suite::{self, BODY_TIMEOUT, BUDGET, MAX_BODY_SIZE, Served};

/// Where verification happens.
#[derive(Clone, Copy)]
enum Verify {
    Middleware,
    Extractor,
}

/// A one-worker server with one Stripe route, verified by the middleware or the extractor
/// with the suite's limits, and the expect service in front. It stops with the test's system.
fn serve(verify: Verify) -> Served {
    let verifier = stripe();
    let budget = BodyBudget::new(BUDGET);
    let expect = ExpectContinue::new()
        .route("/hook", verifier.clone())
        .max_body_size(MAX_BODY_SIZE)
        .body_budget(budget.clone());
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let addr = listener.local_addr().expect("an address");
    let (app_verifier, app_budget) = (verifier.clone(), budget.clone());
    let server = Server::build()
        .workers(1)
        .disable_signals()
        .listen("hostile", listener, move || {
            let app = match verify {
                Verify::Middleware => App::new().service(
                    web::resource("/hook")
                        .wrap(
                            VerifyWebhook::new(app_verifier.clone())
                                .max_body_size(MAX_BODY_SIZE)
                                .body_timeout(BODY_TIMEOUT)
                                .body_budget(app_budget.clone()),
                        )
                        .route(web::post().to(HttpResponse::Ok)),
                ),
                Verify::Extractor => App::new()
                    .app_data(app_verifier.clone())
                    .app_data(
                        WebhookConfig::default()
                            .max_body_size(MAX_BODY_SIZE)
                            .body_timeout(BODY_TIMEOUT)
                            .body_budget(app_budget.clone()),
                    )
                    .route(
                        "/hook",
                        web::post().to(|_: VerifiedWebhook| async { HttpResponse::Ok().finish() }),
                    ),
            };
            HttpService::build()
                .expect(expect.clone())
                .finish(map_config(app, |()| AppConfig::default()))
                .tcp()
        })
        .expect("the server binds")
        .run();
    actix_web::rt::spawn(server);
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

            #[actix_web::test]
            async fn a_slow_body_is_answered_408_and_its_buffer_freed() {
                suite::slow_body_is_answered_408_and_its_buffer_freed(&serve($verify)).await;
            }

            #[actix_web::test]
            async fn an_announced_length_is_not_reserved() {
                suite::an_announced_length_is_not_reserved(&serve($verify)).await;
            }

            #[actix_web::test]
            async fn the_budget_refuses_deliveries_past_it_and_recovers() {
                suite::the_budget_refuses_deliveries_past_it_and_recovers(&serve($verify)).await;
            }

            #[actix_web::test]
            async fn expect_continue_is_refused_to_unsigned_deliveries() {
                suite::expect_continue_is_refused_to_unsigned_deliveries(&serve($verify)).await;
            }

            #[actix_web::test]
            async fn a_delivery_is_answered_promptly_amid_stalled_ones() {
                suite::a_delivery_is_answered_promptly_amid_stalled_ones(&serve($verify), 200)
                    .await;
            }
        }
    };
}

suite_against!(middleware, Verify::Middleware);
suite_against!(extractor, Verify::Extractor);
