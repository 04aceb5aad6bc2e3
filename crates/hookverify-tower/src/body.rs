//! [`VerifiedBody`]: the buffered body handed to the inner service.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

/// The body of a verified request: the exact bytes that were verified, buffered once.
///
/// It yields them as a single frame, so extractors that collect the body (axum's `Bytes`,
/// `String`, `Json`) take it without another copy.
#[derive(Debug, Default, Clone)]
pub struct VerifiedBody {
    data: Option<Bytes>,
}

impl VerifiedBody {
    /// A body of `bytes`.
    #[must_use]
    pub fn new(bytes: Bytes) -> Self {
        Self {
            data: (!bytes.is_empty()).then_some(bytes),
        }
    }
}

impl From<Bytes> for VerifiedBody {
    fn from(bytes: Bytes) -> Self {
        Self::new(bytes)
    }
}

impl Body for VerifiedBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Poll::Ready(self.get_mut().data.take().map(|data| Ok(Frame::data(data))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        let len = self.data.as_ref().map_or(0, Bytes::len);
        SizeHint::with_exact(u64::try_from(len).unwrap_or(u64::MAX))
    }
}
