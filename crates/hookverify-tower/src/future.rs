//! [`ResponseFuture`]: buffering and verifying the body, then calling the inner service.

use hookverify_core::log::{self, Timer};
use hookverify_core::{BufferedVerification, HandshakeAnswer, Verified, Verifier, VerifyError};
use hookverify_replay::{Admission, Guard, Ticket};
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
use crate::rejection::{answer, refuse, reject};
use crate::service::{Resolving, start};
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
        // Waiting for the tenant's keys, before anything else.
        Resolving {
            resolving: Option<Resolving<S, ReqBody, R>>,
        },
        // Reading the body through the MAC, within the deadline if there is one.
        Buffering {
            #[pin]
            body: ReqBody,
            #[pin]
            deadline: Option<Sleep>,
            pending: Pending<S, R>,
        },
        // Verified; the replay guard claims it before the inner service may have it.
        Admitting {
            admit: Admit,
            request: Option<Request<VerifiedBody>>,
            inner: Option<S>,
            timer: Timer,
        },
        // Verified (and claimed): the inner service has the request.
        Calling {
            #[pin]
            future: S::Future,
            ticket: Option<Ticket>,
        },
        // The inner service answered; its claim is being committed or released.
        Settling {
            settle: Pin<Box<dyn Future<Output = ()> + Send>>,
            response: Option<S::Response>,
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
    guard: Option<Guard>,
    inner: Option<S>,
    rejection: R,
    timer: Timer,
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

    pub(crate) const fn resolving(resolving: Resolving<S, ReqBody, R>) -> Self {
        Self {
            state: State::Resolving {
                resolving: Some(resolving),
            },
        }
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "the one place a request's pieces become its future"
    )]
    pub(crate) fn buffering(
        request: Request<ReqBody>,
        verifier: Verifier,
        body: BufferedVerification,
        limits: &BodyLimits,
        guard: Option<Guard>,
        inner: S,
        rejection: R,
        timer: Timer,
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
                    guard,
                    inner: Some(inner),
                    rejection,
                    timer,
                },
            },
        }
    }
}

