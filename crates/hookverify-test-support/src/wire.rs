//! What both adapters must do with what arrives on the wire, written once: chunked bodies, the
//! exact body limit with and without a length, refusals before a body is sent, and lengths that
//! lie. Each adapter's test serves the [`Wire`] contract and runs every function here.
//!
//! The contract: `POST /github`, `/stripe` and `/standard`, verified with
//! [`fixtures::github`](crate::fixtures::github), [`stripe`] and
//! [`standard`](crate::fixtures::standard) (clock at [`NOW`]), a body
//! limit of [`WIRE_LIMIT`], and a handler that counts its calls and answers
//! `"{scheme} {body length}"`.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hookverify_core::Verifier;

use crate::fixtures::{BODY, NOW, all_schemes, github, signed_headers, stripe};
use crate::{Connection, Response};

/// The body limit of the servers under test.
pub const WIRE_LIMIT: usize = 64 * 1024;

/// Long enough for anything on loopback; a bug fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(10);

/// A server under test, and the count of its handler's calls.
#[derive(Debug, Clone)]
pub struct Wire {
    addr: SocketAddr,
    calls: Arc<AtomicUsize>,
}

impl Wire {
    /// The server at `addr`, whose handler counts its calls in `calls`.
    #[must_use]
    pub const fn new(addr: SocketAddr, calls: Arc<AtomicUsize>) -> Self {
        Self { addr, calls }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// Sends `head` then `body` (then closes the sending side if `half_close`); the answer.
    async fn exchange(&self, head: &str, body: &[u8], half_close: bool) -> Response {
        let mut connection = Connection::open(self.addr).await;
        let mut request = head.as_bytes().to_vec();
        request.extend_from_slice(body);
        connection.send(request).await.expect("the request is sent");
        if half_close {
            connection.half_close().await.expect("half-closed");
        }
        connection.response(PATIENCE).await.expect("an answer")
    }
}

/// The route of `verifier`'s scheme.
fn path_of(verifier: &Verifier) -> &'static str {
    match verifier.scheme().name() {
        "github" => "/github",
        "stripe" => "/stripe",
        _ => "/standard",
    }
}

/// A request head; `length` is a `Content-Length`, or `None` for chunked.
fn head(path: &str, headers: &[(String, String)], length: Option<usize>) -> String {
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    match length {
        Some(length) => {
            let _ = write!(head, "Content-Length: {length}\r\n");
        }
        None => head.push_str("Transfer-Encoding: chunked\r\n"),
    }
    for (name, value) in headers {
        let _ = write!(head, "{name}: {value}\r\n");
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

#[track_caller]
fn expect(answer: &Response, status: u16, what: &str) {
    assert_eq!(
        answer.status,
        status,
        "{what}: {}{}",
        answer.head,
        answer.text()
    );
}

/// Signed deliveries of every scheme reach the handler with their body; unsigned and tampered
/// ones do not.
///
/// # Panics
///
/// When the server does otherwise.
pub async fn signed_deliveries_pass_and_others_fail(wire: &Wire) {
    let before = wire.calls();
    for verifier in all_schemes() {
        let path = path_of(&verifier);
        let headers = signed_headers(&verifier, BODY, NOW);
        let answer = wire
            .exchange(&head(path, &headers, Some(BODY.len())), BODY, false)
            .await;
        expect(&answer, 200, path);
        let name = verifier.scheme().name();
        assert_eq!(answer.text(), format!("{name} {}", BODY.len()));

        let unsigned = wire
            .exchange(&head(path, &[], Some(BODY.len())), BODY, false)
            .await;
        expect(&unsigned, 401, "unsigned");
        assert!(
            unsigned.text().starts_with("missing signature header"),
            "{}",
            unsigned.text()
        );
        let tampered = wire
            .exchange(&head(path, &headers, Some(2)), b"{}", false)
            .await;
        expect(&tampered, 401, "tampered");
    }
    assert_eq!(wire.calls() - before, 3);
}

/// A chunked body in small chunks verifies like one piece.
///
/// # Panics
///
/// When the server does otherwise.
pub async fn chunked_bodies_verify(wire: &Wire) {
    let body = vec![b'k'; 20_000];
    for verifier in all_schemes() {
        let headers = signed_headers(&verifier, &body, NOW);
        let path = path_of(&verifier);
        let answer = wire
            .exchange(&head(path, &headers, None), &chunked(&body, 333), false)
            .await;
        expect(&answer, 200, path);
        assert!(answer.text().ends_with(" 20000"), "{}", answer.text());
    }
}

/// A body of exactly the limit passes and one byte more is 413, with a length or chunked.
///
/// # Panics
///
/// When the server does otherwise.
pub async fn the_limit_is_exact(wire: &Wire) {
    let verifier = github();
    for (len, status) in [(WIRE_LIMIT, 200), (WIRE_LIMIT + 1, 413)] {
        let body = vec![b'q'; len];
        let headers = signed_headers(&verifier, &body, NOW);
        let answer = wire
            .exchange(&head("/github", &headers, Some(len)), &body, false)
            .await;
        expect(&answer, status, &format!("{len} bytes with a length"));
        let answer = wire
            .exchange(
                &head("/github", &headers, None),
                &chunked(&body, 4096),
                false,
            )
            .await;
        expect(&answer, status, &format!("{len} bytes chunked"));
    }
}

/// An oversized `Content-Length` and an unsigned request are answered at once, with no body
/// sent and no handler called.
///
/// # Panics
///
/// When the server does otherwise.
pub async fn refusals_come_before_the_body(wire: &Wire) {
    let before = wire.calls();
    let headers = signed_headers(&github(), BODY, NOW);
    let answer = wire
        .exchange(&head("/github", &headers, Some(WIRE_LIMIT + 1)), b"", false)
        .await;
    expect(&answer, 413, "oversized, unsent");
    let answer = wire
        .exchange(&head("/github", &[], Some(1000)), b"", false)
        .await;
    expect(&answer, 401, "unsigned, unsent");
    assert_eq!(wire.calls(), before);
}

/// A `Content-Length` longer than what is sent is 400 once the client closes; one shorter than
/// the body is verified on what it covers, which is not what was signed (401). Neither reaches
/// the handler.
///
/// # Panics
///
/// When the server does otherwise.
pub async fn lying_lengths_never_reach_the_handler(wire: &Wire) {
    let before = wire.calls();
    let headers = signed_headers(&github(), BODY, NOW);
    let answer = wire
        .exchange(
            &head("/github", &headers, Some(BODY.len() + 10)),
            BODY,
            true,
        )
        .await;
    expect(&answer, 400, "longer than sent");
    assert_eq!(answer.text(), "the body could not be read to its end");
    let headers = signed_headers(&stripe(), BODY, NOW);
    let answer = wire
        .exchange(&head("/stripe", &headers, Some(10)), BODY, false)
        .await;
    expect(&answer, 401, "shorter than sent");
    assert_eq!(wire.calls(), before);
}
