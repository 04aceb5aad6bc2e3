//! [`ResponseFuture`]: buffering and verifying the body, then calling the inner service.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf as _, Bytes, BytesMut};
use hookverify_core::{Verification, Verifier, VerifyError};
use http::request::Parts;
use http::{Request, Response};
use http_body::Body;
use pin_project_lite::pin_project;
use tower_service::Service;

use crate::rejection::reject;
use crate::{BoxError, RejectionResponse, VerifiedBody};

pin_project! {
    /// The response future of [`VerifyWebhook`](crate::VerifyWebhook).
    pub struct ResponseFuture<S, ReqBody, R>
    where
        S: Service<Request<VerifiedBody>>,
    {
        #[pin]
        state: State<S, ReqBody, R>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, ReqBody, R>
    where
        S: Service<Request<VerifiedBody>>,
    {
        // Reading the body through the MAC.
        Buffering {
            #[pin]
            body: ReqBody,
            pending: Pending<S, R>,
        },
        // Verified: the inner service has the request.
        Calling {
            #[pin]
            future: S::Future,
        },
        // Rejected, at once or after reading.
        Rejected {
            response: Option<S::Response>,
        },
    }
}

/// Everything the buffering state owns besides the body.
struct Pending<S, R> {
    /// For the scheme's name in logs.
    verifier: Verifier,
    parts: Option<Parts>,
    verification: Option<Verification>,
    buffer: Buffer,
    received: usize,
    limit: usize,
    capacity: usize,
    inner: Option<S>,
    rejection: R,
}

impl<S, ReqBody, R> ResponseFuture<S, ReqBody, R>
where
    S: Service<Request<VerifiedBody>>,
{
    pub(crate) const fn rejected(response: S::Response) -> Self {
        Self {
            state: State::Rejected {
                response: Some(response),
            },
        }
    }

    pub(crate) fn buffering(
        request: Request<ReqBody>,
        verifier: Verifier,
        verification: Verification,
        limit: usize,
        capacity: usize,
        inner: S,
        rejection: R,
    ) -> Self {
        let (parts, body) = request.into_parts();
        Self {
            state: State::Buffering {
                body,
                pending: Pending {
                    verifier,
                    parts: Some(parts),
                    verification: Some(verification),
                    buffer: Buffer::Empty,
                    received: 0,
                    limit,
                    capacity,
                    inner: Some(inner),
                    rejection,
                },
            },
        }
    }
}

impl<S, ReqBody, R, ResBody> Future for ResponseFuture<S, ReqBody, R>
where
    S: Service<Request<VerifiedBody>, Response = Response<ResBody>>,
    ReqBody: Body,
    ReqBody::Error: Into<BoxError>,
    R: RejectionResponse<ResBody>,
{
    type Output = Result<Response<ResBody>, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            let next = match this.state.as_mut().project() {
                StateProj::Buffering { body, pending } => match ready!(pending.poll_body(body, cx))
                {
                    Ok(request) => {
                        let mut inner = pending.inner.take().expect("the service is taken once");
                        State::Calling {
                            future: inner.call(request),
                        }
                    }
                    Err(error) => {
                        let scheme = pending.verifier.scheme().name();
                        State::Rejected {
                            response: Some(reject(&mut pending.rejection, error, scheme)),
                        }
                    }
                },
                StateProj::Calling { future } => return future.poll(cx),
                StateProj::Rejected { response } => {
                    return Poll::Ready(Ok(response
                        .take()
                        .expect("ResponseFuture polled after completion")));
                }
            };
            this.state.set(next);
        }
    }
}

impl<S, R> Pending<S, R> {
    /// Reads frames until the body ends, the limit is passed, or the stream fails.
    fn poll_body<B>(
        &mut self,
        mut body: Pin<&mut B>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Request<VerifiedBody>, VerifyError>>
    where
        B: Body,
        B::Error: Into<BoxError>,
    {
        loop {
            match ready!(body.as_mut().poll_frame(cx)) {
                Some(Ok(frame)) => {
                    // Trailers are not signed by any scheme; they are dropped.
                    let Ok(mut data) = frame.into_data() else {
                        continue;
                    };
                    let len = data.remaining();
                    self.received = self.received.saturating_add(len);
                    if self.received > self.limit {
                        return Poll::Ready(Err(VerifyError::BodyTooLarge {
                            limit: u64::try_from(self.limit).unwrap_or(u64::MAX),
                        }));
                    }
                    let chunk = data.copy_to_bytes(len);
                    if let Some(verification) = &mut self.verification {
                        verification.update(&chunk);
                    }
                    self.buffer.push(chunk, self.capacity);
                }
                Some(Err(error)) => {
                    let error: BoxError = error.into();
                    tracing::debug!(
                        target: "hookverify::rejection",
                        %error,
                        "webhook body stream failed"
                    );
                    return Poll::Ready(Err(VerifyError::BodyUnreadable));
                }
                None => {
                    let verification = self.verification.take().expect("the body ends once");
                    let verified = match verification.finish() {
                        Ok(verified) => verified,
                        Err(error) => return Poll::Ready(Err(error)),
                    };
                    let mut parts = self.parts.take().expect("the body ends once");
                    parts.extensions.insert(verified);
                    let body = VerifiedBody::new(std::mem::take(&mut self.buffer).freeze());
                    return Poll::Ready(Ok(Request::from_parts(parts, body)));
                }
            }
        }
    }
}

/// The body received so far. One frame is kept as it came; a second one starts a contiguous
/// buffer, sized from `Content-Length` when the request announced one.
#[derive(Default)]
enum Buffer {
    #[default]
    Empty,
    One(Bytes),
    Many(BytesMut),
}

impl Buffer {
    fn push(&mut self, chunk: Bytes, capacity: usize) {
        if chunk.is_empty() {
            return;
        }
        *self = match std::mem::take(self) {
            Self::Empty => Self::One(chunk),
            Self::One(first) => {
                let needed = first.len() + chunk.len();
                let mut buffer = BytesMut::with_capacity(capacity.max(needed));
                buffer.extend_from_slice(&first);
                buffer.extend_from_slice(&chunk);
                Self::Many(buffer)
            }
            Self::Many(mut buffer) => {
                buffer.extend_from_slice(&chunk);
                Self::Many(buffer)
            }
        };
    }

    fn freeze(self) -> Bytes {
        match self {
            Self::Empty => Bytes::new(),
            Self::One(bytes) => bytes,
            Self::Many(buffer) => buffer.freeze(),
        }
    }
}
