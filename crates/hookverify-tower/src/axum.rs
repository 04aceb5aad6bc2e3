//! Extractors for axum handlers.
//!
//! - [`VerifiedDelivery`] reads the [`Verified`] metadata that [`VerifyWebhookLayer`] put in
//!   the request, for handlers behind the layer.
//! - [`VerifiedWebhook`] verifies by itself, with the [`Verifier`] taken from the router state,
//!   for apps that verify on one route and want no layer. [`VerifiedJson`] does the same and
//!   then deserializes the body.
//!
//! Their rejection is [`WebhookRejection`]. Take `Result<VerifiedWebhook, WebhookRejection>`
//! as the argument to answer rejections yourself.
//!
//! [`VerifiedWebhook`] and [`VerifiedJson`] read the body with axum's `Bytes` extractor, so
//! `DefaultBodyLimit` bounds it (2 MiB by default) and nothing is reserved before bytes arrive.
//! They have no body deadline or shared budget of their own: for those, verify with
//! [`VerifyWebhookLayer`] (`body_timeout`, `body_budget`), or bound the body's time with
//! tower-http's `RequestBodyTimeoutLayer`.
//!
//! # Example
//!
//! ```
//! use axum::{Router, extract::FromRef, routing::post};
//! use hookverify_core::Verifier;
//! use hookverify_tower::axum::VerifiedJson;
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Event {
//!     r#type: String,
//! }
//!
//! #[derive(Clone)]
//! struct AppState {
//!     stripe: Verifier,
//! }
//!
//! // `#[derive(FromRef)]` with axum's `macros` feature writes this.
//! impl FromRef<AppState> for Verifier {
//!     fn from_ref(state: &AppState) -> Self {
//!         state.stripe.clone()
//!     }
//! }
//!
//! async fn stripe_event(VerifiedJson(event): VerifiedJson<Event>) -> String {
//!     format!("received {}", event.r#type)
//! }
//!
//! let state = AppState { stripe: Verifier::stripe("whsec_test-only-secret")? };
//! let app: Router = Router::new()
//!     .route("/webhooks/stripe", post(stripe_event))
//!     .with_state(state);
//! # let _ = app;
//! # Ok::<(), hookverify_core::ConfigError>(())
//! ```
//!
//! [`VerifyWebhookLayer`]: crate::VerifyWebhookLayer

use std::fmt;

use axum_core::extract::rejection::BytesRejection;
use axum_core::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum_core::response::{IntoResponse, Response};
use bytes::Bytes;
use hookverify_core::{Verified, Verifier, VerifyError};
use http::request::Parts;
use http::{HeaderValue, StatusCode, header};
use serde::de::DeserializeOwned;

/// The [`Verified`] metadata of a request that passed
/// [`VerifyWebhookLayer`](crate::VerifyWebhookLayer).
///
/// Rejects with 500 when the route has no layer: that is a server misconfiguration, never the
/// client's fault.
///
/// # Example
///
/// ```
/// use axum::body::Bytes;
/// use hookverify_tower::axum::VerifiedDelivery;
///
/// async fn handler(VerifiedDelivery(verified): VerifiedDelivery, body: Bytes) -> String {
///     format!("{} bytes verified by {}", body.len(), verified.scheme())
/// }
/// # let _ = handler;
/// ```
#[derive(Debug, Clone)]
#[allow(
    clippy::exhaustive_structs,
    reason = "a newtype extractor, destructured in handler arguments like axum's own"
)]
pub struct VerifiedDelivery(pub Verified);

impl<S: Send + Sync> FromRequestParts<S> for VerifiedDelivery {
    type Rejection = WebhookRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Verified>()
            .cloned()
            .map(Self)
            .ok_or(WebhookRejection::MissingLayer)
    }
}

/// A delivery verified in the handler: its raw body and the [`Verified`] metadata.
///
/// The [`Verifier`] comes from the router state (`Verifier: FromRef<S>`). The headers are
/// checked before the body is read, so an unsigned or stale delivery is rejected unread; the
/// body is read through axum's `Bytes` extractor, so `DefaultBodyLimit` applies (413 beyond
/// it). Timestamps are checked against the verifier's clock
/// ([`Verifier::now`](hookverify_core::Verifier::now)).
///
/// # Example
///
/// ```
/// use axum::{Router, routing::post};
/// use hookverify_core::Verifier;
/// use hookverify_tower::axum::VerifiedWebhook;
///
/// async fn github_event(webhook: VerifiedWebhook) -> String {
///     format!("{} bytes", webhook.body().len())
/// }
///
/// let app: Router = Router::new()
///     .route("/webhooks/github", post(github_event))
///     .with_state(Verifier::github("test-only-secret")?);
/// # let _ = app;
/// # Ok::<(), hookverify_core::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct VerifiedWebhook {
    verified: Verified,
    body: Bytes,
}

