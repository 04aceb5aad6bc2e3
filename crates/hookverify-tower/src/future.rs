//! [`ResponseFuture`]: buffering and verifying the body, then calling the inner service.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Buf as _;
use hookverify_core::{BufferedVerification, HandshakeAnswer, Verifier, VerifyError};
use http::request::Parts;
use http::{Request, Response};
use http_body::Body;
use pin_project_lite::pin_project;
use tokio::time::Sleep;
use tower_service::Service;

use crate::rejection::{answer, reject};
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
        // Reading the body through the MAC, within the deadline if there is one.
        Buffering {
            #[pin]
            body: ReqBody,
            #[pin]
            deadline: Option<Sleep>,
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
    /// For signed handshakes, and the scheme's name in logs.
    verifier: Verifier,
    parts: Option<Parts>,
    body: Option<BufferedVerification>,
    /// The body deadline, for the error that reports it.
    timeout: Option<Duration>,
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
        body: BufferedVerification,
        timeout: Option<Duration>,
        inner: S,
        rejection: R,
    ) -> Self {
        let (parts, stream) = request.into_parts();
        Self {
            state: State::Buffering {
                body: stream,
                deadline: timeout.map(tokio::time::sleep),
                pending: Pending {
                    verifier,
                    parts: Some(parts),
                    body: Some(body),
                    timeout,
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
    ResBody: From<String>,
    R: RejectionResponse<ResBody>,
{
    type Output = Result<Response<ResBody>, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            let next = match this.state.as_mut().project() {
                StateProj::Buffering {
                    body,
                    deadline,
                    pending,
                } => match ready!(pending.poll_body(body, deadline, cx)) {
                    Ok(Outcome::Delivery(request)) => {
                        let mut inner = pending.inner.take().expect("the service is taken once");
                        State::Calling {
                            future: inner.call(request),
                        }
                    }
                    Ok(Outcome::Handshake(handshake)) => State::Rejected {
                        response: Some(answer(handshake, pending.verifier.scheme().name())),
                    },
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

/// A request whose body verified: a delivery for the inner service, or a signed handshake
/// to answer in its place.
#[allow(
    clippy::large_enum_variant,
    reason = "moved once, straight into the next state"
)]
enum Outcome {
    Delivery(Request<VerifiedBody>),
    Handshake(HandshakeAnswer),
}

impl<S, R> Pending<S, R> {
    /// Reads frames until the body ends, the limit is passed, the stream fails, or the deadline
    /// passes while the body is still coming.
    fn poll_body<B>(
        &mut self,
        mut stream: Pin<&mut B>,
        mut deadline: Pin<&mut Option<Sleep>>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Outcome, VerifyError>>
    where
        B: Body,
        B::Error: Into<BoxError>,
    {
        loop {
            let Some(body) = self.body.as_mut() else {
                panic_polled_after_completion();
            };
            let Poll::Ready(frame) = stream.as_mut().poll_frame(cx) else {
                return self.poll_deadline(deadline.as_mut(), cx);
            };
            match frame {
                Some(Ok(frame)) => {
                    // Trailers are not signed by any scheme; they are dropped.
                    if let Ok(mut data) = frame.into_data() {
                        let len = data.remaining();
                        body.push(data.copy_to_bytes(len))?;
                    }
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
                    let (Some(body), Some(mut parts)) = (self.body.take(), self.parts.take())
                    else {
                        panic_polled_after_completion();
                    };
                    let (verified, bytes) = body.finish()?;
                    if let Some(handshake) =
                        self.verifier
                            .signed_handshake(&verified, &parts.headers, &bytes)
                    {
                        return Poll::Ready(handshake.map(Outcome::Handshake));
                    }
                    parts.extensions.insert(verified);
                    let request = Request::from_parts(parts, VerifiedBody::new(bytes));
                    return Poll::Ready(Ok(Outcome::Delivery(request)));
                }
            }
        }
    }

    /// While the body is still coming: pending until the deadline, if there is one, passes.
    fn poll_deadline(
        &mut self,
        deadline: Pin<&mut Option<Sleep>>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Outcome, VerifyError>> {
        let (Some(deadline), Some(timeout)) = (deadline.as_pin_mut(), self.timeout) else {
            return Poll::Pending;
        };
        ready!(deadline.poll(cx));
        // Free the buffer now, not when the future is dropped.
        self.body = None;
        Poll::Ready(Err(VerifyError::BodyTimeout {
            timeout_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
        }))
    }
}

#[cold]
fn panic_polled_after_completion() -> ! {
    unreachable!("ResponseFuture polled after completion")
}
