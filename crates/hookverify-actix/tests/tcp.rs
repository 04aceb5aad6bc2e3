//! The middleware in a real actix-web server on 127.0.0.1, driven over raw sockets: signed,
//! unsigned and chunked deliveries, and requests that lie about their length.

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

use actix_web::{App, HttpServer, web};
use common::*;
use hookverify_actix::{VerifiedDelivery, VerifyWebhook};
use hookverify_core::Verifier;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const LIMIT: usize = 64 * 1024;
/// Every socket read gives up after this long, so a bug cannot hang the suite.
const PATIENCE: Duration = Duration::from_secs(10);

/// Starts a one-worker server with one verified route per scheme. It stops when the test's
/// system does.
fn serve(hits: Arc<AtomicUsize>) -> SocketAddr {
    let server = HttpServer::new(move || {
        let scope = |path: &'static str, verifier: Verifier, hits: Arc<AtomicUsize>| {
            web::resource(path)
                .wrap(VerifyWebhook::new(verifier).max_body_size(LIMIT))
                .app_data(web::PayloadConfig::new(LIMIT))
                .route(web::post().to(
                    move |VerifiedDelivery(verified): VerifiedDelivery, body: web::Bytes| {
                        hits.fetch_add(1, Ordering::SeqCst);
                        async move { format!("{} {}", verified.scheme(), body.len()) }
                    },
                ))
        };
        App::new()
            .service(scope("/github", github(), hits.clone()))
            .service(scope("/stripe", stripe(), hits.clone()))
            .service(scope("/standard", standard(), hits.clone()))
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .unwrap();
    let addr = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    addr
}

fn path_of(verifier: &Verifier) -> &'static str {
    match verifier.scheme().name() {
        "github" => "/github",
        "stripe" => "/stripe",
        _ => "/standard",
    }
}

/// The request line and headers; `length` is a `Content-Length`, or `None` for chunked.
fn head(path: &str, headers: &[(String, String)], length: Option<usize>) -> String {
    let mut head = format!("POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n");
    match length {
        Some(length) => write!(head, "content-length: {length}\r\n").unwrap(),
        None => head.push_str("transfer-encoding: chunked\r\n"),
    }
    for (name, value) in headers {
        write!(head, "{name}: {value}\r\n").unwrap();
    }
    head.push_str("\r\n");
    head
}

/// `body` in chunked transfer encoding, `size` bytes a chunk.
fn chunked(body: &[u8], size: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for chunk in body.chunks(size) {
        out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// Sends raw bytes, optionally half-closes, and reads the response's head and body.
async fn exchange(addr: SocketAddr, request: &[u8], half_close: bool) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    if half_close {
        stream.shutdown().await.unwrap();
    }
    let mut response = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let read = tokio::time::timeout(PATIENCE, stream.read(&mut buf))
            .await
            .unwrap()
            .unwrap_or(0);
        if read == 0 {
            break;
        }
        response.extend_from_slice(&buf[..read]);
        // Enough to judge: the head and, when announced, the whole body.
        if let Some(end) = response.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&response[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length: "))
                .and_then(|value| value.trim().parse::<usize>().ok());
            if length.is_some_and(|length| response.len() >= end + 4 + length) {
                break;
            }
        }
    }
    String::from_utf8_lossy(&response).into_owned()
}

#[actix_web::test]
async fn signed_deliveries_pass_and_others_fail_over_tcp() {
    let hits = Arc::new(AtomicUsize::new(0));
    let addr = serve(hits.clone());
    for verifier in all_schemes() {
        let path = path_of(&verifier);
        let headers = signed_headers(&verifier, BODY, NOW);
        let mut request = head(path, &headers, Some(BODY.len())).into_bytes();
        request.extend_from_slice(BODY);
        let response = exchange(addr, &request, false).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(
            response.ends_with(&format!("{} {}", verifier.scheme().name(), BODY.len())),
            "{response}"
        );

        let mut unsigned = head(path, &[], Some(BODY.len())).into_bytes();
        unsigned.extend_from_slice(BODY);
        let response = exchange(addr, &unsigned, false).await;
        assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    }
    assert_eq!(hits.load(Ordering::SeqCst), 3);
}

#[actix_web::test]
async fn chunked_transfer_encoding_verifies() {
    let addr = serve(Arc::default());
    let body = vec![b'k'; 20_000];
    for verifier in all_schemes() {
        let headers = signed_headers(&verifier, &body, NOW);
        let mut request = head(path_of(&verifier), &headers, None).into_bytes();
        request.extend_from_slice(&chunked(&body, 333));
        let response = exchange(addr, &request, false).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(response.ends_with(" 20000"), "{response}");
    }
}

#[actix_web::test]
async fn at_the_limit_passes_and_one_byte_over_is_413_with_or_without_a_length() {
    let addr = serve(Arc::default());
    let verifier = github();
    for (len, status) in [(LIMIT, "200"), (LIMIT + 1, "413")] {
        let body = vec![b'q'; len];
        let headers = signed_headers(&verifier, &body, NOW);
        let mut request = head("/github", &headers, Some(len)).into_bytes();
        request.extend_from_slice(&body);
        let response = exchange(addr, &request, false).await;
        assert!(
            response.starts_with(&format!("HTTP/1.1 {status}")),
            "{len}: {response}"
        );

        let mut request = head("/github", &headers, None).into_bytes();
        request.extend_from_slice(&chunked(&body, 4096));
        let response = exchange(addr, &request, false).await;
        assert!(
            response.starts_with(&format!("HTTP/1.1 {status}")),
            "chunked {len}: {response}"
        );
    }
}

#[actix_web::test]
async fn an_oversized_content_length_and_an_unsigned_request_are_answered_before_any_body() {
    let hits = Arc::new(AtomicUsize::new(0));
    let addr = serve(hits.clone());
    let headers = signed_headers(&github(), BODY, NOW);
    let response = exchange(
        addr,
        head("/github", &headers, Some(LIMIT + 1)).as_bytes(),
        false,
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    let response = exchange(addr, head("/github", &[], Some(1000)).as_bytes(), false).await;
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[actix_web::test]
async fn a_content_length_longer_than_what_is_sent_never_reaches_the_handler() {
    let hits = Arc::new(AtomicUsize::new(0));
    let addr = serve(hits.clone());
    let headers = signed_headers(&github(), BODY, NOW);
    let mut request = head("/github", &headers, Some(BODY.len() + 10)).into_bytes();
    request.extend_from_slice(BODY);
    let response = exchange(addr, &request, true).await;
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(
        response.ends_with("the body could not be read to its end"),
        "{response}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[actix_web::test]
async fn a_content_length_shorter_than_the_body_is_verified_on_what_it_covers() {
    let hits = Arc::new(AtomicUsize::new(0));
    let addr = serve(hits.clone());
    let headers = signed_headers(&stripe(), BODY, NOW);
    let mut request = head("/stripe", &headers, Some(10)).into_bytes();
    request.extend_from_slice(BODY);
    let response = exchange(addr, &request, false).await;
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}
