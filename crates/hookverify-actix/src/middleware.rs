//! [`VerifyWebhook`] (the `Transform`) and [`VerifyWebhookMiddleware`] (its service).

use std::fmt;
use std::future::{Ready, ready};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::{Error, HttpMessage as _, HttpRequest, HttpResponse, ResponseError as _};
use futures_core::future::LocalBoxFuture;
use hookverify_core::log::Timer;
use hookverify_core::{BodyBudget, HandshakeAnswer, Verifier, VerifyError};
use hookverify_replay::{Admission, Guard, KeySource, Refusal, Tenants};

use crate::WebhookError;
use crate::body::BodyLimits;
use crate::error::answer_response;

type ErrorHandler = dyn Fn(VerifyError, &HttpRequest) -> HttpResponse + Send + Sync;

/// Middleware that verifies webhook deliveries before the handler runs; use it with
/// `App::wrap`, `Scope::wrap` or `Resource::wrap`.
///
/// For each request, in this order:
///
/// 1. The headers are checked with [`Verifier::begin`]. A missing, malformed or stale signature
///    is answered at once (401; 400 for a malformed header): the payload is never read and the
///    handler never runs.
/// 2. A `Content-Length` over the limit is answered with 413, unread; so is a delivery while the
///    shared [`BodyBudget`] (if one is set) is full, with 503.
/// 3. The payload is streamed through the MAC and kept (one copy); 413 as soon as it passes the
///    limit, 400 if the stream fails, 408 if the body deadline (if one is set) passes first.
/// 4. A mismatch is answered with 401. A verified request reaches the handler with its payload
///    as if untouched, so `web::Bytes`, `web::Json<T>` and `String` extractors all work, and the
///    [`Verified`](hookverify_core::Verified) metadata is in the request extensions (read it with
///    [`VerifiedDelivery`](crate::VerifiedDelivery)).
///
/// Rejections are logged through `tracing` at WARN under the target `hookverify::rejection`.
///
/// # Ordering
///
/// In actix-web the last `.wrap()` runs first. Verification needs the raw bytes exactly as they
/// arrived, so wrap it after (outside) any middleware that decompresses or rewrites payloads.
///
/// # Examples
///
/// ```
/// use actix_web::{App, web};
/// use hookverify_actix::VerifyWebhook;
/// use hookverify_core::Verifier;
///
/// let verifier = Verifier::github("test-only-secret")?;
/// let app = App::new().service(
///     web::resource("/webhooks/github")
///         .wrap(VerifyWebhook::new(verifier))
///         .route(web::post().to(|body: web::Bytes| async move { format!("{} bytes", body.len()) })),
/// );
/// # let _ = app;
/// # Ok::<(), hookverify_core::ConfigError>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct VerifyWebhook {
    config: Config,
}

/// What the middleware factory hands to each worker's service.
#[derive(Clone)]
struct Config {
    keys: KeySource,
    limits: BodyLimits,
    error_handler: Option<Arc<ErrorHandler>>,
    guard: Option<Guard>,
}

impl VerifyWebhook {
    /// Middleware verifying deliveries with `verifier`, with a 2 MiB body limit, no body
    /// deadline and no shared budget. Timestamps are checked against the verifier's clock
    /// ([`Verifier::now`]).
    pub fn new(verifier: Verifier) -> Self {
        Self::with_keys(KeySource::One(verifier))
    }

    /// Middleware for a route that receives the deliveries of many tenants, each verified with
    /// its own keys: [`Tenants`] names the tenant of each request and loads (and caches) its
    /// verifier. Before anything else the middleware looks the tenant up: a request naming no
    /// known tenant is answered 401, and one whose keys cannot be loaded now 503 (never 401:
    /// the provider retries). Then everything goes as with [`new`](Self::new), with the
    /// tenant's verifier.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{App, web};
    /// use hookverify_actix::VerifyWebhook;
    /// use hookverify_core::{Scheme, Verifier};
    /// use hookverify_replay::{Head, Tenants};
    ///
    /// let tenants = Tenants::new(
    ///     Scheme::stripe(),
    ///     |head: &Head<'_>| head.path().strip_prefix("/stripe/").map(str::to_owned),
    ///     |tenant: String| async move {
    ///         // Look the tenant's secret up in the database.
    ///         let secret = (tenant == "acme").then_some("whsec_test_only_acme");
    ///         secret.map(Verifier::stripe).transpose()
    ///     },
    /// );
    /// let app = App::new().service(
    ///     web::resource("/stripe/{tenant}")
    ///         .wrap(VerifyWebhook::for_tenants(tenants))
    ///         .route(web::post().to(|| async { "ok" })),
    /// );
    /// # let _ = app;
    /// ```
    pub fn for_tenants(tenants: Tenants) -> Self {
        Self::with_keys(KeySource::PerTenant(tenants))
    }

