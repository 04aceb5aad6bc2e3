//! The layer in-process, over a plain tower service.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

mod common;

use std::convert::Infallible;

use bytes::Bytes;
use common::*;
use hookverify_core::{Scheme, SignOptions, VerifyError};
use hookverify_tower::VerifyWebhookLayer;
use http::{Response, StatusCode, header};
use http_body::Frame;
use http_body_util::{BodyExt as _, Full};
use tower::{Layer as _, ServiceBuilder, ServiceExt as _};

fn layer(verifier: hookverify_core::Verifier) -> VerifyWebhookLayer {
    VerifyWebhookLayer::new(verifier)
}

fn body_text(response: Response<String>) -> String {
    response.into_body()
}

#[tokio::test]
async fn signed_deliveries_reach_the_inner_service_unchanged() {
    for verifier in all_schemes() {
        let calls = Calls::default();
        let headers = signed_headers(&verifier, BODY, NOW);
        let service = ServiceBuilder::new()
            .layer(layer(verifier.clone()))
            .service(echo(calls.clone()));
        let response = service
            .oneshot(request(&headers, Full::new(Bytes::from_static(BODY))))
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{}",
            scheme_of(&verifier)
        );
        assert_eq!(
            body_text(response),
            format!(
                "{} /webhooks?source=test 42 {}",
                scheme_of(&verifier),
                String::from_utf8_lossy(BODY)
            )
        );
        assert_eq!(calls.count(), 1);
    }
}

#[tokio::test]
async fn unsigned_deliveries_are_rejected_unread_with_401() {
    for verifier in all_schemes() {
        let calls = Calls::default();
        let service = layer(verifier.clone()).layer(echo(calls.clone()));
        let response = service.oneshot(request(&[], Untouchable)).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
        assert!(matches!(
            response.extensions().get::<VerifyError>(),
            Some(VerifyError::MissingSignature { .. })
        ));
        assert!(
            body_text(response).starts_with("missing signature header"),
            "{}",
            scheme_of(&verifier)
        );
        assert_eq!(calls.count(), 0);
    }
}

#[tokio::test]
async fn malformed_headers_are_rejected_unread_with_400() {
    let calls = Calls::default();
    let service = layer(stripe()).layer(echo(calls.clone()));
    let headers = vec![("Stripe-Signature".to_owned(), "t=abc,v1=00".to_owned())];
    let response = service
        .oneshot(request(&headers, Untouchable))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        body_text(response),
        "header `Stripe-Signature` is malformed: the timestamp is not an unsigned integer"
    );
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn stale_and_future_timestamps_are_rejected_unread_with_401() {
    for verifier in [stripe(), standard()] {
        for signed_at in [NOW - 301, NOW + 301] {
            let calls = Calls::default();
            let headers = signed_headers(&verifier, BODY, signed_at);
            let service = layer(verifier.clone()).layer(echo(calls.clone()));
            let response = service
                .oneshot(request(&headers, Untouchable))
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            assert!(
                response
                    .extensions()
                    .get::<VerifyError>()
                    .unwrap()
                    .is_timestamp_error()
            );
            assert_eq!(calls.count(), 0);
        }
    }
}

#[tokio::test]
async fn tampered_bodies_are_rejected_with_401_and_never_reach_the_service() {
    for verifier in all_schemes() {
        let calls = Calls::default();
        let headers = signed_headers(&verifier, BODY, NOW);
        let service = layer(verifier.clone()).layer(echo(calls.clone()));
        let mut tampered = BODY.to_vec();
        tampered[5] ^= 1;
        let response = service
            .oneshot(request(&headers, Full::new(Bytes::from(tampered))))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(body_text(response), "no signature matches");
        assert_eq!(calls.count(), 0);
    }
}

#[tokio::test]
async fn chunked_bodies_in_many_small_frames_verify() {
    let body = vec![b'a'; 10_000];
    for verifier in all_schemes() {
        for chunk in [1, 7, 4096] {
            let calls = Calls::default();
            let headers = signed_headers(&verifier, &body, NOW);
            let service = layer(verifier.clone()).layer(echo(calls.clone()));
            let response = service
                .oneshot(request(&headers, Chunked::new(body.clone(), chunk)))
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "chunk {chunk}");
            assert!(body_text(response).ends_with(&"a".repeat(10_000)));
        }
    }
}

#[tokio::test]
async fn body_exactly_at_the_limit_passes_and_one_byte_over_is_413() {
    let verifier = github();
    for len in [1024, 1025] {
        let body = vec![b'x'; len];
        let headers = signed_headers(&verifier, &body, NOW);
        // Announced through Content-Length (Full has an exact size hint) ...
        let calls = Calls::default();
        let service = layer(verifier.clone())
            .max_body_size(1024)
            .layer(echo(calls.clone()));
        let response = service
            .oneshot(request(&headers, Full::new(Bytes::from(body.clone()))))
            .await
            .unwrap();
        let expected = if len == 1024 {
            StatusCode::OK
        } else {
            StatusCode::PAYLOAD_TOO_LARGE
        };
        assert_eq!(response.status(), expected, "announced {len}");
        // ... and streamed without any size hint.
        let service = layer(verifier.clone())
            .max_body_size(1024)
            .layer(echo(calls.clone()));
        let response = service
            .oneshot(request(&headers, Chunked::new(body, 100)))
            .await
            .unwrap();
        assert_eq!(response.status(), expected, "streamed {len}");
        if len == 1025 {
            assert_eq!(
                body_text(response),
                "body is larger than the 1024 byte limit"
            );
        }
    }
}