impl VerifiedWebhook {
    /// What the verification established.
    #[must_use]
    pub const fn verified(&self) -> &Verified {
        &self.verified
    }

    /// The raw body, exactly as signed.
    #[must_use]
    pub const fn body(&self) -> &Bytes {
        &self.body
    }

    /// The metadata and the body.
    #[must_use]
    pub fn into_parts(self) -> (Verified, Bytes) {
        (self.verified, self.body)
    }
}

impl<S> FromRequest<S> for VerifiedWebhook
where
    S: Send + Sync,
    Verifier: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let head = crate::service::core_request(
            request.method(),
            request.uri(),
            request.headers(),
            request.extensions(),
        );
        let mut verification = verifier
            .begin(head, verifier.now())
            .map_err(|error| WebhookRejection::from_verify(error, &verifier))?;
        let body = Bytes::from_request(request, state)
            .await
            .map_err(WebhookRejection::Body)?;
        verification.update(&body);
        let verified = verification
            .finish()
            .map_err(|error| WebhookRejection::from_verify(error, &verifier))?;
        Ok(Self { verified, body })
    }
}

/// A verified delivery whose body is deserialized from JSON, after verification.
///
/// Verifies exactly as [`VerifiedWebhook`] does; a body that is not valid JSON for `T` is then
/// rejected with 400.
#[derive(Debug, Clone, Copy, Default)]
#[allow(
    clippy::exhaustive_structs,
    reason = "a newtype extractor, destructured in handler arguments like axum's Json"
)]
pub struct VerifiedJson<T>(pub T);

impl<S, T> FromRequest<S> for VerifiedJson<T>
where
    S: Send + Sync,
    Verifier: FromRef<S>,
    T: DeserializeOwned,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let webhook = VerifiedWebhook::from_request(request, state).await?;
        serde_json::from_slice(webhook.body())
            .map(Self)
            .map_err(|error| WebhookRejection::InvalidJson(error.to_string()))
    }
}

/// Why a webhook extractor rejected a request.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// The delivery failed verification; the status follows [`crate::status_code`].
    Verify(VerifyError),
    /// The body could not be read (413 beyond `DefaultBodyLimit`, 400 for a stream error).
    Body(BytesRejection),
    /// The verified body is not valid JSON for the target type (400). Holds serde's message.
    InvalidJson(String),
    /// [`VerifiedDelivery`] was used on a route without
    /// [`VerifyWebhookLayer`](crate::VerifyWebhookLayer) (500).
    MissingLayer,
}

impl WebhookRejection {
    fn from_verify(error: VerifyError, verifier: &Verifier) -> Self {
        crate::rejection::log(&error, verifier.scheme().name());
        Self::Verify(error)
    }

    /// The HTTP status of the rejection.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Verify(error) => crate::status_code(error),
            Self::Body(rejection) => rejection.status(),
            Self::InvalidJson(_) => StatusCode::BAD_REQUEST,
            Self::MissingLayer => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The plain-text body of the rejection.
    #[must_use]
    pub fn body_text(&self) -> String {
        match self {
            Self::Verify(error) => error.to_string(),
            Self::Body(rejection) => rejection.body_text(),
            Self::InvalidJson(message) => format!("invalid JSON body: {message}"),
            Self::MissingLayer => {
                "webhook verification is not configured for this route".to_owned()
            }
        }
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.body_text())
    }
}

impl std::error::Error for WebhookRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Verify(error) => Some(error),
            Self::Body(rejection) => Some(rejection),
            Self::InvalidJson(_) | Self::MissingLayer => None,
        }
    }
}

impl From<VerifyError> for WebhookRejection {
    fn from(error: VerifyError) -> Self {
        Self::Verify(error)
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let mut response = (self.status(), self.body_text()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        if let Self::Verify(error) = self {
            response.extensions_mut().insert(error);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejection_status_survives_conversion_into_a_response() {
        let cases = [
            (
                WebhookRejection::Verify(VerifyError::SignatureMismatch),
                StatusCode::UNAUTHORIZED,
            ),
            (
                WebhookRejection::InvalidJson("expected value".to_owned()),
                StatusCode::BAD_REQUEST,
            ),
            (
                WebhookRejection::MissingLayer,
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
        ];
        for (rejection, status) in cases {
            assert_eq!(rejection.status(), status);
            assert_eq!(rejection.into_response().status(), status);
        }
    }
}
