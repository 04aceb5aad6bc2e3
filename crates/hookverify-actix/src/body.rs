//! How the middleware and the extractors read a payload: one limit, one deadline, one budget,
//! and [`WebhookConfig`], the extractors' way to set them.

use std::future::poll_fn;
use std::pin::Pin;
use std::time::Duration;

use actix_web::dev::{Payload, RequestHead};
use actix_web::http::header::{self, HeaderMap};
use actix_web::{HttpRequest, web};
use bytes::Bytes;
use futures_core::Stream as _;
use hookverify_core::{
    BodyBudget, BufferedVerification, DEFAULT_MAX_BODY_SIZE, Verified, Verifier, VerifyError,
};

/// The body limit, deadline and budget a delivery is read under.
#[derive(Debug, Clone)]
pub(crate) struct BodyLimits {
    pub(crate) max_body_size: usize,
    pub(crate) timeout: Option<Duration>,
    pub(crate) budget: Option<BodyBudget>,
    /// The level rejections are logged at.
    pub(crate) log_level: tracing::Level,
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
    /// Starts verifying a delivery from its head and keeping its body: refused, before a byte
    /// is read, when the head fails (unsigned, malformed, stale), when its `Content-Length` is
    /// over the limit (413) or the budget is full (503).
    pub(crate) fn begin(
        &self,
        verifier: &Verifier,
        head: &RequestHead,
    ) -> Result<BufferedVerification, VerifyError> {
        let body = verifier.begin_buffered(
            crate::head::core_request(head),
            verifier.now(),
            self.max_body_size,
            announced_length(&head.headers),
        )?;
        match &self.budget {
            Some(budget) => body.with_budget(budget),
            None => Ok(body),
        }
    }

    /// Reads `payload` through `body` to its end, within the deadline: the verdict and the
    /// exact bytes. A deadline that passes drops the buffer at once (408).
    pub(crate) async fn read(
        &self,
        mut body: BufferedVerification,
        mut payload: Payload,
    ) -> Result<(Verified, Bytes), VerifyError> {
        let read = async move {
            while let Some(chunk) = poll_fn(|cx| Pin::new(&mut payload).poll_next(cx)).await {
                match chunk {
                    Ok(chunk) => body.push(chunk)?,
                    Err(error) => {
                        tracing::debug!(
                            target: "hookverify::rejection",
                            %error,
                            "webhook payload stream failed"
                        );
                        return Err(VerifyError::BodyUnreadable);
                    }
                }
            }
            body.finish()
        };
        let Some(timeout) = self.timeout else {
            return read.await;
        };
        actix_web::rt::time::timeout(timeout, read)
            .await
            .unwrap_or(Err(VerifyError::BodyTimeout {
                timeout_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
            }))
    }
}

/// The `Content-Length` a request announces, if it parses.
pub(crate) fn announced_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
}

/// How the [`VerifiedWebhook`](crate::VerifiedWebhook) and [`VerifiedJson`](crate::VerifiedJson)
/// extractors read a payload; register it as app data, like `web::JsonConfig`.
///
/// Without one, the extractors use the defaults: a 2 MiB body limit
/// ([`DEFAULT_MAX_BODY_SIZE`]), no deadline and no shared budget. The
/// [`VerifyWebhook`](crate::VerifyWebhook) middleware has the same settings as builder methods.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use actix_web::{App, web};
/// use hookverify_actix::{VerifiedWebhook, WebhookConfig};
/// use hookverify_core::{BodyBudget, Verifier};
///
/// async fn github(webhook: VerifiedWebhook) -> String {
///     format!("{} verified bytes", webhook.body().len())
/// }
///
/// let app = App::new()
///     .app_data(web::Data::new(Verifier::github("test-only-secret")?))
///     .app_data(
///         WebhookConfig::default()
///             .max_body_size(256 * 1024)
///             .body_timeout(Duration::from_secs(20))
///             .body_budget(BodyBudget::new(64 * 1024 * 1024)),
///     )
///     .route("/webhooks/github", web::post().to(github));
/// # let _ = app;
/// # Ok::<(), hookverify_core::ConfigError>(())
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct WebhookConfig {
    limits: BodyLimits,
}

impl WebhookConfig {
    /// The largest payload accepted, in bytes (default [`DEFAULT_MAX_BODY_SIZE`]). A larger
    /// `Content-Length` is answered with 413 unread; a payload that grows past it, with 413 as
    /// soon as it does.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.limits.max_body_size = bytes;
        self
    }

    /// How long the payload may take to arrive once the headers are in (default: no
    /// deadline). A payload still incomplete then is answered with 408 and its buffer freed.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.limits.timeout = Some(timeout);
        self
    }

    /// Charges buffered payloads to `budget`, shared with everything else given a clone of it
    /// (default: none); past it, deliveries are answered with 503. See [`BodyBudget`].
    pub fn body_budget(mut self, budget: BodyBudget) -> Self {
        self.limits.budget = Some(budget);
        self
    }

    /// The level the extractors log rejections at (default DEBUG); see
    /// [`VerifyWebhook::log_rejections_at`](crate::VerifyWebhook::log_rejections_at).
    pub fn log_rejections_at(mut self, level: tracing::Level) -> Self {
        self.limits.log_level = level;
        self
    }

    /// The limits registered for `request`'s route, as `WebhookConfig` or
    /// `web::Data<WebhookConfig>`, or the defaults.
    pub(crate) fn limits_of(request: &HttpRequest) -> BodyLimits {
        request
            .app_data::<Self>()
            .or_else(|| {
                request
                    .app_data::<web::Data<Self>>()
                    .map(web::Data::get_ref)
            })
            .map(|config| config.limits.clone())
            .unwrap_or_default()
    }
}
