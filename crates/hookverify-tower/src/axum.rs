//! Extractors for axum handlers.
//!
//! - [`VerifiedDelivery`] reads the [`Verified`] metadata that [`VerifyWebhookLayer`] put in
//!   the request, for handlers behind the layer.
//! - [`VerifiedWebhook`] verifies by itself, with the verifier taken from the router state, for
//!   apps that want no layer; [`VerifiedJson`], [`VerifiedForm`] (feature `form`),
//!   [`VerifiedSlackPayload`] (feature `form`) and [`VerifiedXml`] (feature `xml`) do the same
//!   and then parse the verified body (400 with the reason when it does not parse).
//! - [`GuardedWebhook`] verifies as [`VerifiedWebhook`] does and then claims the delivery in
//!   the replay [`Guard`] the state hands out: the handler runs once per delivery (or per
//!   event) and answers through [`GuardedWebhook::finish`], which commits the claim on 2xx
//!   and releases it otherwise.
//!
//! Their rejection is [`WebhookRejection`]. Take `Result<VerifiedWebhook, WebhookRejection>`
//! as the argument to answer rejections yourself. The verifier's handshakes are answered in the
//! handler's place.
//!
//! The verifying extractors read the body exactly as [`VerifyWebhookLayer`] does, within the
//! limits of a [`WebhookConfig`] in the request's extensions (2 MiB, no deadline and no budget
//! without one): an announced length over the limit is 413 before a byte is read, the buffer
//! grows with what arrives, a stalled body is 408 at the deadline, a full budget 503.
//!
//! # One provider, or several
//!
//! With one provider, the state is (or hands out) a [`Verifier`]. With several, give each a key
//! type of its own — a newtype over [`Verifier`] that the state hands out (`FromRef`) and that
//! turns back into one (`Into<Verifier>`) — and name it as the extractor's last type
//! parameter, as `axum-extra`'s `SignedCookieJar<K>` names its key:
//!
//! ```
//! use axum::{Router, extract::FromRef, routing::post};
//! use hookverify_core::Verifier;
//! use hookverify_tower::axum::{VerifiedJson, VerifiedWebhook};
//! use serde::Deserialize;
//!
//! #[derive(Clone)]
//! struct Stripe(Verifier);
//! #[derive(Clone)]
//! struct GitHub(Verifier);
//!
//! impl From<Stripe> for Verifier {
//!     fn from(key: Stripe) -> Self {
//!         key.0
//!     }
//! }
//! impl From<GitHub> for Verifier {
//!     fn from(key: GitHub) -> Self {
//!         key.0
//!     }
//! }
//!
//! // `#[derive(FromRef)]` with axum's `macros` feature writes these.
//! #[derive(Clone)]
//! struct AppState {
//!     stripe: Stripe,
//!     github: GitHub,
//! }
//! impl FromRef<AppState> for Stripe {
//!     fn from_ref(state: &AppState) -> Self {
//!         state.stripe.clone()
//!     }
//! }
//! impl FromRef<AppState> for GitHub {
//!     fn from_ref(state: &AppState) -> Self {
//!         state.github.clone()
//!     }
//! }
//!
//! #[derive(Deserialize)]
//! struct Event {
//!     r#type: String,
//! }
//!
//! async fn stripe_event(VerifiedJson(event, ..): VerifiedJson<Event, Stripe>) -> String {
//!     format!("received {}", event.r#type)
//! }
//!
//! async fn github_event(webhook: VerifiedWebhook<GitHub>) -> String {
//!     format!("{} verified bytes", webhook.body().len())
//! }
//!
//! let state = AppState {
//!     stripe: Stripe(Verifier::stripe("whsec_test-only-secret")?),
//!     github: GitHub(Verifier::github("test-only-secret")?),
//! };
//! let app: Router = Router::new()
//!     .route("/webhooks/stripe", post(stripe_event))
//!     .route("/webhooks/github", post(github_event))
//!     .with_state(state);
//! # let _ = app;
//! # Ok::<(), hookverify_core::ConfigError>(())
//! ```
//!
//! [`VerifyWebhookLayer`]: crate::VerifyWebhookLayer

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use axum_core::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum_core::response::{IntoResponse, Response};
use bytes::Bytes;
use hookverify_core::format::FormatError;
use hookverify_core::log::Timer;
use hookverify_core::{BodyBudget, HandshakeAnswer, Notice, Verified, Verifier, VerifyError};
use hookverify_replay::{Admission, Delivery, Guard, Refusal, Ticket};
use http::request::Parts;
use http::{HeaderValue, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::buffer::BodyLimits;

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
/// The verifier comes from the router state: `K` is [`Verifier`] itself (the default, for an app
/// with one provider), or a type of your own per provider (`K: FromRef<S> + Into<Verifier>`),
/// as `axum-extra`'s `SignedCookieJar<K>` takes its key; see the [module docs](self) for an app
/// with several providers. The headers are checked before the body is read, so an unsigned or
/// stale delivery is rejected unread; the body is then read within the limits of the
/// [`WebhookConfig`] in the request's extensions (2 MiB without one; 413 beyond it, before a
/// byte is read when the length is announced). Timestamps are checked against the verifier's
/// clock ([`Verifier::now`]).
///
/// The verifier's [handshakes](hookverify_core::Handshake) are answered in the handler's place
/// (through [`WebhookRejection::Handshake`]): an unsigned one before the body is read, a signed
/// one once it verified. Route the handshake's method to the handler too (Meta's and Dropbox's
/// are `GET`s).
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
pub struct VerifiedWebhook<K = Verifier> {
    verified: Verified,
    body: Bytes,
    notice: Option<Notice>,
    key: PhantomData<fn() -> K>,
}

impl<K> VerifiedWebhook<K> {
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

    /// What the delivery says about its subscription rather than an event, such as a Twitch
    /// revocation; see [`Verifier::notice`].
    #[must_use]
    pub const fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    /// The metadata and the body.
    #[must_use]
    pub fn into_parts(self) -> (Verified, Bytes) {
        (self.verified, self.body)
    }
}

impl<K> Clone for VerifiedWebhook<K> {
    fn clone(&self) -> Self {
        Self {
            verified: self.verified.clone(),
            body: self.body.clone(),
            notice: self.notice.clone(),
            key: PhantomData,
        }
    }
}

impl<K> fmt::Debug for VerifiedWebhook<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedWebhook")
            .field("verified", &self.verified)
            .field("body", &self.body.len())
            .field("notice", &self.notice)
            .finish()
    }
}

