//! [`VerifyWebhook`]: the middleware service.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::task::{Context, Poll};

use hookverify_core::Verifier;
use hookverify_core::log::Timer;
use hookverify_replay::{Head, Lookup};
use http::{Extensions, HeaderMap, Method, Request, Response, Uri};
use http_body::Body;
use tower_service::Service;

use crate::future::ResponseFuture;
use crate::layer::Config;
use crate::rejection::{answer, reject};
use crate::{BoxError, RejectionResponse, VerifiedBody};

/// Middleware that verifies webhook deliveries; made by
/// [`VerifyWebhookLayer`](crate::VerifyWebhookLayer).
///
/// See the [crate docs](crate) for the behaviour and an example.
#[derive(Clone)]
pub struct VerifyWebhook<S, R> {
    inner: S,
    config: Config,
    rejection: R,
}

impl<S, R> VerifyWebhook<S, R> {
    pub(crate) const fn from_parts(inner: S, config: Config, rejection: R) -> Self {
        Self {
            inner,
            config,
            rejection,
        }
    }

    /// The inner service.
    pub const fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub const fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Consumes the middleware, returning the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, R, ReqBody, ResBody> Service<Request<ReqBody>> for VerifyWebhook<S, R>
where
    S: Service<Request<VerifiedBody>, Response = Response<ResBody>> + Clone,
    ReqBody: Body,
    ReqBody::Error: Into<BoxError>,
    ResBody: From<String>,
    R: RejectionResponse<ResBody> + Clone,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S, ReqBody, R>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let timer = Timer::start();
        let config = &self.config;

        // 0. The route's keys: its verifier, or this tenant's, at once from the cache or by
        //    waiting for the resolver with the ready service in hand.
        let target = target(request.uri(), request.extensions());
        let head = Head::new(request.method().as_str(), target, request.headers());
        let verifier = match config.keys.lookup(&head).now() {
            Ok(Ok(verifier)) => verifier,
            Ok(Err(error)) => {
                let (scheme, level) = (config.keys.scheme(), config.limits.log_level);
                return ResponseFuture::rejected(reject(
                    &mut self.rejection,
                    error,
                    scheme,
                    level,
                    timer,
                ));
            }
            Err(lookup) => {
                let clone = self.inner.clone();
                let ready = std::mem::replace(&mut self.inner, clone);
                return ResponseFuture::resolving(Resolving {
                    lookup,
                    request,
                    config: config.clone(),
                    inner: ready,
                    rejection: self.rejection.clone(),
                    timer,
                });
            }
        };
        start(
            verifier,
            &self.config,
            request,
            &mut self.inner,
            &mut self.rejection,
            timer,
        )
    }
}

/// A request waiting for its tenant's keys, with everything [`start`] needs then.
pub(crate) struct Resolving<S, ReqBody, R> {
    pub(crate) lookup: Lookup,
    pub(crate) request: Request<ReqBody>,
    pub(crate) config: Config,
    pub(crate) inner: S,
    pub(crate) rejection: R,
    pub(crate) timer: Timer,
}

/// Verifies `request` with `verifier`: answers an unsigned handshake, rejects what its head
/// or its announced length already condemn, and otherwise starts reading its body for the
/// service that is ready in `inner` (which keeps a clone).
pub(crate) fn start<S, ReqBody, R, ResBody>(
    verifier: Verifier,
    config: &Config,
    request: Request<ReqBody>,
    inner: &mut S,
    rejection: &mut R,
    timer: Timer,
) -> ResponseFuture<S, ReqBody, R>
where
    S: Service<Request<VerifiedBody>, Response = Response<ResBody>> + Clone,
    ReqBody: Body,
    ResBody: From<String>,
    R: RejectionResponse<ResBody> + Clone,
{
    let scheme = verifier.scheme().name();
    let level = config.limits.log_level;

    // 1. An unsigned handshake (Meta's, Dropbox's, Graph's) is answered from its method and
    //    query alone; the inner service never sees it.
    if let Some(outcome) =
        verifier.unsigned_handshake(request.method().as_str(), request.uri().query())
    {
        return ResponseFuture::rejected(match outcome {
            Ok(handshake) => answer(handshake, scheme, timer),
            Err(error) => reject(rejection, error, scheme, level, timer),
        });
    }

    // 2. The head alone: unsigned, malformed and stale deliveries stop here, unread; nor is
    //    a body announced larger than the limit, nor one the shared budget has no room for.
    let head = core_request(
        request.method(),
        request.uri(),
        request.headers(),
        request.extensions(),
    );
    let body = match config.limits.begin(&verifier, head, request.body()) {
        Ok(body) => body,
        Err(error) => {
            return ResponseFuture::rejected(reject(rejection, error, scheme, level, timer));
        }
    };

    // 3. Stream the body through the MAC; a signed handshake is answered once it verified,
    //    and a delivery goes to the service that was ready.
    let clone = inner.clone();
    let ready = std::mem::replace(inner, clone);
    ResponseFuture::buffering(
        request,
        verifier,
        body,
        &config.limits,
        config.guard.clone(),
        ready,
        rejection.clone(),
        timer,
    )
}

/// What core reads of a request before its body: the headers, and for the schemes that sign
/// them, the method, the path and query as received, and the peer's address (for a
/// [`PublicUrl`](hookverify_core::PublicUrl) that trusts forwarded headers from some peers).
pub(crate) fn core_request<'a>(
    method: &'a Method,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    extensions: &'a Extensions,
) -> hookverify_core::Request<'a, HeaderMap> {
    let request = hookverify_core::Request::new(headers)
        .method(method.as_str())
        .target(target(uri, extensions));
    match peer(extensions) {
        Some(peer) => request.peer(peer),
        None => request,
    }
}

/// The request's path and query as the provider sent them. A nested axum router sees its
/// path without the prefix; the provider signed (and named its tenant in) all of it.
fn target<'a>(uri: &'a Uri, extensions: &'a Extensions) -> &'a str {
    #[cfg(feature = "axum")]
    let uri = extensions
        .get::<::axum::extract::OriginalUri>()
        .map_or(uri, |original| &original.0);
    #[cfg(not(feature = "axum"))]
    let _ = extensions;
    uri.path_and_query().map_or("/", |target| target.as_str())
}

/// The address the connection came from: axum's `ConnectInfo<SocketAddr>` (with the `axum`
/// feature, from `into_make_service_with_connect_info`), or a `SocketAddr` a server inserted in
/// the request's extensions.
fn peer(extensions: &Extensions) -> Option<IpAddr> {
    #[cfg(feature = "axum")]
    if let Some(info) = extensions.get::<::axum::extract::ConnectInfo<SocketAddr>>() {
        return Some(info.0.ip());
    }
    extensions.get::<SocketAddr>().map(SocketAddr::ip)
}

impl<S: fmt::Debug, R> fmt::Debug for VerifyWebhook<S, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyWebhook")
            .field("inner", &self.inner)
            .field("keys", &self.config.keys)
            .field("limits", &self.config.limits)
            .finish_non_exhaustive()
    }
}
