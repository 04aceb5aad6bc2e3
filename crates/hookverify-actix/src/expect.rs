//! [`ExpectContinue`]: answering `Expect: 100-continue` before a body nobody will read is sent.

use std::fmt;
use std::future::{Ready, ready};
use std::sync::Arc;

use actix_http::Request;
use actix_web::Error;
use actix_web::dev::{Service, ServiceFactory};
use hookverify_core::{BodyBudget, Verifier, VerifyError};

use crate::WebhookError;
use crate::body::BodyLimits;

/// An actix-http expect service that refuses an `Expect: 100-continue` delivery to a verified
/// route when its headers already fail, so the client never uploads the body.
///
/// actix-http answers `100 Continue` as soon as the request head is parsed, before routing and
/// before any middleware or extractor runs; only its expect service is asked first. Without
/// this, a client that sends `Expect: 100-continue` with an unsigned or oversized request is
/// told to send its body, which [`VerifyWebhook`](crate::VerifyWebhook) then refuses unread.
/// With it, such a request is answered at once (401, 400, 413, or 503 when the budget is full)
/// and the connection closed; a delivery whose headers pass still gets `100 Continue`, and is
/// verified in full by the middleware or extractor as usual. Requests to other paths pass
/// untouched.
///
/// `HttpServer` does not expose the expect service: serve the app with
/// [`actix_http::HttpService`] and `actix_server`, as `examples/actix_stripe.rs` does.
///
/// # Examples
///
/// ```no_run
/// use actix_http::HttpService;
/// use actix_web::dev::{AppConfig, Server};
/// use actix_web::{App, HttpResponse, web};
/// use actix_service::map_config;
/// use hookverify_actix::{ExpectContinue, VerifyWebhook};
/// use hookverify_core::Verifier;
///
/// # #[actix_web::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let verifier = Verifier::github("test-only-secret")?;
/// let expect = ExpectContinue::new().route("/webhooks/github", verifier.clone());
/// Server::build()
///     .bind("webhooks", ("127.0.0.1", 3000), move || {
///         let app = App::new().service(
///             web::resource("/webhooks/github")
///                 .wrap(VerifyWebhook::new(verifier.clone()))
///                 .route(web::post().to(HttpResponse::Ok)),
///         );
///         HttpService::build()
///             .expect(expect.clone())
///             .finish(map_config(app, |()| AppConfig::default()))
///             .tcp()
///     })?
///     .run()
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
#[must_use]
pub struct ExpectContinue {
    routes: Arc<[(String, Verifier)]>,
    limits: BodyLimits,
}

impl ExpectContinue {
    /// An expect service with no routes yet (every request gets `100 Continue`), the default
    /// body limit ([`DEFAULT_MAX_BODY_SIZE`](crate::DEFAULT_MAX_BODY_SIZE)) and no budget.
    /// Timestamps are checked against each route's verifier's clock.
    pub fn new() -> Self {
        Self {
            routes: Arc::new([]),
            limits: BodyLimits::default(),
        }
    }

    /// Checks requests to `path` (the exact path, without the query) with `verifier`, as the
    /// route's middleware or extractor will.
    pub fn route(mut self, path: impl Into<String>, verifier: Verifier) -> Self {
        let mut routes = self.routes.to_vec();
        routes.push((path.into(), verifier));
        self.routes = routes.into();
        self
    }

    /// The body limit to refuse a larger `Content-Length` at (default
    /// [`DEFAULT_MAX_BODY_SIZE`](crate::DEFAULT_MAX_BODY_SIZE)); set it to the routes' own.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.limits.max_body_size = bytes;
        self
    }

    /// Refuses deliveries with 503 while `budget`, the routes' shared [`BodyBudget`], is full.
    pub fn body_budget(mut self, budget: BodyBudget) -> Self {
        self.limits.budget = Some(budget);
        self
    }

    /// Whether `request`'s headers already fail on the route it is for.
    fn check(&self, request: &Request) -> Result<(), (VerifyError, &Verifier)> {
        let Some((_, verifier)) = self.routes.iter().find(|(path, _)| path == request.path())
        else {
            return Ok(());
        };
        self.limits
            .begin(verifier, request.head())
            .map(drop)
            .map_err(|error| (error, verifier))
    }
}

impl Default for ExpectContinue {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ExpectContinue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let paths: Vec<&str> = self.routes.iter().map(|(path, _)| path.as_str()).collect();
        f.debug_struct("ExpectContinue")
            .field("routes", &paths)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl ServiceFactory<Request> for ExpectContinue {
    type Response = Request;
    type Error = Error;
    type Config = ();
    type Service = Self;
    type InitError = ();
    type Future = Ready<Result<Self, ()>>;

    fn new_service(&self, (): ()) -> Self::Future {
        ready(Ok(self.clone()))
    }
}

impl Service<Request> for ExpectContinue {
    type Response = Request;
    type Error = Error;
    type Future = Ready<Result<Request, Error>>;

    actix_web::dev::always_ready!();

    fn call(&self, request: Request) -> Self::Future {
        ready(match self.check(&request) {
            Ok(()) => Ok(request),
            Err((error, verifier)) => {
                hookverify_core::log::rejection(
                    &error,
                    verifier.scheme().name(),
                    self.limits.log_level,
                    hookverify_core::log::Timer::start(),
                );
                Err(WebhookError::Verify(error).into())
            }
        })
    }
}