impl<S, K> FromRequest<S> for VerifiedWebhook<K>
where
    S: Send + Sync,
    K: FromRef<S> + Into<Verifier>,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let timer = Timer::start();
        let verifier: Verifier = K::from_ref(state).into();
        let webhook = Self::verify(request, &verifier, timer).await?;
        hookverify_core::log::verified(&webhook.verified, verifier.scheme().name(), timer);
        Ok(webhook)
    }
}

impl<K> VerifiedWebhook<K> {
    /// Verifies `request` with `verifier` within the limits of the request's
    /// [`WebhookConfig`], answering handshakes; rejections are logged and counted, a verified
    /// delivery is left to the caller to count.
    async fn verify(
        request: Request,
        verifier: &Verifier,
        timer: Timer,
    ) -> Result<Self, WebhookRejection> {
        let limits = request
            .extensions()
            .get::<WebhookConfig>()
            .map(|config| config.limits.clone())
            .unwrap_or_default();
        let scheme = verifier.scheme().name();
        let reject = |error| {
            hookverify_core::log::rejection(&error, scheme, limits.log_level, timer);
            WebhookRejection::Verify(error)
        };
        let answer = |answer: HandshakeAnswer| {
            hookverify_core::log::handshake(&answer, scheme, timer);
            WebhookRejection::Handshake(answer)
        };
        if let Some(outcome) =
            verifier.unsigned_handshake(request.method().as_str(), request.uri().query())
        {
            return Err(outcome.map_or_else(reject, answer));
        }
        let head = crate::service::core_request(
            request.method(),
            request.uri(),
            request.headers(),
            request.extensions(),
        );
        let buffered = limits
            .begin(verifier, head, request.body())
            .map_err(reject)?;
        let (parts, body) = request.into_parts();
        let (verified, body) = crate::buffer::read(body, buffered, &limits)
            .await
            .map_err(reject)?;
        if let Some(outcome) = verifier.signed_handshake(&verified, &parts.headers, &body) {
            return Err(outcome.map_or_else(reject, answer));
        }
        let notice = verifier.notice(&parts.headers, &body);
        Ok(Self {
            verified,
            body,
            notice,
            key: PhantomData,
        })
    }
}

