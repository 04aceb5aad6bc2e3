//! Reading a body through its verification, within the limits: the one implementation behind
//! the layer and the axum extractors.

use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::{Buf as _, Bytes};
use hookverify_core::{
    BodyBudget, BufferedVerification, DEFAULT_MAX_BODY_SIZE, Request, Verified, Verifier,
    VerifyError,
};
use http::{HeaderMap, header};
use http_body::Body;
use tokio::time::Sleep;
use tracing::Level;

use crate::BoxError;

/// How much body a delivery may send, for how long, and what all of them may hold together.
#[derive(Debug, Clone)]
pub(crate) struct BodyLimits {
    pub(crate) max_body_size: usize,
    pub(crate) timeout: Option<Duration>,
    pub(crate) budget: Option<BodyBudget>,
    /// The level rejections are logged at.
    pub(crate) log_level: Level,
}

impl Default for BodyLimits {
    fn default() -> Self {
        Self {
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            timeout: None,
            budget: None,
            log_level: hookverify_core::log::DEFAULT_REJECTION_LEVEL,
        }
    }
}

impl BodyLimits {
    /// Starts verifying a delivery from its head and admits its body: refused at once when
    /// the head fails (unsigned, malformed, stale), when it announces more than the limit
    /// (413), and when the shared budget has no room (503), before a byte is read.
    pub(crate) fn begin<B: Body>(
        &self,
        verifier: &Verifier,
        head: Request<'_, HeaderMap>,
        body: &B,
    ) -> Result<BufferedVerification, VerifyError> {
        let announced = announced_length(head.headers()).max(body.size_hint().lower());
        let buffered =
            verifier.begin_buffered(head, verifier.now(), self.max_body_size, Some(announced))?;
        match &self.budget {
            Some(budget) => buffered.with_budget(budget),
            None => Ok(buffered),
        }
    }

    /// The deadline for a body whose head arrived now, if there is one.
    pub(crate) fn deadline(&self) -> Option<Sleep> {
        self.timeout.map(tokio::time::sleep)
    }
}

/// The `Content-Length` a request announces; 0 when absent or unparsable (hyper has already
/// rejected an invalid one, and the streaming limit still applies).
fn announced_length(headers: &HeaderMap) -> u64 {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .unwrap_or(0)
}

/// A body being read through its verification.
pub(crate) struct Buffering {
    body: Option<BufferedVerification>,
    /// The body deadline, for the error that reports it.
    timeout: Option<Duration>,
}

impl Buffering {
    pub(crate) const fn new(body: BufferedVerification, timeout: Option<Duration>) -> Self {
        Self {
            body: Some(body),
            timeout,
        }
    }

    /// Reads frames until the body ends (the verdict), the limit is passed, the stream fails,
    /// or the deadline passes while the body is still coming.
    pub(crate) fn poll_body<B>(
        &mut self,
        mut stream: Pin<&mut B>,
        mut deadline: Pin<&mut Option<Sleep>>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(Verified, Bytes), VerifyError>>
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
                    let Some(body) = self.body.take() else {
                        panic_polled_after_completion();
                    };
                    return Poll::Ready(body.finish());
                }
            }
        }
    }

    /// While the body is still coming: pending until the deadline, if there is one, passes.
    fn poll_deadline(
        &mut self,
        deadline: Pin<&mut Option<Sleep>>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(Verified, Bytes), VerifyError>> {
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

/// Reads `body` to its end through `buffered`, within `limits`' deadline: the extractors' way.
#[cfg(feature = "axum")]
pub(crate) async fn read<B>(
    body: B,
    buffered: BufferedVerification,
    limits: &BodyLimits,
) -> Result<(Verified, Bytes), VerifyError>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let mut body = std::pin::pin!(body);
    let mut deadline = std::pin::pin!(limits.deadline());
    let mut buffering = Buffering::new(buffered, limits.timeout);
    std::future::poll_fn(|cx| buffering.poll_body(body.as_mut(), deadline.as_mut(), cx)).await
}

#[cold]
fn panic_polled_after_completion() -> ! {
    unreachable!("a body is read to its end once")
}
