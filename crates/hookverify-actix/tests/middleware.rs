//! The middleware, driven by `actix_web::test`.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, test, web};
use common::*;
use hookverify_actix::{VerifiedDelivery, VerifyWebhook};
use hookverify_core::{Scheme, SignOptions, Verifier, VerifyError};
use serde::Deserialize;

#[derive(Deserialize)]
struct Event {
    id: String,
}

/// An app whose three routes read the body with three different extractors, all behind the
/// middleware, counting handler runs.
fn app(
    verifier: Verifier,
    limit: usize,
    hits: Arc<AtomicUsize>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (bytes_hits, string_hits, json_hits) = (hits.clone(), hits.clone(), hits);
    App::new()
        .wrap(VerifyWebhook::new(verifier).max_body_size(limit))
        .app_data(web::PayloadConfig::new(10 * 1024 * 1024))
        .route(
            "/bytes",
            web::post().to(
                move |VerifiedDelivery(verified): VerifiedDelivery, body: web::Bytes| {
                    bytes_hits.fetch_add(1, Ordering::SeqCst);
                    async move { format!("{} {}", verified.scheme(), body.len()) }
                },
            ),
        )
        .route(
            "/string",
            web::post().to(move |body: String| {
                string_hits.fetch_add(1, Ordering::SeqCst);
                async move { body }
            }),
        )
        .route(
            "/json",
            web::post().to(move |event: web::Json<Event>| {
                json_hits.fetch_add(1, Ordering::SeqCst);
                async move { event.into_inner().id }
            }),
        )
}

#[actix_web::test]
async fn signed_deliveries_reach_every_downstream_extractor_with_the_original_bytes() {
    for verifier in all_schemes() {
        let hits = Arc::new(AtomicUsize::new(0));
        let app = test::init_service(app(verifier.clone(), 1024, hits.clone())).await;
        let headers = signed_headers(&verifier, BODY, NOW);

        let response = test::call_service(
            &app,
            post("/bytes", &headers).set_payload(BODY).to_request(),
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            text(response).await,
            format!("{} {}", verifier.scheme().name(), BODY.len())
        );

        let response = test::call_service(
            &app,
            post("/string", &headers).set_payload(BODY).to_request(),
        )
        .await;
        assert_eq!(text(response).await.as_bytes(), BODY);

        let response = test::call_service(
            &app,
            post("/json", &headers)
                .insert_header(("content-type", "application/json"))
                .set_payload(BODY)
                .to_request(),
        )
        .await;
        assert_eq!(text(response).await, "evt_1");
        assert_eq!(hits.load(Ordering::SeqCst), 3);
    }
}

#[actix_web::test]
async fn unsigned_malformed_and_stale_deliveries_are_rejected_unread() {
    for verifier in all_schemes() {
        let hits = Arc::new(AtomicUsize::new(0));
        let app = test::init_service(app(verifier.clone(), 1024, hits.clone())).await;
        let stale = signed_headers(&verifier, BODY, NOW - 301);
        let future = signed_headers(&verifier, BODY, NOW + 301);
        let mut malformed = signed_headers(&verifier, BODY, NOW);
        let last = malformed.len() - 1;
        malformed[last].1 = "???".to_owned();

        for (headers, status) in [
            (&Vec::new(), StatusCode::UNAUTHORIZED),
            (&malformed, StatusCode::BAD_REQUEST),
            (
                &stale,
                if verifier.scheme().has_timestamp() {
                    StatusCode::UNAUTHORIZED
                } else {
                    StatusCode::OK
                },
            ),
            (
                &future,
                if verifier.scheme().has_timestamp() {
                    StatusCode::UNAUTHORIZED
                } else {
                    StatusCode::OK
                },
            ),
        ] {
            if status == StatusCode::OK {
                continue; // GitHub has no timestamp: nothing to be stale.
            }
            let request = with_stream(post("/bytes", headers).to_request(), Untouchable);
            let response = test::call_service(&app, request).await;
            assert_eq!(response.status(), status, "{}", verifier.scheme().name());
            assert_eq!(
                response.headers().get("content-type").unwrap(),
                "text/plain; charset=utf-8"
            );
            assert!(
                response
                    .response()
                    .extensions()
                    .get::<VerifyError>()
                    .is_some()
            );
        }
        assert_eq!(hits.load(Ordering::SeqCst), 0);
    }
}

