//! Extractors: [`VerifiedDelivery`] behind the middleware; [`VerifiedWebhook`] and the typed
//! ones ([`VerifiedJson`], [`VerifiedForm`], [`VerifiedSlackPayload`], [`VerifiedXml`]) on their
//! own.

use std::fmt;
use std::future::{Ready, ready};
use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage as _, HttpRequest, HttpResponse, web};
use bytes::Bytes;
use futures_core::future::LocalBoxFuture;
use hookverify_core::format::FormatError;
use hookverify_core::log::Timer;
use hookverify_core::{HandshakeAnswer, Notice, Verified, Verifier, VerifyError};
use hookverify_replay::{Admission, Delivery, Guard, Ticket};
use serde::de::DeserializeOwned;
use tracing::Level;

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
/// The verifier is looked up in app data as `K` and then as `web::Data<K>` (500 when neither is
/// registered): `K` is [`Verifier`] itself by default, or a type of your own per provider
/// (`K: Into<Verifier>`) when one app registers several; see the [crate docs](crate). The headers are checked before the payload is read, so an
/// unsigned or stale delivery is rejected unread. The payload is then streamed through the MAC
/// under the route's [`WebhookConfig`] (2 MiB limit by default, 413 beyond; optional deadline,
/// 408; optional shared budget, 503), exactly as the [`VerifyWebhook`](crate::VerifyWebhook)
/// middleware reads it. Timestamps are checked against the verifier's clock
/// ([`Verifier::now`]). The verifier's [handshakes](hookverify_core::Handshake) are answered in
/// the handler's place (through [`WebhookError::Handshake`]): an unsigned one before the payload
/// is read, a signed one once it verified. Route the handshake's method to the handler too
/// (Meta's and Dropbox's are `GET`s).
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

impl<K: Into<Verifier> + Clone + 'static> FromRequest for VerifiedWebhook<K> {
    type Error = WebhookError;
    type Future = LocalBoxFuture<'static, Result<Self, WebhookError>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let timer = Timer::start();
        let Some(verifier) = verifier_of::<K>(request) else {
            return Box::pin(ready(Err(WebhookError::MissingVerifier)));
        };
        let verifying = Self::verify(request, payload, verifier.clone(), timer);
        Box::pin(async move {
            let webhook = verifying.await?;
            hookverify_core::log::verified(&webhook.verified, verifier.scheme().name(), timer);
            Ok(webhook)
        })
    }
}

impl<K: 'static> VerifiedWebhook<K> {
    /// Verifies the request with `verifier` within the route's [`WebhookConfig`], answering
    /// handshakes; rejections are logged and counted, a verified delivery is left to the
    /// caller to count.
    fn verify(
        request: &HttpRequest,
        payload: &mut Payload,
        verifier: Verifier,
        timer: Timer,
    ) -> LocalBoxFuture<'static, Result<Self, WebhookError>> {
        let limits = WebhookConfig::limits_of(request);
        let level = limits.log_level;
        if let Some(outcome) =
            verifier.unsigned_handshake(request.method().as_str(), request.uri().query())
        {
            return Box::pin(ready(Err(handshake(outcome, &verifier, level, timer))));
        }
        let body = match limits.begin(&verifier, request.head()) {
            Ok(body) => body,
            Err(error) => return Box::pin(ready(Err(rejected(error, &verifier, level, timer)))),
        };
        let payload = payload.take();
        // The request is shared (`Rc`): keeping it costs no copy of the headers.
        let request = request.clone();
        Box::pin(async move {
            let (verified, body) = limits
                .read(body, payload)
                .await
                .map_err(|error| rejected(error, &verifier, level, timer))?;
            if let Some(outcome) = verifier.signed_handshake(&verified, request.headers(), &body) {
                return Err(handshake(outcome, &verifier, level, timer));
            }
            let notice = verifier.notice(request.headers(), &body);
            Ok(Self {
                verified,
                body,
                notice,
                key: PhantomData,
            })
        })
    }
}

