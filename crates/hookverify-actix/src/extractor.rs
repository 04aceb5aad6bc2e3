//! Extractors: [`VerifiedDelivery`] behind the middleware, [`VerifiedWebhook`] and
//! [`VerifiedJson`] on their own.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage as _, HttpRequest, web};
use bytes::Bytes;
use futures_core::future::LocalBoxFuture;
use hookverify_core::{Verified, Verifier, VerifyError};
use serde::de::DeserializeOwned;

use crate::error::log_rejection;
use crate::{WebhookConfig, WebhookError};

/// The [`Verified`] metadata of a request that passed the
/// [`VerifyWebhook`](crate::VerifyWebhook) middleware.
///
/// Fails with [`WebhookError::MissingMiddleware`] (500) when the route is not wrapped.
///
/// # Examples
///
/// ```
/// use actix_web::web;
/// use hookverify_actix::VerifiedDelivery;
///
/// async fn handler(VerifiedDelivery(verified): VerifiedDelivery, body: web::Bytes) -> String {
///     format!("{} bytes verified by {}", body.len(), verified.scheme())
/// }
/// # let _ = handler;
/// ```
#[derive(Debug, Clone)]
#[allow(
    clippy::exhaustive_structs,
    reason = "a newtype extractor, destructured in handler arguments like actix's own"
)]
pub struct VerifiedDelivery(pub Verified);

impl FromRequest for VerifiedDelivery {
    type Error = WebhookError;
    type Future = Ready<Result<Self, WebhookError>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(
            request
                .extensions()
                .get::<Verified>()
                .cloned()
                .map(Self)
                .ok_or(WebhookError::MissingMiddleware),
        )
    }
}

/// A delivery verified in the handler: its raw body and the [`Verified`] metadata.
///
/// The [`Verifier`] is looked up in app data, as `Verifier` and then as `web::Data<Verifier>`
/// (500 when neither is registered). The headers are checked before the payload is read, so an
/// unsigned or stale delivery is rejected unread. The payload is then streamed through the MAC
/// under the route's [`WebhookConfig`] (2 MiB limit by default, 413 beyond; optional deadline,
/// 408; optional shared budget, 503), exactly as the [`VerifyWebhook`](crate::VerifyWebhook)
/// middleware reads it. Timestamps are checked against the verifier's clock
/// ([`Verifier::now`]).
///
/// # Examples
///
/// ```
/// use actix_web::{App, web};
/// use hookverify_actix::VerifiedWebhook;
/// use hookverify_core::Verifier;
///
/// async fn github(webhook: VerifiedWebhook) -> String {
///     format!("{} verified bytes", webhook.body().len())
/// }
///
/// let verifier = Verifier::github("test-only-secret")?;
/// let app = App::new()
///     .app_data(web::Data::new(verifier))
///     .route("/webhooks/github", web::post().to(github));
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

impl FromRequest for VerifiedWebhook {
    type Error = WebhookError;
    type Future = LocalBoxFuture<'static, Result<Self, WebhookError>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let Some(verifier) = verifier_of(request) else {
            return Box::pin(ready(Err(WebhookError::MissingVerifier)));
        };
        let limits = WebhookConfig::limits_of(request);
        let body = verifier
            .begin(crate::head::core_request(request.head()), verifier.now())
            .and_then(|verification| limits.admit(verification, request.headers()));
        let body = match body {
            Ok(body) => body,
            Err(error) => return Box::pin(ready(Err(rejected(error, &verifier)))),
        };
        let payload = payload.take();
        Box::pin(async move {
            let (verified, body) = limits
                .read(body, payload)
                .await
                .map_err(|error| rejected(error, &verifier))?;
            Ok(Self { verified, body })
        })
    }
}

/// A verified delivery whose body is deserialized from JSON, after verification.
///
/// Verifies exactly as [`VerifiedWebhook`] does; a body that is not valid JSON for `T` is then
/// rejected with 400. This is all a Stripe handler needs:
///
/// ```
/// use actix_web::HttpResponse;
/// use hookverify_actix::VerifiedJson;
/// use serde::Deserialize;
///
/// #[derive(Deserialize)]
/// struct Event {
///     r#type: String,
/// }
///
/// async fn stripe(VerifiedJson(event): VerifiedJson<Event>) -> HttpResponse {
///     match event.r#type.as_str() {
///         "payment_intent.succeeded" => HttpResponse::Ok().finish(),
///         _ => HttpResponse::Accepted().finish(),
///     }
/// }
/// # let _ = stripe;
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[allow(
    clippy::exhaustive_structs,
    reason = "a newtype extractor, destructured in handler arguments like web::Json"
)]
pub struct VerifiedJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for VerifiedJson<T> {
    type Error = WebhookError;
    type Future = LocalBoxFuture<'static, Result<Self, WebhookError>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let webhook = VerifiedWebhook::from_request(request, payload);
        Box::pin(async move {
            let webhook = webhook.await?;
            serde_json::from_slice(webhook.body())
                .map(Self)
                .map_err(|error| WebhookError::InvalidJson(error.to_string()))
        })
    }
}

/// The verifier registered as app data, as `Verifier` or as `web::Data<Verifier>`.
fn verifier_of(request: &HttpRequest) -> Option<Verifier> {
    request.app_data::<Verifier>().cloned().or_else(|| {
        request
            .app_data::<web::Data<Verifier>>()
            .map(|data| data.get_ref().clone())
    })
}

fn rejected(error: VerifyError, verifier: &Verifier) -> WebhookError {
    log_rejection(&error, verifier.scheme().name());
    WebhookError::Verify(error)
}