/// A delivery verified in the handler, as [`VerifiedWebhook`], and then claimed by the
/// replay [`Guard`] the router state hands out: the handler runs once per delivery (and, with
/// [`Guard::idempotency`], once per event).
///
/// A duplicate is answered 200 without running the handler, a delivery whose twin is in
/// flight 409, and a failing store 503 ([`WebhookRejection::Refused`]). Otherwise the handler
/// gets the delivery with its claim, and answers through [`finish`](Self::finish): the claim
/// is committed when the response is 2xx and released otherwise, so the provider's retry is
/// handled. A `GuardedWebhook` dropped without `finish` (an early return, a panic) releases
/// its claim, as a failure does.
///
/// The state hands out the verifier (`K: FromRef<S> + Into<Verifier>`, as for
/// [`VerifiedWebhook`]) and the guard (`Guard: FromRef<S>`), so a router without a guard in
/// its state does not compile.
///
/// # Example
///
/// ```
/// use axum::{Router, extract::FromRef, response::IntoResponse, routing::post};
/// use hookverify_core::Verifier;
/// use hookverify_replay::Guard;
/// use hookverify_tower::axum::GuardedWebhook;
///
/// #[derive(Clone)]
/// struct AppState {
///     stripe: Verifier,
///     guard: Guard,
/// }
/// impl FromRef<AppState> for Verifier {
///     fn from_ref(state: &AppState) -> Self {
///         state.stripe.clone()
///     }
/// }
/// impl FromRef<AppState> for Guard {
///     fn from_ref(state: &AppState) -> Self {
///         state.guard.clone()
///     }
/// }
///
/// async fn stripe_event(webhook: GuardedWebhook) -> axum::response::Response {
///     let answer = format!("{} bytes", webhook.body().len());
///     webhook.finish(answer).await
/// }
///
/// let state = AppState {
///     stripe: Verifier::stripe("whsec_test-only-secret")?,
///     guard: Guard::in_memory().idempotency(),
/// };
/// let app: Router = Router::new()
///     .route("/webhooks/stripe", post(stripe_event))
///     .with_state(state);
/// # let _ = app;
/// # Ok::<(), hookverify_core::ConfigError>(())
/// ```
pub struct GuardedWebhook<K = Verifier> {
    webhook: VerifiedWebhook<K>,
    ticket: Ticket,
}

impl<K> GuardedWebhook<K> {
    /// What the verification established.
    #[must_use]
    pub const fn verified(&self) -> &Verified {
        &self.webhook.verified
    }

    /// The raw body, exactly as signed.
    #[must_use]
    pub const fn body(&self) -> &Bytes {
        &self.webhook.body
    }

    /// What the delivery says about its subscription rather than an event; see
    /// [`Verifier::notice`].
    #[must_use]
    pub const fn notice(&self) -> Option<&Notice> {
        self.webhook.notice.as_ref()
    }

    /// What the guard knows of the delivery: its key, its event id, whether it was seen.
    #[must_use]
    pub fn delivery(&self) -> &Delivery {
        self.ticket.delivery()
    }

    /// Answers with `response`, committing the claim when its status is 2xx and releasing
    /// it otherwise (the provider's retry is then handled).
    pub async fn finish(self, response: impl IntoResponse) -> Response {
        let response = response.into_response();
        self.ticket.settle(response.status().is_success()).await;
        response
    }
}

impl<K> fmt::Debug for GuardedWebhook<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GuardedWebhook")
            .field("webhook", &self.webhook)
            .field("delivery", self.ticket.delivery())
            .finish()
    }
}

impl<S, K> FromRequest<S> for GuardedWebhook<K>
where
    S: Send + Sync,
    K: FromRef<S> + Into<Verifier>,
    Guard: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let timer = Timer::start();
        let verifier: Verifier = K::from_ref(state).into();
        let webhook = VerifiedWebhook::<K>::verify(request, &verifier, timer).await?;
        let scheme = verifier.scheme().name();
        match Guard::from_ref(state)
            .admit(&verifier, &webhook.verified, &webhook.body)
            .await
        {
            Admission::Proceed(ticket) => {
                hookverify_core::log::verified(&webhook.verified, scheme, timer);
                Ok(Self { webhook, ticket })
            }
            Admission::Refuse(refusal) => {
                hookverify_core::log::answered(refusal.outcome(), scheme, timer);
                Err(WebhookRejection::Refused(refusal))
            }
        }
    }
}

/// Verifies as [`VerifiedWebhook<K>`] does, then parses the verified body with `parse`.
async fn parsed<S, K, T>(
    request: Request,
    state: &S,
    parse: fn(&[u8]) -> Result<T, FormatError>,
) -> Result<T, WebhookRejection>
where
    S: Send + Sync,
    K: FromRef<S> + Into<Verifier>,
{
    let level = request
        .extensions()
        .get::<WebhookConfig>()
        .map_or(hookverify_core::log::DEFAULT_REJECTION_LEVEL, |config| {
            config.limits.log_level
        });
    let webhook = VerifiedWebhook::<K>::from_request(request, state).await?;
    parse(webhook.body()).map_err(|error| {
        hookverify_core::log::unparsable(&error, webhook.verified().scheme(), level);
        WebhookRejection::Format(error)
    })
}