    fn with_keys(keys: KeySource) -> Self {
        Self {
            config: Config {
                keys,
                limits: BodyLimits::default(),
                error_handler: None,
                guard: None,
            },
        }
    }

    /// The largest payload accepted, in bytes (default
    /// [`DEFAULT_MAX_BODY_SIZE`](crate::DEFAULT_MAX_BODY_SIZE)).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.config.limits.max_body_size = bytes;
        self
    }

    /// How long the payload may take to arrive once the headers are in (default: no
    /// deadline). A payload still incomplete then is answered with 408, its buffer is freed and
    /// the connection is closed. actix-web itself bounds only the headers
    /// (`client_request_timeout`), never the body.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.config.limits.timeout = Some(timeout);
        self
    }

    /// Charges the payloads this middleware buffers to `budget`, shared with every other route
    /// and worker given a clone of it (default: none). Once the deliveries in flight hold the
    /// whole budget, new ones are answered with 503 before their payloads are read; see
    /// [`BodyBudget`].
    pub fn body_budget(mut self, budget: BodyBudget) -> Self {
        self.config.limits.budget = Some(budget);
        self
    }

    /// The level rejections are logged at, under the target `hookverify::rejection` (default
    /// DEBUG: on a public endpoint they are frequent and chosen by whoever sends them). Each
    /// line has the scheme, the status and a fixed reason, never a value from the request; see
    /// [`hookverify_core::log`].
    pub fn log_rejections_at(mut self, level: tracing::Level) -> Self {
        self.config.limits.log_level = level;
        self
    }

    /// Guards the route against replays, and with [`Guard::idempotency`] runs the handler once
    /// per event (default: no guard). A verified delivery is claimed in the guard's store
    /// before the handler runs, with the guard's [`Delivery`](hookverify_replay::Delivery) in
    /// the request's extensions; the claim is committed when the handler answers 2xx and
    /// released otherwise. A duplicate is answered 200, a delivery whose twin is in flight
    /// 409, and a failing store 503, without running the handler; see [`Guard`].
    pub fn replay(mut self, guard: Guard) -> Self {
        self.config.guard = Some(guard);
        self
    }

    /// Replaces the response sent for rejected deliveries, like `JsonConfig::error_handler`.
    /// The default is the error's status with its message as `text/plain`.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use hookverify_actix::VerifyWebhook;
    /// use hookverify_core::Verifier;
    ///
    /// let middleware = VerifyWebhook::new(Verifier::github("test-only-secret")?)
    ///     .error_handler(|_error, _request| HttpResponse::Forbidden().finish());
    /// # let _ = middleware;
    /// # Ok::<(), hookverify_core::ConfigError>(())
    /// ```
    pub fn error_handler<F>(mut self, handler: F) -> Self
    where
        F: Fn(VerifyError, &HttpRequest) -> HttpResponse + Send + Sync + 'static,
    {
        self.config.error_handler = Some(Arc::new(handler));
        self
    }
}

impl fmt::Debug for VerifyWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyWebhook")
            .field("keys", &self.config.keys)
            .field("limits", &self.config.limits)
            .field("error_handler", &self.config.error_handler.is_some())
            .field("guard", &self.config.guard)
            .finish_non_exhaustive()
    }
}

impl<S, B> Transform<S, ServiceRequest> for VerifyWebhook
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = VerifyWebhookMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(VerifyWebhookMiddleware {
            service: Rc::new(service),
            config: Rc::new(self.config.clone()),
        }))
    }
}

/// The service [`VerifyWebhook`] wraps around a handler; see [`VerifyWebhook`].
pub struct VerifyWebhookMiddleware<S> {
    service: Rc<S>,
    config: Rc<Config>,
}

impl<S> fmt::Debug for VerifyWebhookMiddleware<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyWebhookMiddleware")
            .field("keys", &self.config.keys)
            .finish_non_exhaustive()
    }
}

impl<S, B> Service<ServiceRequest> for VerifyWebhookMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let timer = Timer::start();
        let config = Rc::clone(&self.config);
        let service = Rc::clone(&self.service);

        // 0. The route's keys: its verifier, or this tenant's, at once from the cache or by
        //    waiting for the resolver.
        let lookup = config
            .keys
            .lookup(&crate::head::tenant_head(request.head()))
            .now();
        match lookup {
            Ok(Ok(verifier)) => verify(service, config, verifier, request, timer),
            Ok(Err(error)) => Box::pin(ready(Ok(reject(
                request,
                error,
                &config,
                config.keys.scheme(),
                timer,
            )))),
            Err(lookup) => Box::pin(async move {
                match lookup.await {
                    Ok(verifier) => verify(service, config, verifier, request, timer).await,
                    Err(error) => Ok(reject(request, error, &config, config.keys.scheme(), timer)),
                }
            }),
        }
    }
}

