//! [`VerifyWebhookLayer`]: the layer's configuration.

use std::fmt;
use std::time::Duration;

use hookverify_core::{BodyBudget, Verifier};
use hookverify_replay::{Guard, KeySource, Tenants};
use tower_layer::Layer;

use crate::buffer::BodyLimits;
use crate::{DefaultRejectionResponse, VerifyWebhook};

/// A [`Layer`] that verifies webhook deliveries before the inner service sees them.
///
/// See the [crate docs](crate) for the behaviour and an example.
#[derive(Clone)]
#[must_use]
pub struct VerifyWebhookLayer<R = DefaultRejectionResponse> {
    config: Config,
    rejection: R,
}

/// What a layer and its services share.
#[derive(Clone)]
pub(crate) struct Config {
    pub(crate) keys: KeySource,
    pub(crate) limits: BodyLimits,
    pub(crate) guard: Option<Guard>,
}

impl VerifyWebhookLayer {
    /// A layer verifying deliveries with `verifier`, with a 2 MiB body limit, no body deadline,
    /// no shared body budget and [`DefaultRejectionResponse`]. Timestamps are checked against
    /// the verifier's clock ([`Verifier::now`]).
    pub fn new(verifier: Verifier) -> Self {
        Self::with_keys(KeySource::One(verifier))
    }

    /// A layer for a route that receives the deliveries of many tenants, each verified with
    /// its own keys: [`Tenants`] names the tenant of each request and loads (and caches) its
    /// verifier. Before anything else, the layer looks the tenant up: a request naming no
    /// known tenant is answered 401, and one whose keys cannot be loaded now 503 (never 401:
    /// the provider retries). Then everything goes as with [`new`](Self::new), with the
    /// tenant's verifier.
    ///
    /// # Examples
    ///
    /// ```
    /// use axum::{Router, routing::post};
    /// use hookverify_core::{Scheme, Verifier};
    /// use hookverify_replay::{Head, Tenants};
    /// use hookverify_tower::VerifyWebhookLayer;
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
    /// let app: Router = Router::new()
    ///     .route("/stripe/{tenant}", post(|| async { "ok" }))
    ///     .route_layer(VerifyWebhookLayer::for_tenants(tenants));
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
                guard: None,
            },
            rejection: DefaultRejectionResponse,
        }
    }
}

impl<R> VerifyWebhookLayer<R> {
    /// The largest body accepted, in bytes (default
    /// [`DEFAULT_MAX_BODY_SIZE`](crate::DEFAULT_MAX_BODY_SIZE)). A larger
    /// `Content-Length` is rejected with 413 before the body is read; a body that grows past the
    /// limit while streaming is rejected with 413 as soon as it does.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.config.limits.max_body_size = bytes;
        self
    }

    /// How long the body may take to arrive, counted from when the layer sees the headers
    /// (default: no deadline). A body still incomplete then is answered with 408 and its buffer
    /// is freed; the connection is closed, since the rest of the body was not read.
    ///
    /// The deadline is a Tokio timer: the service must run on a Tokio runtime with the time
    /// driver enabled (as `#[tokio::main]` and `axum::serve` do).
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.config.limits.timeout = Some(timeout);
        self
    }

    /// Charges the bodies this layer buffers to `budget`, shared with every other layer (or
    /// actix middleware) given a clone of it (default: no shared budget). Once the deliveries in
    /// flight hold the whole budget, new ones are answered with 503 before their bodies are
    /// read, and a body piece that does not fit is answered with 503; see [`BodyBudget`].
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

    /// Guards the route against replays, and with [`Guard::idempotency`] runs the inner service
    /// once per event (default: no guard). A verified delivery is claimed in the guard's store
    /// before the inner service sees it, with the guard's
    /// [`Delivery`](hookverify_replay::Delivery) in its extensions; the claim is committed when
    /// the service answers 2xx and released otherwise. A duplicate is answered 200, a
    /// delivery whose twin is in flight 409, and a failing store 503, without calling the
    /// service; see [`Guard`].
    pub fn replay(mut self, guard: Guard) -> Self {
        self.config.guard = Some(guard);
        self
    }

    /// Replaces the response sent for rejected deliveries; see
    /// [`RejectionResponse`](crate::RejectionResponse).
    pub fn with_rejection_response<R2>(self, rejection: R2) -> VerifyWebhookLayer<R2> {
        VerifyWebhookLayer {
            config: self.config,
            rejection,
        }
    }

    /// The verifier deliveries are checked with; `None` for a layer
    /// [`for_tenants`](VerifyWebhookLayer::for_tenants).
    #[must_use]
    pub fn verifier(&self) -> Option<&Verifier> {
        self.config.keys.verifier()
    }
}

impl<S, R: Clone> Layer<S> for VerifyWebhookLayer<R> {
    type Service = VerifyWebhook<S, R>;

    fn layer(&self, inner: S) -> Self::Service {
        VerifyWebhook::from_parts(inner, self.config.clone(), self.rejection.clone())
    }
}

impl<R> fmt::Debug for VerifyWebhookLayer<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyWebhookLayer")
            .field("keys", &self.config.keys)
            .field("limits", &self.config.limits)
            .field("guard", &self.config.guard)
            .field("rejection", &std::any::type_name::<R>())
            .finish_non_exhaustive()
    }
}