/// Declares a typed extractor that verifies, then parses the verified body.
macro_rules! typed_extractor {
    (
        $(#[$meta:meta])*
        $name:ident, $parse:path
    ) => {
        $(#[$meta])*
        #[allow(
            clippy::exhaustive_structs,
            reason = "a newtype extractor, destructured in handler arguments like axum's Json"
        )]
        pub struct $name<T, K = Verifier>(pub T, pub PhantomData<fn() -> K>);

        impl<T, K> $name<T, K> {
            /// The parsed body.
            pub fn into_inner(self) -> T {
                self.0
            }
        }

        impl<T: fmt::Debug, K> fmt::Debug for $name<T, K> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0).finish()
            }
        }

        impl<T: Clone, K> Clone for $name<T, K> {
            fn clone(&self) -> Self {
                Self(self.0.clone(), PhantomData)
            }
        }

        impl<S, T, K> FromRequest<S> for $name<T, K>
        where
            S: Send + Sync,
            K: FromRef<S> + Into<Verifier>,
            T: DeserializeOwned,
        {
            type Rejection = WebhookRejection;

            async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
                let value = parsed::<S, K, T>(request, state, $parse).await?;
                Ok(Self(value, PhantomData))
            }
        }
    };
}

typed_extractor! {
    /// A verified delivery whose body is deserialized from JSON, after verification.
    ///
    /// Verifies exactly as [`VerifiedWebhook`] does (from `K`, [`Verifier`] by default);
    /// then a body that is not JSON for `T` is rejected with 400. The `Content-Type` is not
    /// checked: providers send JSON as `text/plain` too.
    ///
    /// ```
    /// use hookverify_tower::axum::VerifiedJson;
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize)]
    /// struct Event {
    ///     r#type: String,
    /// }
    ///
    /// async fn stripe_event(VerifiedJson(event, ..): VerifiedJson<Event>) -> String {
    ///     event.r#type
    /// }
    /// # let _ = stripe_event;
    /// ```
    VerifiedJson, hookverify_core::format::from_json
}

#[cfg(feature = "form")]
typed_extractor! {
    /// A verified delivery whose `application/x-www-form-urlencoded` body is deserialized, after
    /// verification, with `serde_html_form` (a repeated key fills a `Vec`): Twilio's
    /// requests, Slack's slash commands. A body that is not a form for `T` is rejected with 400.
    ///
    /// ```
    /// use hookverify_tower::axum::VerifiedForm;
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize)]
    /// struct Sms {
    ///     #[serde(rename = "MessageSid")]
    ///     message_sid: String,
    /// }
    ///
    /// async fn twilio_sms(VerifiedForm(sms, ..): VerifiedForm<Sms>) -> String {
    ///     sms.message_sid
    /// }
    /// # let _ = twilio_sms;
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "form")))]
    VerifiedForm, hookverify_core::format::from_form
}

#[cfg(feature = "form")]
typed_extractor! {
    /// A verified Slack interactivity request (`payload=<JSON>` as a form: block actions,
    /// view submissions, shortcuts), whose payload is deserialized after verification. A form
    /// without exactly one `payload`, or a payload that is not JSON for `T`, is rejected with
    /// 400.
    #[cfg_attr(docsrs, doc(cfg(feature = "form")))]
    VerifiedSlackPayload, hookverify_core::format::from_slack_payload
}

#[cfg(feature = "xml")]
typed_extractor! {
    /// A verified delivery whose XML body is deserialized, after verification, with
    /// `quick-xml`: document type declarations are refused and nesting is bounded (see
    /// [`hookverify_core::format::from_xml`]). A body that is not XML for `T` is rejected with
    /// 400.
    #[cfg_attr(docsrs, doc(cfg(feature = "xml")))]
    VerifiedXml, hookverify_core::format::from_xml
}