#[actix_web::test]
async fn tampered_payloads_are_401_and_the_handler_never_runs() {
    for verifier in all_schemes() {
        let hits = Arc::new(AtomicUsize::new(0));
        let app = test::init_service(app(verifier.clone(), 1024, hits.clone())).await;
        let headers = signed_headers(&verifier, BODY, NOW);
        let response = test::call_service(
            &app,
            post("/bytes", &headers)
                .set_payload(&b"{}"[..])
                .to_request(),
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(text(response).await, "no signature matches");
        assert_eq!(hits.load(Ordering::SeqCst), 0);
    }
}

#[actix_web::test]
async fn chunked_payloads_verify_and_reach_the_handler_whole() {
    let body = vec![b'c'; 10_000];
    for verifier in all_schemes() {
        let app = test::init_service(app(verifier.clone(), 64 * 1024, Arc::default())).await;
        let headers = signed_headers(&verifier, &body, NOW);
        for size in [1, 7, 1000] {
            let request = with_stream(
                post("/string", &headers).to_request(),
                Chunks::new(&body, size),
            );
            let response = test::call_service(&app, request).await;
            assert_eq!(response.status(), StatusCode::OK, "chunks of {size}");
            assert_eq!(text(response).await.len(), 10_000);
        }
    }
}

#[actix_web::test]
async fn payload_at_the_limit_passes_and_one_byte_over_is_413() {
    let verifier = stripe();
    let app = test::init_service(app(verifier.clone(), 1024, Arc::default())).await;
    for (len, status) in [
        (1024, StatusCode::OK),
        (1025, StatusCode::PAYLOAD_TOO_LARGE),
    ] {
        let body = vec![b'l'; len];
        let headers = signed_headers(&verifier, &body, NOW);
        // With a Content-Length ...
        let response = test::call_service(
            &app,
            post("/bytes", &headers)
                .set_payload(body.clone())
                .to_request(),
        )
        .await;
        assert_eq!(response.status(), status, "announced {len}");
        // ... and streamed without one.
        let request = with_stream(
            post("/bytes", &headers).to_request(),
            Chunks::new(&body, 100),
        );
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), status, "streamed {len}");
    }
}

#[actix_web::test]
async fn an_oversized_content_length_is_413_unread() {
    let verifier = github();
    let app = test::init_service(app(verifier.clone(), 1024, Arc::default())).await;
    let mut headers = signed_headers(&verifier, BODY, NOW);
    headers.push(("content-length".to_owned(), "1025".to_owned()));
    let request = with_stream(post("/bytes", &headers).to_request(), Untouchable);
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        text(response).await,
        "body is larger than the 1024 byte limit"
    );
}

