//! The layer in a real server on 127.0.0.1, driven by a real HTTP client and by raw sockets
//! that lie about their bodies.

#![cfg(feature = "axum")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

mod common;

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use common::*;
use hookverify_core::Verifier;
use hookverify_tower::VerifyWebhookLayer;
use http::{Request, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

const LIMIT: usize = 64 * 1024;
/// Every socket read in this file gives up after this long, so a bug cannot hang the suite.
const PATIENCE: Duration = Duration::from_secs(10);

/// Starts a server with one verified route per scheme; it stops with the test's runtime.
async fn serve(hits: Arc<AtomicUsize>) -> SocketAddr {
    let route = |verifier: Verifier| {
        let hits = hits.clone();
        post(move |body: Bytes| {
            let hits = hits.clone();
            async move {
                hits.fetch_add(1, Ordering::SeqCst);
                body.len().to_string()
            }
        })
        .route_layer(VerifyWebhookLayer::new(verifier).max_body_size(LIMIT))
    };
    let app = Router::new()
        .route("/github", route(github()))
        .route("/stripe", route(stripe()))
        .route("/standard", route(standard()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

fn path_of(verifier: &Verifier) -> &'static str {
    match verifier.scheme().name() {
        "github" => "/github",
        "stripe" => "/stripe",
        _ => "/standard",
    }
}

async fn post_body<B>(
    addr: SocketAddr,
    path: &str,
    headers: &[(String, String)],
    body: B,
) -> (StatusCode, String)
where
    B: http_body::Body<Data = Bytes> + Send + Unpin + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let client = Client::builder(TokioExecutor::new()).build_http::<B>();
    let mut builder = Request::post(format!("http://{addr}{path}"));
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let response = tokio::time::timeout(PATIENCE, client.request(builder.body(body).unwrap()))
        .await
        .unwrap()
        .unwrap();
    let status = response.status();
    let text = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(text.to_vec()).unwrap())
}

/// Writes `head` (and `body`), optionally half-closes, and reads the whole response.
async fn raw_exchange(addr: SocketAddr, head: &str, body: &[u8], half_close: bool) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    if half_close {
        stream.shutdown().await.unwrap();
    }
    let mut response = Vec::new();
    let mut buf = [0u8; 4096];
    // Read until the status line and headers are in (the server may keep the socket open).
    loop {
        let read = tokio::time::timeout(PATIENCE, stream.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        response.extend_from_slice(&buf[..read]);
        if read == 0 || response.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    String::from_utf8_lossy(&response).into_owned()
}

fn head(path: &str, headers: &[(String, String)], content_length: usize) -> String {
    let mut head =
        format!("POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: {content_length}\r\n");
    for (name, value) in headers {
        write!(head, "{name}: {value}\r\n").unwrap();
    }
    head.push_str("\r\n");
    head
}

#[tokio::test]
async fn signed_deliveries_pass_and_others_fail_over_tcp() {
    let hits = Arc::new(AtomicUsize::new(0));
    let addr = serve(hits.clone()).await;
    for verifier in all_schemes() {
        let path = path_of(&verifier);
        let headers = signed_headers(&verifier, BODY, NOW);
        let body = || Full::new(Bytes::from_static(BODY));
        assert_eq!(
            post_body(addr, path, &headers, body()).await,
            (StatusCode::OK, BODY.len().to_string())
        );
        let (status, text) = post_body(addr, path, &[], body()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(text.starts_with("missing signature header"), "{text}");
        let (status, _) =
            post_body(addr, path, &headers, Full::new(Bytes::from_static(b"{}"))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn chunked_transfer_in_small_frames_verifies() {
    let addr = serve(Arc::default()).await;
    let body = vec![b'z'; 20_000];
    for verifier in all_schemes() {
        let headers = signed_headers(&verifier, &body, NOW);
        let (status, text) = post_body(
            addr,
            path_of(&verifier),
            &headers,
            Chunked::new(body.clone(), 100),
        )
        .await;
        assert_eq!((status, text), (StatusCode::OK, "20000".to_owned()));
    }
}

#[tokio::test]
async fn bodies_at_the_limit_pass_and_one_byte_over_is_413() {
    let addr = serve(Arc::default()).await;
    let verifier = stripe();
    for (len, expected) in [
        (LIMIT, StatusCode::OK),
        (LIMIT + 1, StatusCode::PAYLOAD_TOO_LARGE),
    ] {
        let body = vec![b'y'; len];
        let headers = signed_headers(&verifier, &body, NOW);
        let (status, _) = post_body(
            addr,
            "/stripe",
            &headers,
            Full::new(Bytes::from(body.clone())),
        )
        .await;
        assert_eq!(status, expected, "content-length {len}");
        let (status, _) = post_body(addr, "/stripe", &headers, Chunked::new(body, 1000)).await;
        assert_eq!(status, expected, "chunked {len}");
    }
}

#[tokio::test]
async fn an_oversized_content_length_is_refused_before_the_body_is_sent() {
    let addr = serve(Arc::default()).await;
    let headers = signed_headers(&github(), BODY, NOW);
    // The body never comes: the answer must not wait for it.
    let response = raw_exchange(addr, &head("/github", &headers, LIMIT + 1), b"", false).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
}

#[tokio::test]
async fn an_unsigned_request_is_refused_before_the_body_is_sent() {
    let addr = serve(Arc::default()).await;
    let response = raw_exchange(addr, &head("/github", &[], 1000), b"", false).await;
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
}

#[tokio::test]
async fn a_content_length_longer_than_the_body_sent_is_400() {
    let hits = Arc::new(AtomicUsize::new(0));
    let addr = serve(hits.clone()).await;
    let headers = signed_headers(&github(), BODY, NOW);
    // Announce more than is sent, then close the sending side.
    let response = raw_exchange(
        addr,
        &head("/github", &headers, BODY.len() + 10),
        BODY,
        true,
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(
        response.ends_with("the body could not be read to its end"),
        "{response}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_content_length_shorter_than_the_body_sent_is_verified_on_what_it_covers() {
    let hits = Arc::new(AtomicUsize::new(0));
    let addr = serve(hits.clone()).await;
    let headers = signed_headers(&github(), BODY, NOW);
    // The server reads only the announced bytes: they are not what was signed.
    let response = raw_exchange(addr, &head("/github", &headers, 10), BODY, false).await;
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn works_as_a_plain_hyper_service_without_axum() {
    use hyper_util::rt::TokioIo;
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceBuilder;

    let verifier = standard();
    let service = ServiceBuilder::new()
        .layer(VerifyWebhookLayer::new(verifier.clone()))
        .service_fn(
            |request: Request<hookverify_tower::VerifiedBody>| async move {
                let id = request
                    .extensions()
                    .get::<hookverify_core::Verified>()
                    .and_then(|verified| verified.id().map(str::to_owned))
                    .unwrap_or_default();
                Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::from(id))))
            },
        );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let service = TowerToHyperService::new(service.clone());
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service),
            );
        }
    });

    let headers = signed_headers(&verifier, BODY, NOW);
    let body = || Full::new(Bytes::from_static(BODY));
    assert_eq!(
        post_body(addr, "/", &headers, body()).await,
        (StatusCode::OK, "msg_2b1mrbFbVWTYo8WbMvmoj3gSgvg".to_owned())
    );
    let (status, _) = post_body(addr, "/", &[], body()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