/// Verifies `request` with `verifier` and, when it verified, hands it to `service`.
fn verify<S, B>(
    service: Rc<S>,
    config: Rc<Config>,
    verifier: Verifier,
    mut request: ServiceRequest,
    timer: Timer,
) -> LocalBoxFuture<'static, Result<ServiceResponse<EitherBody<B>>, Error>>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    let scheme = verifier.scheme().name();

    // 1. An unsigned handshake (Meta's, Dropbox's, Graph's) is answered from its method and
    //    query alone; the handler never sees it.
    if let Some(outcome) =
        verifier.unsigned_handshake(request.method().as_str(), request.uri().query())
    {
        return Box::pin(ready(Ok(match outcome {
            Ok(answer) => answered(request, answer, scheme, timer),
            Err(error) => reject(request, error, &config, scheme, timer),
        })));
    }

    // 2. The head alone: unsigned, malformed and stale deliveries stop here, unread; nor is
    //    a payload announced larger than the limit, nor one the budget has no room for.
    let body = match config.limits.begin(&verifier, request.head()) {
        Ok(body) => body,
        Err(error) => {
            return Box::pin(ready(Ok(reject(request, error, &config, scheme, timer))));
        }
    };

    // 3. Stream the payload through the MAC; answer a signed handshake, or hand the payload
    //    on as if untouched.
    Box::pin(async move {
        let scheme = verifier.scheme().name();
        let payload = request.take_payload();
        let (verified, bytes) = match config.limits.read(body, payload).await {
            Ok(done) => done,
            Err(error) => return Ok(reject(request, error, &config, scheme, timer)),
        };
        match verifier.signed_handshake(&verified, request.headers(), &bytes) {
            Some(Ok(answer)) => return Ok(answered(request, answer, scheme, timer)),
            Some(Err(error)) => return Ok(reject(request, error, &config, scheme, timer)),
            None => {}
        }
        if let Some(notice) = verifier.notice(request.headers(), &bytes) {
            request.extensions_mut().insert(notice);
        }
        let ticket = match &config.guard {
            Some(guard) => match guard.admit(&verifier, &verified, &bytes).await {
                Admission::Proceed(ticket) => {
                    request.extensions_mut().insert(ticket.delivery().clone());
                    Some(ticket)
                }
                Admission::Refuse(refusal) => {
                    return Ok(refuse(request, &refusal, scheme, timer));
                }
            },
            None => None,
        };
        hookverify_core::log::verified(&verified, scheme, timer);
        request.extensions_mut().insert(verified);
        request.set_payload(Payload::from(bytes));
        // A handler that fails or panics drops the ticket, which releases the claim.
        let response = service.call(request).await?;
        if let Some(ticket) = ticket {
            ticket.settle(response.status().is_success()).await;
        }
        Ok(response.map_into_left_body())
    })
}

/// Answers a handshake in the handler's place.
fn answered<B>(
    request: ServiceRequest,
    answer: HandshakeAnswer,
    scheme: &str,
    timer: Timer,
) -> ServiceResponse<EitherBody<B>> {
    hookverify_core::log::handshake(&answer, scheme, timer);
    let (http_request, _payload) = request.into_parts();
    ServiceResponse::new(http_request, answer_response(answer)).map_into_right_body()
}

/// The answer to a delivery the replay guard refused (200 duplicate, 409 in flight, 503 store
/// failed), with the [`Refusal`] in the response's extensions.
fn refuse<B>(
    request: ServiceRequest,
    refusal: &Refusal,
    scheme: &str,
    timer: Timer,
) -> ServiceResponse<EitherBody<B>> {
    hookverify_core::log::answered(refusal.outcome(), scheme, timer);
    let (http_request, _payload) = request.into_parts();
    let status = actix_web::http::StatusCode::from_u16(refusal.status())
        .unwrap_or(actix_web::http::StatusCode::OK);
    let mut response = HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(refusal.public_message());
    response.extensions_mut().insert(refusal.clone());
    ServiceResponse::new(http_request, response).map_into_right_body()
}

/// Logs a rejection and answers it, with the error in the response's extensions.
fn reject<B>(
    request: ServiceRequest,
    error: VerifyError,
    config: &Config,
    scheme: &str,
    timer: Timer,
) -> ServiceResponse<EitherBody<B>> {
    hookverify_core::log::rejection(&error, scheme, config.limits.log_level, timer);
    let (http_request, _payload) = request.into_parts();
    let mut response = match &config.error_handler {
        Some(handler) => handler(error.clone(), &http_request),
        None => WebhookError::Verify(error.clone()).error_response(),
    };
    response.extensions_mut().insert(error);
    ServiceResponse::new(http_request, response).map_into_right_body()
}