/// How the verifying extractors read a body: its limit, its deadline, and the budget all bodies
/// in flight share. Put it in the request's extensions with axum's `Extension` layer (on the
/// router or a route); without one, the limit is
/// [`DEFAULT_MAX_BODY_SIZE`](crate::DEFAULT_MAX_BODY_SIZE), with no deadline and no budget.
///
/// The extractors read the body as the layer does: a `Content-Length` over the limit is
/// answered 413 before a byte is read, the buffer grows with what arrives, a body still
/// incomplete at the deadline is answered 408, and a full budget 503. (axum's
/// `DefaultBodyLimit` does not apply to them.)
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use axum::{Extension, Router, routing::post};
/// use hookverify_core::{BodyBudget, Verifier};
/// use hookverify_tower::axum::{VerifiedWebhook, WebhookConfig};
///
/// async fn github_event(webhook: VerifiedWebhook) -> String {
///     format!("{} bytes", webhook.body().len())
/// }
///
/// let limits = WebhookConfig::default()
///     .max_body_size(25 * 1024 * 1024)
///     .body_timeout(Duration::from_secs(20))
///     .body_budget(BodyBudget::new(256 * 1024 * 1024));
/// let app: Router = Router::new()
///     .route("/webhooks/github", post(github_event))
///     .with_state(Verifier::github("test-only-secret")?)
///     .layer(Extension(limits));
/// # let _ = app;
/// # Ok::<(), hookverify_core::ConfigError>(())
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct WebhookConfig {
    limits: BodyLimits,
}

impl WebhookConfig {
    /// The largest body accepted, in bytes (default
    /// [`DEFAULT_MAX_BODY_SIZE`](crate::DEFAULT_MAX_BODY_SIZE)); 413 beyond it.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.limits.max_body_size = bytes;
        self
    }

    /// How long the body may take to arrive once the headers are in (default: no deadline);
    /// 408 after it, with the buffer freed. Needs a Tokio runtime with its timer.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.limits.timeout = Some(timeout);
        self
    }

    /// Charges buffered bodies to `budget`, shared with every layer and extractor given a clone
    /// of it (default: none); 503 once it is full. See [`BodyBudget`].
    pub fn body_budget(mut self, budget: BodyBudget) -> Self {
        self.limits.budget = Some(budget);
        self
    }

    /// The level rejections are logged at (default DEBUG); see
    /// [`VerifyWebhookLayer::log_rejections_at`](crate::VerifyWebhookLayer::log_rejections_at).
    pub fn log_rejections_at(mut self, level: tracing::Level) -> Self {
        self.limits.log_level = level;
        self
    }
}

/// Why a webhook extractor rejected a request.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// The delivery failed verification, or its body could not be read within the limits
    /// (413, 408, 503, 400); the status follows [`crate::status_code`].
    Verify(VerifyError),
    /// The verified body does not parse as the handler's type (400).
    Format(FormatError),
    /// Not a failure: the request is a provider's endpoint check, answered exactly as core
    /// decided (usually 200) in the handler's place. See [`Handshake`](hookverify_core::Handshake).
    Handshake(HandshakeAnswer),
    /// [`VerifiedDelivery`] was used on a route without
    /// [`VerifyWebhookLayer`](crate::VerifyWebhookLayer) (500).
    MissingLayer,
    /// Not a failure either: [`GuardedWebhook`]'s guard refused a verified delivery — a
    /// duplicate (200, so the provider stops retrying), one whose twin is in flight (409) or
    /// one the store could not check (503) — and answers in the handler's place.
    Refused(Refusal),
}

impl WebhookRejection {
    /// The HTTP status of the rejection.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Verify(error) => crate::status_code(error),
            Self::Format(_) => StatusCode::BAD_REQUEST,
            Self::MissingLayer => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Refused(refusal) => {
                StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::OK)
            }
            Self::Handshake(answer) => {
                StatusCode::from_u16(answer.status()).unwrap_or(StatusCode::OK)
            }
        }
    }

    /// The plain-text body of the rejection.
    #[must_use]
    pub fn body_text(&self) -> String {
        match self {
            Self::Verify(error) => error.public_message().into_owned(),
            Self::Format(error) => error.to_string(),
            Self::MissingLayer => {
                "webhook verification is not configured for this route".to_owned()
            }
            Self::Handshake(answer) => String::from_utf8_lossy(answer.body()).into_owned(),
            Self::Refused(refusal) => refusal.public_message().to_owned(),
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
            Self::Format(error) => Some(error),
            Self::Refused(Refusal::Unavailable(error)) => Some(error),
            Self::MissingLayer | Self::Handshake(_) | Self::Refused(_) => None,
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
        if let Self::Handshake(answer) = self {
            return crate::rejection::handshake_response(answer);
        }
        let mut response = (self.status(), self.body_text()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        match self {
            Self::Verify(error) => {
                response.extensions_mut().insert(error);
            }
            Self::Refused(refusal) => {
                response.extensions_mut().insert(refusal);
            }
            _ => {}
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
                WebhookRejection::Format(FormatError::InvalidJson("expected value".to_owned())),
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
