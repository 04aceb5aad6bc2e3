//! Helpers shared by the actix adapter's integration tests.

#![allow(dead_code, reason = "each test file uses a different subset")]
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    reason = "test helpers fail loudly"
)]

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_http::error::PayloadError;
use actix_http::{BoxedPayloadStream, Payload, Request};
use bytes::Bytes;
use futures_core::Stream;

#[allow(unused_imports, reason = "each test file uses a different subset")]
pub(crate) use hookverify_test_support::fixtures::{
    BODY, FixedClock, MESSAGE_ID, NOW, all_schemes, at, github, signed_headers, standard, stripe,
    stripe_rotating, verifier,
};

/// A POST to `path` with the given headers.
pub(crate) fn post(path: &str, headers: &[(String, String)]) -> actix_web::test::TestRequest {
    let mut request = actix_web::test::TestRequest::post().uri(path);
    for (name, value) in headers {
        request = request.insert_header((name.as_str(), value.as_str()));
    }
    request
}

/// A response's body as text.
pub(crate) async fn text(
    response: actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
) -> String {
    String::from_utf8(actix_web::test::read_body(response).await.to_vec()).unwrap()
}

/// Gives `request` a streaming payload.
pub(crate) fn with_stream(
    request: Request,
    stream: impl Stream<Item = Result<Bytes, PayloadError>> + 'static,
) -> Request {
    let payload: BoxedPayloadStream = Box::pin(stream);
    request.replace_payload(Payload::Stream { payload }).0
}

/// A payload delivered in chunks of `size` bytes.
pub(crate) struct Chunks(VecDeque<Bytes>);

impl Chunks {
    pub(crate) fn new(data: &[u8], size: usize) -> Self {
        Self(data.chunks(size).map(Bytes::copy_from_slice).collect())
    }
}

impl Stream for Chunks {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.get_mut().0.pop_front().map(Ok))
    }
}

/// A payload that must never be read: polling it panics.
pub(crate) struct Untouchable;

impl Stream for Untouchable {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        panic!("the payload was read although the headers already failed")
    }
}

/// A payload that yields `prefix` and then fails.
pub(crate) struct Failing(Option<Bytes>);

impl Failing {
    pub(crate) fn after(prefix: &'static [u8]) -> Self {
        Self(Some(Bytes::from_static(prefix)))
    }
}

impl Stream for Failing {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(Some(match self.get_mut().0.take() {
            Some(prefix) => Ok(prefix),
            None => Err(PayloadError::Incomplete(None)),
        }))
    }
}

/// Starts a one-worker server on 127.0.0.1 serving what `configure` adds; it stops when the
/// test's actix system does.
pub(crate) fn serve_routes(
    configure: impl Fn(&mut actix_web::web::ServiceConfig) + Send + Clone + 'static,
) -> std::net::SocketAddr {
    let server =
        actix_web::HttpServer::new(move || actix_web::App::new().configure(configure.clone()))
            .workers(1)
            .disable_signals()
            .bind(("127.0.0.1", 0))
            .expect("a port");
    let addr = *server.addrs().first().expect("an address");
    actix_web::rt::spawn(server.run());
    addr
}