#[actix_web::test]
async fn a_failing_payload_stream_is_400() {
    let verifier = github();
    let hits = Arc::new(AtomicUsize::new(0));
    let app = test::init_service(app(verifier.clone(), 1024, hits.clone())).await;
    let headers = signed_headers(&verifier, BODY, NOW);
    let request = with_stream(
        post("/bytes", &headers).to_request(),
        Failing::after(b"{\"id\""),
    );
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[actix_web::test]
async fn stale_stripe_timestamps_are_401_with_the_reason() {
    let verifier = stripe();
    let app = test::init_service(app(verifier.clone(), 1024, Arc::default())).await;
    let headers = signed_headers(&verifier, BODY, NOW - 3600);
    let response = test::call_service(
        &app,
        post("/bytes", &headers).set_payload(BODY).to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(text(response).await, "timestamp outside the tolerance");
}

#[actix_web::test]
async fn several_v1_signatures_from_rotated_secrets_verify() {
    let old = verifier(Scheme::stripe(), &["whsec_old-test-only-secret"]);
    let new = verifier(Scheme::stripe(), &["whsec_new-test-only-secret"]);
    let v1 = |verifier: &Verifier| {
        let headers = verifier.sign(BODY, &SignOptions::at(at(NOW))).unwrap();
        headers[0].1.split_once(",v1=").unwrap().1.to_owned()
    };
    // Stripe signs with every active secret; the receiver still has only the old one.
    let header = format!("t={NOW},v1={},v1={}", v1(&new), v1(&old));
    let headers = vec![("Stripe-Signature".to_owned(), header)];
    let old_only = test::init_service(app(old.clone(), 1024, Arc::default())).await;
    let response = test::call_service(
        &old_only,
        post("/bytes", &headers).set_payload(BODY).to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);

    // A receiver holding both secrets accepts deliveries signed with either.
    let both = test::init_service(app(stripe_rotating(), 1024, Arc::default())).await;
    for signer in [old, new] {
        let headers = signed_headers(&signer, BODY, NOW);
        let response = test::call_service(
            &both,
            post("/bytes", &headers).set_payload(BODY).to_request(),
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
}

#[actix_web::test]
async fn the_rejection_response_can_be_replaced() {
    let app = test::init_service(
        App::new()
            .wrap(
                VerifyWebhook::new(github()).error_handler(|error, _request| {
                    HttpResponse::Forbidden().body(format!("nope ({})", error.status_code()))
                }),
            )
            .route("/", web::post().to(|| async { "unreachable" })),
    )
    .await;
    let response = test::call_service(&app, post("/", &[]).to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        response
            .response()
            .extensions()
            .get::<VerifyError>()
            .is_some()
    );
    assert_eq!(text(response).await, "nope (401)");
}

#[actix_web::test]
async fn the_middleware_works_on_a_scope() {
    let verifier = standard();
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/hooks")
                    .wrap(VerifyWebhook::new(verifier.clone()))
                    .route(
                        "/standard",
                        web::post().to(|VerifiedDelivery(verified): VerifiedDelivery| async move {
                            verified.id().unwrap_or_default().to_owned()
                        }),
                    ),
            )
            .route("/open", web::post().to(|| async { "open" })),
    )
    .await;
    let headers = signed_headers(&verifier, BODY, NOW);
    let response = test::call_service(
        &app,
        post("/hooks/standard", &headers)
            .set_payload(BODY)
            .to_request(),
    )
    .await;
    assert_eq!(text(response).await, MESSAGE_ID);
    // Routes outside the scope are not verified.
    let response = test::call_service(&app, post("/open", &[]).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn verified_delivery_without_the_middleware_is_500() {
    let app = test::init_service(App::new().route(
        "/",
        web::post().to(|_: VerifiedDelivery| async { "unreachable" }),
    ))
    .await;
    let response = test::call_service(&app, post("/", &[]).to_request()).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

/// An app whose one route is guarded by its own in-memory store, counting handler runs; a body
/// starting with `fail` makes the handler answer 500.
fn guarded_app(
    verifier: Verifier,
    hits: Arc<AtomicUsize>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let counted = hits;
    App::new()
        .wrap(VerifyWebhook::new(verifier).replay(hookverify_replay::Guard::in_memory()))
        .route(
            "/guarded",
            web::post().to(move |body: web::Bytes| {
                counted.fetch_add(1, Ordering::SeqCst);
                async move {
                    if body.starts_with(b"fail") {
                        HttpResponse::InternalServerError().finish()
                    } else {
                        HttpResponse::Ok().body("handled")
                    }
                }
            }),
        )
}

/// The replay guard: a delivery runs its handler once; a duplicate is answered 200 unrun; a
/// failed handler releases its claim, so the retry runs.
#[actix_web::test]
async fn the_replay_guard_runs_each_delivery_once_and_lets_failures_retry() {
    for verifier in all_schemes() {
        let hits = Arc::new(AtomicUsize::new(0));
        let app = test::init_service(guarded_app(verifier.clone(), Arc::clone(&hits))).await;
        let name = verifier.scheme().name();

        let headers = signed_headers(&verifier, BODY, NOW);
        let send = |headers: &[(String, String)], body: &'static [u8]| {
            post("/guarded", headers).set_payload(body).to_request()
        };
        let response = test::call_service(&app, send(&headers, BODY)).await;
        assert_eq!(text(response).await, "handled", "{name}");
        let response = test::call_service(&app, send(&headers, BODY)).await;
        assert_eq!(response.status(), StatusCode::OK, "{name}");
        assert_eq!(text(response).await, "duplicate delivery: already handled");
        assert_eq!(
            hits.load(Ordering::SeqCst),
            1,
            "{name}: the duplicate did not run"
        );

        // A failing delivery (its own guard: a signed id would make it the first one's twin).
        let hits = Arc::new(AtomicUsize::new(0));
        let app = test::init_service(guarded_app(verifier.clone(), Arc::clone(&hits))).await;
        let failing: &[u8] = b"fail once";
        let headers = signed_headers(&verifier, failing, NOW);
        let response = test::call_service(&app, send(&headers, failing)).await;
        assert_eq!(
            response.status(),
            StatusCode::INTERNAL_SERVER_ERROR,
            "{name}"
        );
        let response = test::call_service(&app, send(&headers, failing)).await;
        assert_eq!(
            response.status(),
            StatusCode::INTERNAL_SERVER_ERROR,
            "{name}: retried"
        );
        assert_eq!(hits.load(Ordering::SeqCst), 2, "{name}");
    }
}

/// A route of many tenants: each delivery is verified with the keys of the tenant its path
/// names, loaded once; another tenant's signature, an unknown tenant and no tenant are 401, a
/// failing resolver 503, and the handler runs for verified deliveries only.
#[actix_web::test]
async fn each_tenant_is_verified_with_its_own_keys_and_a_failing_resolver_is_503() {
    use hookverify_test_support::fixtures::{
        ACME_SECRET, GLOBEX_SECRET, TENANT_REJECTIONS, tenants,
    };

    let loads = Arc::new(AtomicUsize::new(0));
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&hits);
    let app = test::init_service(
        App::new()
            .wrap(VerifyWebhook::for_tenants(tenants(&loads)))
            .default_service(web::to(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                async { "handled" }
            })),
    )
    .await;
    let signed_by = |secret| signed_headers(&verifier(Scheme::stripe(), &[secret]), BODY, NOW);
    let deliver = |path: &str, secret| {
        post(path, &signed_by(secret))
            .set_payload(BODY)
            .to_request()
    };

    for _ in 0..3 {
        let response = test::call_service(&app, deliver("/tenants/acme", ACME_SECRET)).await;
        assert_eq!(text(response).await, "handled");
    }
    assert_eq!(
        loads.load(Ordering::SeqCst),
        1,
        "acme's keys are loaded once"
    );
    let response = test::call_service(&app, deliver("/tenants/globex", GLOBEX_SECRET)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(hits.load(Ordering::SeqCst), 4);

    for (path, secret, status, message) in TENANT_REJECTIONS {
        let response = test::call_service(&app, deliver(path, secret)).await;
        assert_eq!(response.status().as_u16(), status, "{path}");
        assert_eq!(text(response).await, message, "{path}");
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        4,
        "no rejected delivery reaches the handler"
    );
}
