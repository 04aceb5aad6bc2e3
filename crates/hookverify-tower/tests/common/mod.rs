//! Helpers shared by the adapter's integration tests.

#![allow(dead_code, reason = "each test file uses a different subset")]
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    reason = "test helpers fail loudly"
)]

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use hookverify_core::{Verified, Verifier};
use hookverify_tower::VerifiedBody;
use http::{Request, Response};
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt as _;

#[allow(unused_imports, reason = "each test file uses a different subset")]
pub(crate) use hookverify_test_support::fixtures::{
    BODY, FixedClock, MESSAGE_ID, NOW, all_schemes, at, github, signed_headers, standard, stripe,
    stripe_rotating, verifier,
};

/// A POST with the given headers and body.
pub(crate) fn request<B>(headers: &[(String, String)], body: B) -> Request<B> {
    let mut builder = Request::post("/webhooks?source=test").header("x-request-id", "42");
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    builder.body(body).unwrap()
}

pub(crate) fn scheme_of(verifier: &Verifier) -> &str {
    verifier.scheme().name()
}

/// Counts calls to the inner service.
#[derive(Clone, Default)]
pub(crate) struct Calls(Arc<AtomicUsize>);

impl Calls {
    pub(crate) fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    fn hit(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// The inner service: records the call and answers 200 with a description of what it got.
pub(crate) fn echo(
    calls: Calls,
) -> impl tower::Service<
    Request<VerifiedBody>,
    Response = Response<String>,
    Error = Infallible,
    Future = impl Future<Output = Result<Response<String>, Infallible>> + Send,
> + Clone {
    tower::service_fn(move |request: Request<VerifiedBody>| {
        let calls = calls.clone();
        async move {
            calls.hit();
            let verified = request.extensions().get::<Verified>().cloned();
            let request_id = request.headers()["x-request-id"]
                .to_str()
                .unwrap()
                .to_owned();
            let uri = request.uri().to_string();
            let body = request.into_body().collect().await.unwrap().to_bytes();
            let description = format!(
                "{} {} {} {}",
                verified.map_or("unverified".to_owned(), |v| v.scheme().to_owned()),
                uri,
                request_id,
                String::from_utf8_lossy(&body)
            );
            Ok::<_, Infallible>(Response::new(description))
        }
    })
}

/// A body delivered in frames of `chunk` bytes, with no size hint (like chunked encoding).
pub(crate) struct Chunked {
    data: Bytes,
    chunk: usize,
}

impl Chunked {
    pub(crate) fn new(data: impl Into<Bytes>, chunk: usize) -> Self {
        Self {
            data: data.into(),
            chunk,
        }
    }
}

impl Body for Chunked {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if this.data.is_empty() {
            return Poll::Ready(None);
        }
        let take = this.chunk.min(this.data.len());
        Poll::Ready(Some(Ok(Frame::data(this.data.split_to(take)))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// A body made of the given frames, data or trailers, with no size hint.
pub(crate) struct Frames(std::collections::VecDeque<Frame<Bytes>>);

impl Frames {
    pub(crate) fn new(frames: Vec<Frame<Bytes>>) -> Self {
        Self(frames.into())
    }
}

impl Body for Frames {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.get_mut().0.pop_front().map(Ok))
    }
}

/// A body that must never be read: polling it panics.
pub(crate) struct Untouchable;

impl Body for Untouchable {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        panic!("the body was read although the headers already failed")
    }
}

/// A body that yields `prefix` and then fails.
pub(crate) struct Failing {
    prefix: Option<Bytes>,
}

impl Failing {
    pub(crate) fn after(prefix: &'static [u8]) -> Self {
        Self {
            prefix: Some(Bytes::from_static(prefix)),
        }
    }
}

impl Body for Failing {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        Poll::Ready(Some(match self.get_mut().prefix.take() {
            Some(prefix) => Ok(Frame::data(prefix)),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "client went away",
            )),
        }))
    }
}

/// Serves `app` on 127.0.0.1 with the peer's address (`ConnectInfo`), until the test's runtime
/// ends; its address.
#[cfg(feature = "axum")]
pub(crate) async fn serve_router(app: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}