/// A delivery verified in the handler, as [`VerifiedWebhook`], and then claimed by the replay
/// [`Guard`] registered as app data (`Guard` or `web::Data<Guard>`; 500 when there is none):
/// the handler runs once per delivery (and, with [`Guard::idempotency`], once per event).
///
/// A duplicate is answered 200 without running the handler, a delivery whose twin is in
/// flight 409, and a failing store 503 ([`WebhookError::Refused`]). Otherwise the handler gets
/// the delivery with its claim, and answers through [`finish`](Self::finish): the claim is
/// committed when the response is 2xx and released otherwise, so the provider's retry is
/// handled. A `GuardedWebhook` dropped without `finish` (an early return, a panic) releases
/// its claim, as a failure does.
///
/// # Examples
///
/// ```
/// use actix_web::{App, HttpResponse, web};
/// use hookverify_actix::GuardedWebhook;
/// use hookverify_core::Verifier;
/// use hookverify_replay::Guard;
///
/// async fn stripe(webhook: GuardedWebhook) -> HttpResponse {
///     let answer = HttpResponse::Ok().body(format!("{} bytes", webhook.body().len()));
///     webhook.finish(answer).await
/// }
///
/// let app = App::new()
///     .app_data(web::Data::new(Verifier::stripe("whsec_test-only-secret")?))
///     .app_data(web::Data::new(Guard::in_memory().idempotency()))
///     .route("/webhooks/stripe", web::post().to(stripe));
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

    /// Answers with `response`, committing the claim when its status is 2xx and releasing it
    /// otherwise (the provider's retry is then handled).
    pub async fn finish(self, response: HttpResponse) -> HttpResponse {
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

impl<K: Into<Verifier> + Clone + 'static> FromRequest for GuardedWebhook<K> {
    type Error = WebhookError;
    type Future = LocalBoxFuture<'static, Result<Self, WebhookError>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let timer = Timer::start();
        let Some(verifier) = verifier_of::<K>(request) else {
            return Box::pin(ready(Err(WebhookError::MissingVerifier)));
        };
        let Some(guard) = app_data::<Guard>(request) else {
            return Box::pin(ready(Err(WebhookError::MissingGuard)));
        };
        let verifying = VerifiedWebhook::<K>::verify(request, payload, verifier.clone(), timer);
        Box::pin(async move {
            let webhook = verifying.await?;
            let scheme = verifier.scheme().name();
            match guard
                .admit(&verifier, &webhook.verified, &webhook.body)
                .await
            {
                Admission::Proceed(ticket) => {
                    hookverify_core::log::verified(&webhook.verified, scheme, timer);
                    Ok(Self { webhook, ticket })
                }
                Admission::Refuse(refusal) => {
                    hookverify_core::log::answered(refusal.outcome(), scheme, timer);
                    Err(WebhookError::Refused(refusal))
                }
            }
        })
    }
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
            reason = "a newtype extractor, destructured in handler arguments like web::Json"
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

        impl<T, K> FromRequest for $name<T, K>
        where
            T: DeserializeOwned + 'static,
            K: Into<Verifier> + Clone + 'static,
        {
            type Error = WebhookError;
            type Future = LocalBoxFuture<'static, Result<Self, WebhookError>>;

            fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let level = WebhookConfig::limits_of(request).log_level;
                let webhook = VerifiedWebhook::<K>::from_request(request, payload);
                Box::pin(async move {
                    let webhook = webhook.await?;
                    $parse(webhook.body())
                        .map(|value| Self(value, PhantomData))
                        .map_err(|error| unparsable(error, webhook.verified(), level))
                })
            }
        }
    };
}

