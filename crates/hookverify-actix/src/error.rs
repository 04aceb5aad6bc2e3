//! [`WebhookError`]: how a rejected delivery becomes an actix-web response.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use hookverify_core::format::FormatError;
use hookverify_core::{HandshakeAnswer, VerifyError};
use hookverify_replay::Refusal;

/// Why the middleware or an extractor rejected a request.
///
/// Implements [`ResponseError`]: the status comes from [`status_code`], and the body is a short
/// reason as `text/plain` ([`VerifyError::public_message`] for a failed verification): never a
/// secret or a signature, nor the server's clock.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookError {
    /// The delivery failed verification or could not be read (401, 400, 408, 413 or 503; see
    /// [`status_code`]).
    Verify(VerifyError),
    /// The verified body does not parse as the handler's type (400).
    Format(FormatError),
    /// No [`Verifier`](hookverify_core::Verifier) is registered as app data (500, a server
    /// misconfiguration).
    MissingVerifier,
    /// [`VerifiedDelivery`](crate::VerifiedDelivery) was used without the
    /// [`VerifyWebhook`](crate::VerifyWebhook) middleware (500, a server misconfiguration).
    MissingMiddleware,
    /// Not a failure: the request is a provider's endpoint check, answered exactly as core
    /// decided (usually 200) in the handler's place. See
    /// [`Handshake`](hookverify_core::Handshake).
    Handshake(HandshakeAnswer),
    /// No replay [`Guard`](hookverify_replay::Guard) is registered as app data for
    /// [`GuardedWebhook`](crate::GuardedWebhook) (500, a server misconfiguration).
    MissingGuard,
    /// Not a failure either: [`GuardedWebhook`](crate::GuardedWebhook)'s guard refused a
    /// verified delivery — a duplicate (200, so the provider stops retrying), one whose twin
    /// is in flight (409) or one the store could not check (503) — and answers in the
    /// handler's place.
    Refused(Refusal),
}

/// The HTTP status for a verification failure: `401` for an unsigned, forged or stale delivery,
/// `400` for a malformed header or an unreadable body, `408` for a body that arrived too slowly,
/// `413` for an oversized body, `503` when the body cannot be buffered now.
///
/// The one place this crate maps [`VerifyError`]s to statuses; it follows
/// [`VerifyError::status_code`].
#[must_use]
pub fn status_code(error: &VerifyError) -> StatusCode {
    StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::BAD_REQUEST)
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verify(error) => error.fmt(f),
            Self::Format(error) => error.fmt(f),
            Self::MissingVerifier => f.write_str("no webhook verifier is configured"),
            Self::MissingMiddleware => {
                f.write_str("webhook verification is not configured for this route")
            }
            Self::Handshake(answer) => write!(f, "answered {}", answer.handshake()),
            Self::MissingGuard => f.write_str("no webhook replay guard is configured"),
            Self::Refused(refusal) => f.write_str(refusal.public_message()),
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Verify(error) => Some(error),
            Self::Format(error) => Some(error),
            Self::Refused(Refusal::Unavailable(error)) => Some(error),
            Self::MissingVerifier
            | Self::MissingMiddleware
            | Self::MissingGuard
            | Self::Handshake(_)
            | Self::Refused(_) => None,
        }
    }
}

impl From<VerifyError> for WebhookError {
    fn from(error: VerifyError) -> Self {
        Self::Verify(error)
    }
}

impl ResponseError for WebhookError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Verify(error) => status_code(error),
            Self::Format(_) => StatusCode::BAD_REQUEST,
            Self::MissingVerifier | Self::MissingMiddleware | Self::MissingGuard => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            Self::Refused(refusal) => {
                StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::OK)
            }
            Self::Handshake(answer) => {
                StatusCode::from_u16(answer.status()).unwrap_or(StatusCode::OK)
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Handshake(answer) = self {
            return answer_response(answer.clone());
        }
        let mut response = HttpResponse::build(ResponseError::status_code(self))
            .insert_header((
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ))
            .body(match self {
                Self::Verify(error) => error.public_message().into_owned(),
                other => other.to_string(),
            });
        match self {
            Self::Verify(error) => {
                response.extensions_mut().insert(error.clone());
            }
            Self::Refused(refusal) => {
                response.extensions_mut().insert(refusal.clone());
            }
            _ => {}
        }
        response
    }
}

/// The response to a handshake, exactly as core decided it.
pub(crate) fn answer_response(answer: HandshakeAnswer) -> HttpResponse {
    let mut response =
        HttpResponse::build(StatusCode::from_u16(answer.status()).unwrap_or(StatusCode::OK));
    for header in answer.headers() {
        response.insert_header(header);
    }
    response.body(answer.into_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_survives_conversion_into_an_actix_error() {
        let cases = [
            (WebhookError::Verify(VerifyError::SignatureMismatch), 401),
            (
                WebhookError::Verify(VerifyError::BodyTooLarge { limit: 1 }),
                413,
            ),
            (
                WebhookError::Format(FormatError::InvalidJson("eof".to_owned())),
                400,
            ),
            (WebhookError::MissingVerifier, 500),
        ];
        for (error, status) in cases {
            let error: actix_web::Error = error.into();
            assert_eq!(error.as_response_error().status_code().as_u16(), status);
            assert_eq!(error.error_response().status().as_u16(), status);
        }
    }

    #[test]
    fn the_response_is_short_plain_text() {
        let response = WebhookError::Verify(VerifyError::SignatureMismatch).error_response();
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            response.extensions().get::<VerifyError>(),
            Some(&VerifyError::SignatureMismatch)
        );
    }
}
