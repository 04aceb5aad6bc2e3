//! [`ResponseFuture`]: buffering and verifying the body, then calling the inner service.

use hookverify_core::{BufferedVerification, HandshakeAnswer, Verifier, VerifyError};
use http::request::Parts;
use http::{Request, Response};
use http_body::Body;
use pin_project_lite::pin_project;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use tokio::time::Sleep;
use tower_service::Service;
use tracing::Level;

use crate::buffer::{BodyLimits, Buffering};
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
    buffering: Buffering,
    log_level: Level,
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
        limits: &BodyLimits,
        inner: S,
        rejection: R,
    ) -> Self {
        let (parts, stream) = request.into_parts();
        Self {
            state: State::Buffering {
                body: stream,
                deadline: limits.deadline(),
                pending: Pending {
                    verifier,
                    parts: Some(parts),
                    buffering: Buffering::new(body, limits.timeout),
                    log_level: limits.log_level,
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
                            response: Some(reject(
                                &mut pending.rejection,
                                error,
                                scheme,
                                pending.log_level,
                            )),
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
    /// Reads the body to its verdict; then a signed handshake is answered, and a delivery is
    /// the request the inner service gets.
    fn poll_body<B>(
        &mut self,
        stream: Pin<&mut B>,
        deadline: Pin<&mut Option<Sleep>>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Outcome, VerifyError>>
    where
        B: Body,
        B::Error: Into<BoxError>,
    {
        let (verified, bytes) = ready!(self.buffering.poll_body(stream, deadline, cx))?;
        let mut parts = self
            .parts
            .take()
            .expect("ResponseFuture polled after completion");
        if let Some(handshake) = self
            .verifier
            .signed_handshake(&verified, &parts.headers, &bytes)
        {
            return Poll::Ready(handshake.map(Outcome::Handshake));
        }
        if let Some(notice) = self.verifier.notice(&parts.headers, &bytes) {
            parts.extensions.insert(notice);
        }
        parts.extensions.insert(verified);
        let request = Request::from_parts(parts, VerifiedBody::new(bytes));
        Poll::Ready(Ok(Outcome::Delivery(request)))
    }
}