impl<S, ReqBody, R, ResBody> Future for ResponseFuture<S, ReqBody, R>
where
    S: Service<Request<VerifiedBody>, Response = Response<ResBody>> + Clone,
    ReqBody: Body,
    ReqBody::Error: Into<BoxError>,
    ResBody: From<String>,
    R: RejectionResponse<ResBody> + Clone,
{
    type Output = Result<Response<ResBody>, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            let next = match this.state.as_mut().project() {
                StateProj::Resolving { resolving } => {
                    let waiting = resolving.as_mut().expect("resolved once");
                    let looked_up = ready!(Pin::new(&mut waiting.lookup).poll(cx));
                    resolving.take().expect("resolved once").resume(looked_up)
                }
                StateProj::Buffering {
                    body,
                    deadline,
                    pending,
                } => match ready!(pending.poll_body(body, deadline, cx)) {
                    Ok(Outcome::Delivery { request, admit }) => {
                        let inner = pending.inner.take().expect("the service is taken once");
                        if let Some(admit) = admit {
                            State::Admitting {
                                admit,
                                request: Some(request),
                                inner: Some(inner),
                                timer: pending.timer,
                            }
                        } else {
                            record_verified(&request, pending.timer);
                            State::call(inner, request, None)
                        }
                    }
                    Ok(Outcome::Handshake(handshake)) => State::Rejected {
                        response: Some(answer(
                            handshake,
                            pending.verifier.scheme().name(),
                            pending.timer,
                        )),
                    },
                    Err(error) => {
                        let scheme = pending.verifier.scheme().name();
                        State::Rejected {
                            response: Some(reject(
                                &mut pending.rejection,
                                error,
                                scheme,
                                pending.log_level,
                                pending.timer,
                            )),
                        }
                    }
                },
                StateProj::Admitting {
                    admit,
                    request,
                    inner,
                    timer,
                } => {
                    let admission = ready!(admit.as_mut().poll(cx));
                    let mut request = request.take().expect("admitted once");
                    let inner = inner.take().expect("the service is taken once");
                    match admission {
                        Admission::Proceed(ticket) => {
                            record_verified(&request, *timer);
                            request.extensions_mut().insert(ticket.delivery().clone());
                            State::call(inner, request, Some(ticket))
                        }
                        Admission::Refuse(refusal) => {
                            let scheme = request
                                .extensions()
                                .get::<Verified>()
                                .map_or("", Verified::scheme);
                            State::Rejected {
                                response: Some(refuse(&refusal, scheme, *timer)),
                            }
                        }
                    }
                }
                StateProj::Calling { future, ticket } => {
                    let response = ready!(future.poll(cx));
                    match (response, ticket.take()) {
                        (Ok(response), Some(ticket)) => State::Settling {
                            settle: Box::pin(ticket.settle(response.status().is_success())),
                            response: Some(response),
                        },
                        // A failed service releases the claim as the ticket drops.
                        (response, _) => return Poll::Ready(response),
                    }
                }
                StateProj::Settling { settle, response } => {
                    ready!(settle.as_mut().poll(cx));
                    return Poll::Ready(Ok(response.take().expect("settled once")));
                }
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

impl<S, ReqBody, R> State<S, ReqBody, R>
where
    S: Service<Request<VerifiedBody>>,
{
    fn call(mut inner: S, request: Request<VerifiedBody>, ticket: Option<Ticket>) -> Self {
        Self::Calling {
            future: inner.call(request),
            ticket,
        }
    }
}

impl<S, ReqBody, R, ResBody> Resolving<S, ReqBody, R>
where
    S: Service<Request<VerifiedBody>, Response = Response<ResBody>> + Clone,
    ReqBody: Body,
    ResBody: From<String>,
    R: RejectionResponse<ResBody> + Clone,
{
    /// Goes on once the tenant's keys are known: verifying with them, or answering why there
    /// are none.
    fn resume(self, looked_up: Result<Verifier, VerifyError>) -> State<S, ReqBody, R> {
        let Self {
            request,
            config,
            mut inner,
            mut rejection,
            timer,
            ..
        } = self;
        match looked_up {
            Ok(verifier) => {
                let ResponseFuture { state } = start(
                    verifier,
                    &config,
                    request,
                    &mut inner,
                    &mut rejection,
                    timer,
                );
                state
            }
            Err(error) => State::Rejected {
                response: Some(reject(
                    &mut rejection,
                    error,
                    config.keys.scheme(),
                    config.limits.log_level,
                    timer,
                )),
            },
        }
    }
}

/// Records a delivery handed to the inner service, by the [`Verified`] in its extensions.
fn record_verified(request: &Request<VerifiedBody>, timer: Timer) {
    if let Some(verified) = request.extensions().get::<Verified>() {
        log::verified(verified, verified.scheme(), timer);
    }
}

/// The replay guard's claim on a verified delivery, as an owned future.
type Admit = Pin<Box<dyn Future<Output = Admission> + Send>>;

/// A request whose body verified: a delivery for the inner service, or a signed handshake
/// to answer in its place.
#[allow(
    clippy::large_enum_variant,
    reason = "moved once, straight into the next state"
)]
enum Outcome {
    /// With the guard's claim to make first, when the layer has a guard.
    Delivery {
        request: Request<VerifiedBody>,
        admit: Option<Admit>,
    },
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
        let admit = self.guard.as_ref().map(|guard| -> Admit {
            let (guard, verifier) = (guard.clone(), self.verifier.clone());
            let (verified, bytes) = (verified.clone(), bytes.clone());
            Box::pin(async move { guard.admit(&verifier, &verified, &bytes).await })
        });
        parts.extensions.insert(verified);
        let request = Request::from_parts(parts, VerifiedBody::new(bytes));
        Poll::Ready(Ok(Outcome::Delivery { request, admit }))
    }
}