#[tokio::test]
async fn content_length_over_the_limit_is_413_without_reading() {
    let verifier = github();
    let mut headers = signed_headers(&verifier, BODY, NOW);
    headers.push(("content-length".to_owned(), "1048577".to_owned()));
    let calls = Calls::default();
    let service = layer(verifier)
        .max_body_size(1024 * 1024)
        .layer(echo(calls.clone()));
    let response = service
        .oneshot(request(&headers, Untouchable))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn a_content_length_that_understates_the_body_does_not_lift_the_limit() {
    let verifier = github();
    let body = vec![b'x'; 2000];
    let mut headers = signed_headers(&verifier, &body, NOW);
    headers.push(("content-length".to_owned(), "10".to_owned()));
    let calls = Calls::default();
    let service = layer(verifier)
        .max_body_size(1000)
        .layer(echo(calls.clone()));
    let response = service
        .oneshot(request(&headers, Chunked::new(body, 300)))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn a_failing_body_stream_is_400() {
    let verifier = github();
    let headers = signed_headers(&verifier, BODY, NOW);
    let calls = Calls::default();
    let service = layer(verifier).layer(echo(calls.clone()));
    let response = service
        .oneshot(request(&headers, Failing::after(b"{\"id\"")))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(body_text(response), "the body could not be read to its end");
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn trailers_are_ignored() {
    let verifier = github();
    let headers = signed_headers(&verifier, BODY, NOW);
    let mut trailers = http::HeaderMap::new();
    trailers.insert("x-trailer", "1".parse().unwrap());
    let body = Frames::new(vec![
        Frame::data(Bytes::from_static(&BODY[..10])),
        Frame::data(Bytes::from_static(&BODY[10..])),
        Frame::trailers(trailers),
    ]);
    let calls = Calls::default();
    let service = layer(verifier).layer(echo(calls.clone()));
    let response = service.oneshot(request(&headers, body)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn rotated_stripe_secrets_any_v1_may_match() {
    let old = verifier(Scheme::stripe(), &["whsec_old-test-only-secret"]);
    let new = verifier(Scheme::stripe(), &["whsec_new-test-only-secret"]);
    let v1 = |verifier: &hookverify_core::Verifier| {
        let headers = verifier.sign(BODY, &SignOptions::at(at(NOW))).unwrap();
        headers[0].1.split_once(",v1=").unwrap().1.to_owned()
    };
    // Stripe sends one v1 per active secret; our side knows only the old one.
    let header = format!("t={NOW},v1={},v1={}", v1(&new), v1(&old));
    let headers = vec![("Stripe-Signature".to_owned(), header)];
    let calls = Calls::default();
    let service = layer(old.clone()).layer(echo(calls.clone()));
    let response = service
        .oneshot(request(&headers, Full::new(Bytes::from_static(BODY))))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // And a verifier holding both secrets accepts a delivery signed with either.
    let by_old = signed_headers(&old, BODY, NOW);
    let response = layer(stripe_rotating())
        .layer(echo(calls.clone()))
        .oneshot(request(&by_old, Full::new(Bytes::from_static(BODY))))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_rejection_response_can_be_replaced() {
    let calls = Calls::default();
    let service = layer(github())
        .with_rejection_response(|error: VerifyError| {
            let mut response = Response::new(format!("custom: {}", error.status_code()));
            *response.status_mut() = StatusCode::FORBIDDEN;
            response
        })
        .layer(echo(calls.clone()));
    let response = service.oneshot(request(&[], Untouchable)).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // The error still travels in the extensions.
    assert!(response.extensions().get::<VerifyError>().is_some());
    assert_eq!(response.into_body(), "custom: 401");
}

#[tokio::test]
async fn verified_metadata_and_the_exact_bytes_reach_the_inner_service() {
    let verifier = standard();
    let headers = signed_headers(&verifier, BODY, NOW);
    let service = layer(verifier).layer(tower::service_fn(
        |request: http::Request<hookverify_tower::VerifiedBody>| async move {
            let verified = request
                .extensions()
                .get::<hookverify_core::Verified>()
                .cloned()
                .unwrap();
            assert_eq!(verified.id(), Some("msg_2b1mrbFbVWTYo8WbMvmoj3gSgvg"));
            assert_eq!(verified.timestamp(), Some(at(NOW)));
            let body = request.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(body, BODY);
            Ok::<_, Infallible>(Response::new(String::new()))
        },
    ));
    let response = service
        .oneshot(request(&headers, Chunked::new(BODY, 3)))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[test]
fn service_and_future_are_send_when_their_parts_are() {
    fn assert_send<T: Send>(_: &T) {}
    let service = layer(github()).layer(echo(Calls::default()));
    assert_send(&service);
    let mut service = service;
    let future = tower::Service::call(&mut service, request(&[], Full::new(Bytes::new())));
    assert_send(&future);
}

/// Collects what `tracing` writes, to check what rejections log.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `service` on `request` under a subscriber at `max`; what it logged.
async fn capture_logs<S>(
    max: tracing::Level,
    service: S,
    request: http::Request<Full<Bytes>>,
) -> String
where
    S: tower::Service<http::Request<Full<Bytes>>, Response = Response<String>>,
    S::Error: std::fmt::Debug,
{
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(max)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    service.oneshot(request).await.unwrap();
    String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn rejections_are_logged_with_scheme_and_reason_but_no_secret_or_signature() {
    let verifier = stripe();
    let headers = signed_headers(&verifier, BODY, NOW);
    let signature = headers[0].1.clone();
    let forged = || {
        request(
            &headers,
            Full::new(Bytes::from_static(b"{\"forged\":true}")),
        )
    };
    let service = || layer(verifier.clone()).layer(echo(Calls::default()));

    let logged = capture_logs(tracing::Level::DEBUG, service(), forged()).await;
    assert!(logged.contains("DEBUG"), "{logged}");
    assert!(logged.contains("rejected webhook delivery"), "{logged}");
    assert!(logged.contains("scheme=\"stripe\""), "{logged}");
    assert!(logged.contains("no signature matches"), "{logged}");
    let v1 = signature.split_once(",v1=").unwrap().1;
    for secret_thing in ["test-only-secret", v1, "forged"] {
        assert!(
            !logged.contains(secret_thing),
            "{secret_thing} leaked: {logged}"
        );
    }

    // DEBUG by default: nothing at INFO; raised, it shows at the level asked for.
    assert_eq!(
        capture_logs(tracing::Level::INFO, service(), forged()).await,
        ""
    );
    let raised = layer(verifier.clone())
        .log_rejections_at(tracing::Level::WARN)
        .layer(echo(Calls::default()));
    let logged = capture_logs(tracing::Level::INFO, raised, forged()).await;
    assert!(
        logged.contains("WARN") && logged.contains("no signature matches"),
        "{logged}"
    );

    // An unsigned delivery's log names the header it lacks.
    let logged = capture_logs(
        tracing::Level::DEBUG,
        service(),
        request(&[], Full::new(Bytes::from_static(BODY))),
    )
    .await;
    assert!(logged.contains("header=\"Stripe-Signature\""), "{logged}");

    // A stale delivery's log and answer hold neither its timestamp nor its age.
    let stale = signed_headers(&verifier, BODY, NOW - 3600);
    let stamp = (NOW - 3600).to_string();
    let logged = capture_logs(
        tracing::Level::DEBUG,
        service(),
        request(&stale, Full::new(Bytes::from_static(BODY))),
    )
    .await;
    assert!(
        logged.contains("timestamp outside the tolerance"),
        "{logged}"
    );
    assert!(
        !logged.contains(&stamp) && !logged.contains("3600"),
        "{logged}"
    );
    let response = service()
        .oneshot(request(&stale, Full::new(Bytes::from_static(BODY))))
        .await
        .unwrap();
    assert_eq!(response.into_body(), "timestamp outside the tolerance");
}

/// A route of many tenants: each delivery is verified with the keys of the tenant its path
/// names, loaded once; another tenant's signature, an unknown tenant and no tenant are 401, a
/// failing resolver 503, and the inner service runs for verified deliveries only.
#[tokio::test]
async fn each_tenant_is_verified_with_its_own_keys_and_a_failing_resolver_is_503() {
    use hookverify_test_support::fixtures::{
        ACME_SECRET, GLOBEX_SECRET, TENANT_REJECTIONS, tenants,
    };
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let loads = Arc::new(AtomicUsize::new(0));
    let calls = Calls::default();
    let service = VerifyWebhookLayer::for_tenants(tenants(&loads)).layer(echo(calls.clone()));
    let signed_by = |secret| signed_headers(&verifier(Scheme::stripe(), &[secret]), BODY, NOW);
    let deliver = |path: &str, headers: Vec<(String, String)>| {
        let mut builder = http::Request::post(path).header("x-request-id", "42");
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        let request = builder.body(Full::new(Bytes::from_static(BODY))).unwrap();
        service.clone().oneshot(request)
    };

    for _ in 0..3 {
        let response = deliver("/tenants/acme", signed_by(ACME_SECRET))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{}", body_text(response));
    }
    assert_eq!(
        loads.load(Ordering::SeqCst),
        1,
        "acme's keys are loaded once"
    );
    let globex = deliver("/tenants/globex", signed_by(GLOBEX_SECRET))
        .await
        .unwrap();
    assert_eq!(globex.status(), StatusCode::OK);
    assert_eq!(calls.count(), 4);

    for (path, secret, status, message) in TENANT_REJECTIONS {
        let response = deliver(path, signed_by(secret)).await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{path}");
        assert_eq!(body_text(response), message, "{path}");
    }
    assert_eq!(
        calls.count(),
        4,
        "no rejected delivery reaches the inner service"
    );
}