typed_extractor! {
    /// A delivery verified in the handler whose body is deserialized from JSON, after
    /// verification.
    ///
    /// Verifies exactly as [`VerifiedWebhook`] does (with `K`, [`Verifier`] by default); then a
    /// body that is not JSON for `T` is rejected with 400. The `Content-Type` is not checked:
    /// providers send JSON as `text/plain` too. This is all a Stripe handler needs:
    ///
    /// ```
    /// use actix_web::{App, HttpResponse, web};
    /// use hookverify_actix::VerifiedJson;
    /// use hookverify_core::Verifier;
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize)]
    /// struct Event {
    ///     r#type: String,
    /// }
    ///
    /// async fn stripe(VerifiedJson(event, ..): VerifiedJson<Event>) -> HttpResponse {
    ///     HttpResponse::Ok().body(event.r#type)
    /// }
    ///
    /// let app = App::new()
    ///     .app_data(web::Data::new(Verifier::stripe("whsec_test-only-secret")?))
    ///     .route("/webhooks/stripe", web::post().to(stripe));
    /// # let _ = app;
    /// # Ok::<(), hookverify_core::ConfigError>(())
    /// ```
    VerifiedJson, hookverify_core::format::from_json
}

#[cfg(feature = "form")]
typed_extractor! {
    /// A delivery verified in the handler whose `application/x-www-form-urlencoded` body is
    /// deserialized, after verification, with `serde_html_form` (a repeated key fills a `Vec`):
    /// Twilio's requests, Slack's slash commands. A body that is not a form for `T` is rejected
    /// with 400.
    #[cfg_attr(docsrs, doc(cfg(feature = "form")))]
    VerifiedForm, hookverify_core::format::from_form
}

#[cfg(feature = "form")]
typed_extractor! {
    /// A verified Slack interactivity request (`payload=<JSON>` as a form), whose payload is
    /// deserialized after verification. A form without exactly one `payload`, or a payload that
    /// is not JSON for `T`, is rejected with 400.
    #[cfg_attr(docsrs, doc(cfg(feature = "form")))]
    VerifiedSlackPayload, hookverify_core::format::from_slack_payload
}

#[cfg(feature = "xml")]
typed_extractor! {
    /// A delivery verified in the handler whose XML body is deserialized, after verification,
    /// with `quick-xml`: document type declarations are refused and nesting is bounded (see
    /// [`hookverify_core::format::from_xml`]). A body that is not XML for `T` is rejected with
    /// 400.
    #[cfg_attr(docsrs, doc(cfg(feature = "xml")))]
    VerifiedXml, hookverify_core::format::from_xml
}

/// The verifier registered as app data, as `K` or as `web::Data<K>`.
fn verifier_of<K: Into<Verifier> + Clone + 'static>(request: &HttpRequest) -> Option<Verifier> {
    app_data::<K>(request).map(Into::into)
}

/// A `T` registered as app data, as `T` or as `web::Data<T>`.
fn app_data<T: Clone + 'static>(request: &HttpRequest) -> Option<T> {
    request.app_data::<T>().cloned().or_else(|| {
        request
            .app_data::<web::Data<T>>()
            .map(|data| data.get_ref().clone())
    })
}

/// A rejection, logged at `level`.
fn rejected(error: VerifyError, verifier: &Verifier, level: Level, timer: Timer) -> WebhookError {
    hookverify_core::log::rejection(&error, verifier.scheme().name(), level, timer);
    WebhookError::Verify(error)
}

/// A handshake's answer, or why it was refused.
fn handshake(
    outcome: Result<HandshakeAnswer, VerifyError>,
    verifier: &Verifier,
    level: Level,
    timer: Timer,
) -> WebhookError {
    match outcome {
        Ok(answer) => {
            hookverify_core::log::handshake(&answer, verifier.scheme().name(), timer);
            WebhookError::Handshake(answer)
        }
        Err(error) => rejected(error, verifier, level, timer),
    }
}

/// A verified body that did not parse as the handler's type.
fn unparsable(error: FormatError, verified: &Verified, level: Level) -> WebhookError {
    hookverify_core::log::unparsable(&error, verified.scheme(), level);
    WebhookError::Format(error)
}
