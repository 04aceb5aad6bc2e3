//! How a rejected delivery is answered: the [`RejectionResponse`] hook and its default.

use hookverify_core::log::Timer;
use hookverify_core::{HandshakeAnswer, VerifyError};
use hookverify_replay::Refusal;
use http::{HeaderName, HeaderValue, Response, StatusCode, header};
use tracing::Level;

/// Builds the response sent when a delivery is rejected.
///
/// Implemented for [`DefaultRejectionResponse`] and for closures
/// `FnMut(VerifyError) -> Response<B>`. Whatever it returns, the layer inserts the
/// [`VerifyError`] into the response's extensions, so outer layers can see why.
///
/// # Examples
///
/// Answer every rejection with a bare 403:
///
/// ```
/// use http::{Response, StatusCode};
/// use hookverify_core::{Verifier, VerifyError};
/// use hookverify_tower::VerifyWebhookLayer;
///
/// let layer = VerifyWebhookLayer::new(Verifier::github("test-only-secret")?)
///     .with_rejection_response(|_: VerifyError| {
///         let mut response = Response::new(String::new());
///         *response.status_mut() = StatusCode::FORBIDDEN;
///         response
///     });
/// # let _ = layer;
/// # Ok::<(), hookverify_core::ConfigError>(())
/// ```
pub trait RejectionResponse<B> {
    /// The response for `error`.
    fn response(&mut self, error: VerifyError) -> Response<B>;
}

impl<B, F> RejectionResponse<B> for F
where
    F: FnMut(VerifyError) -> Response<B>,
{
    fn response(&mut self, error: VerifyError) -> Response<B> {
        self(error)
    }
}

/// The default rejection: the error's status (see [`status_code`]) with a short `text/plain`
/// reason, such as `401 no signature matches`: [`VerifyError::public_message`], which never
/// holds a secret or a signature, and never tells the client the server's clock or the URL it
/// computed.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct DefaultRejectionResponse;

impl<B: From<String>> RejectionResponse<B> for DefaultRejectionResponse {
    fn response(&mut self, error: VerifyError) -> Response<B> {
        let mut response = Response::new(B::from(error.public_message().into_owned()));
        *response.status_mut() = status_code(&error);
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    }
}

/// The HTTP status for a rejection: `401` for an unsigned, forged or stale delivery, `400` for a
/// malformed header or an unreadable body, `413` for an oversized body.
///
/// The one place this crate maps errors to statuses; it follows
/// [`VerifyError::status_code`].
#[must_use]
pub fn status_code(error: &VerifyError) -> StatusCode {
    StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::BAD_REQUEST)
}

/// The response to a handshake, exactly as core decided it, with the
/// [`Handshake`](hookverify_core::Handshake) in its extensions; logged at DEBUG.
pub(crate) fn answer<B: From<String>>(
    answer: HandshakeAnswer,
    scheme: &str,
    timer: Timer,
) -> Response<B> {
    hookverify_core::log::handshake(&answer, scheme, timer);
    let handshake = answer.handshake();
    let mut response = handshake_response(answer);
    response.extensions_mut().insert(handshake);
    response
}

/// The response to a handshake: its status, headers and body as they are.
pub(crate) fn handshake_response<B: From<String>>(answer: HandshakeAnswer) -> Response<B> {
    let status = StatusCode::from_u16(answer.status()).unwrap_or(StatusCode::OK);
    let headers: Vec<_> = answer
        .headers()
        .filter_map(|(name, value)| {
            let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
            Some((name, HeaderValue::from_static(value)))
        })
        .collect();
    let mut response = Response::new(B::from(answer.into_body()));
    *response.status_mut() = status;
    response.headers_mut().extend(headers);
    response
}

/// The answer to a verified delivery the replay guard refused: 200 for a duplicate (the
/// provider must stop retrying), 409 for one whose twin is in flight and 503 when the store
/// failed (it retries later), with a short plain-text reason and the [`Refusal`] in the
/// response's extensions.
pub(crate) fn refuse<B: From<String>>(
    refusal: &Refusal,
    scheme: &str,
    timer: Timer,
) -> Response<B> {
    hookverify_core::log::answered(refusal.outcome(), scheme, timer);
    let mut response = Response::new(B::from(refusal.public_message().to_owned()));
    *response.status_mut() = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::OK);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response.extensions_mut().insert(refusal.clone());
    response
}

/// Logs a rejection at `level` and builds its response, with the error in the response's
/// extensions.
pub(crate) fn reject<B, R: RejectionResponse<B>>(
    rejection: &mut R,
    error: VerifyError,
    scheme: &str,
    level: Level,
    timer: Timer,
) -> Response<B> {
    hookverify_core::log::rejection(&error, scheme, level, timer);
    let mut response = rejection.response(error.clone());
    response.extensions_mut().insert(error);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rejection_has_the_errors_status_and_message() {
        let response: Response<String> =
            DefaultRejectionResponse.response(VerifyError::SignatureMismatch);
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.body(), "no signature matches");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
    }

    #[test]
    fn rejection_carries_the_error_in_its_extensions() {
        let response: Response<String> = reject(
            &mut DefaultRejectionResponse,
            VerifyError::BodyTooLarge { limit: 1 },
            "github",
            Level::DEBUG,
            Timer::start(),
        );
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            response.extensions().get::<VerifyError>(),
            Some(&VerifyError::BodyTooLarge { limit: 1 })
        );
    }
}
