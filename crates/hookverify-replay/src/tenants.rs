//! [`Tenants`]: a verifier per tenant, loaded by the service's own resolver and cached.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use hookverify_core::{Headers, Scheme, Verifier, VerifyError};
use tokio::time::Instant;

/// How long a tenant's keys are kept by default before the resolver is asked again.
pub const DEFAULT_TENANT_TTL: Duration = Duration::from_secs(300);

/// How long a tenant the resolver does not know is remembered as unknown by default, so a
/// stream of deliveries naming it does not reach the database each time.
pub const DEFAULT_UNKNOWN_TENANT_TTL: Duration = Duration::from_secs(30);

/// How many tenants are cached by default.
pub const DEFAULT_TENANT_CAPACITY: usize = 10_000;

/// How long one resolver call may take by default before the delivery is answered 503.
pub const DEFAULT_RESOLVE_TIMEOUT: Duration = Duration::from_secs(2);

/// The longest tenant name looked up; a longer one is unknown without asking the resolver.
pub const MAX_TENANT_LEN: usize = 256;

/// The error a resolver may fail with.
pub type ResolveError = Box<dyn StdError + Send + Sync>;

type TenantFn = dyn Fn(&Head<'_>) -> Option<String> + Send + Sync;
type LoadFuture = Pin<Box<dyn Future<Output = Result<Option<Verifier>, ResolveError>> + Send>>;
type LoadFn = dyn Fn(String) -> LoadFuture + Send + Sync;

/// What a resolver may read of a request to choose its tenant: the method, the path and
/// query as received, and the headers. None of it is verified yet; it only chooses which keys
/// are tried, and a delivery that names another tenant than the one whose key signed it
/// fails verification like any forgery.
#[derive(Clone, Copy)]
pub struct Head<'a> {
    method: &'a str,
    target: &'a str,
    headers: &'a dyn FirstValue,
}

/// A header map as a resolver sees it: the first value of a header.
trait FirstValue {
    fn first<'a>(&'a self, name: &'a str) -> Option<&'a [u8]>;
}

impl<H: Headers> FirstValue for H {
    fn first<'a>(&'a self, name: &'a str) -> Option<&'a [u8]> {
        self.get_all(name).next()
    }
}

impl<'a> Head<'a> {
    /// The head of a request: its method, its target (path and query, such as
    /// `/webhooks/acme?x=1`) and its headers. The adapters build it.
    pub fn new<H: Headers>(method: &'a str, target: &'a str, headers: &'a H) -> Self {
        Self {
            method,
            target,
            headers,
        }
    }

    /// The method, such as `POST`.
    #[must_use]
    pub const fn method(&self) -> &'a str {
        self.method
    }

    /// The path, without the query: `/webhooks/acme`.
    #[must_use]
    pub fn path(&self) -> &'a str {
        self.target
            .split_once('?')
            .map_or(self.target, |(path, _)| path)
    }

    /// The query, after the `?`, if there is one.
    #[must_use]
    pub fn query(&self) -> Option<&'a str> {
        self.target.split_once('?').map(|(_, query)| query)
    }

    /// The first value of the header `name` (ASCII case-insensitive), if it is text.
    #[must_use]
    pub fn header<'s>(&'s self, name: &'s str) -> Option<&'s str> {
        self.headers
            .first(name)
            .and_then(|value| std::str::from_utf8(value).ok())
    }
}

impl fmt::Debug for Head<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Head")
            .field("method", &self.method)
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

/// Keys per tenant, for a route that receives the deliveries of many customers (one Stripe
/// account, Zoom sub-account or Shopify app install each), with the keys in a database or a
/// vault: give it to an adapter in place of a [`Verifier`].
///
/// For each request, a *tenant function* reads the tenant's name from the request's
/// [`Head`] (a path segment, a header), and a *resolver* loads that tenant's [`Verifier`]
/// (its current key and any rotated-out ones, at most
/// [`MAX_SECRETS`](hookverify_core::MAX_SECRETS)). Verifiers are cached by tenant for a TTL,
/// so their key schedules are computed once and the resolver is not asked on every delivery;
/// a tenant it does not know is cached as unknown for a shorter TTL, and the cache holds at
/// most a bounded number of tenants.
///
/// The name comes from unverified bytes and only chooses the keys: a delivery signed for
/// another tenant fails verification. A request naming no tenant, a name longer than
/// [`MAX_TENANT_LEN`], or a tenant the resolver does not know is answered like a forgery,
/// 401 ([`VerifyError::UnknownTenant`]). A resolver that fails or does not answer within its
/// timeout is answered 503 ([`VerifyError::KeysUnavailable`]), never 401: the delivery may
/// be good and the provider retries. A resolver that returns a verifier of another scheme
/// than the route's is a bug of the service, answered 503 and logged.
///
/// # Examples
///
/// ```
/// use hookverify_core::{Scheme, Verifier};
/// use hookverify_replay::{Head, Tenants};
///
/// // Deliveries arrive at /webhooks/stripe/{tenant}; each tenant has its own secret.
/// let tenants = Tenants::new(
///     Scheme::stripe(),
///     |head: &Head<'_>| head.path().strip_prefix("/webhooks/stripe/").map(str::to_owned),
///     |tenant: String| async move {
///         // A database query in a real service.
///         let secret = (tenant == "acme").then_some("whsec_test_only_acme");
///         secret.map(Verifier::stripe).transpose()
///     },
/// );
/// # let _ = tenants;
/// ```
#[derive(Clone)]
pub struct Tenants {
    inner: Arc<Inner>,
}

struct Inner {
    scheme: Scheme,
    tenant: Arc<TenantFn>,
    load: Arc<LoadFn>,
    settings: Settings,
    cache: Mutex<HashMap<String, Cached>>,
}

#[derive(Debug, Clone, Copy)]
struct Settings {
    ttl: Duration,
    unknown_ttl: Duration,
    capacity: usize,
    timeout: Duration,
}

struct Cached {
    /// `None` for a tenant the resolver does not know.
    verifier: Option<Verifier>,
    until: Instant,
}

impl Tenants {
    /// Keys per tenant for a route of `scheme`: `tenant` names the tenant of a request, and
    /// `load` loads that tenant's verifier (`Ok(None)` for a tenant that does not exist).
    pub fn new<T, L, F, E>(scheme: Scheme, tenant: T, load: L) -> Self
    where
        T: Fn(&Head<'_>) -> Option<String> + Send + Sync + 'static,
        L: Fn(String) -> F + Send + Sync + 'static,
        F: Future<Output = Result<Option<Verifier>, E>> + Send + 'static,
        E: Into<ResolveError>,
    {
        let load = move |name: String| -> LoadFuture {
            let loading = load(name);
            Box::pin(async move { loading.await.map_err(Into::into) })
        };
        Self::from_parts(
            scheme,
            Arc::new(tenant),
            Arc::new(load),
            Settings {
                ttl: DEFAULT_TENANT_TTL,
                unknown_ttl: DEFAULT_UNKNOWN_TENANT_TTL,
                capacity: DEFAULT_TENANT_CAPACITY,
                timeout: DEFAULT_RESOLVE_TIMEOUT,
            },
        )
    }

    fn from_parts(
        scheme: Scheme,
        tenant: Arc<TenantFn>,
        load: Arc<LoadFn>,
        settings: Settings,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                scheme,
                tenant,
                load,
                settings,
                cache: Mutex::default(),
            }),
        }
    }

    /// The same resolver with other settings, and an empty cache.
    fn with(self, change: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = self.inner.settings;
        change(&mut settings);
        Self::from_parts(
            self.inner.scheme.clone(),
            Arc::clone(&self.inner.tenant),
            Arc::clone(&self.inner.load),
            settings,
        )
    }

    /// How long a tenant's verifier is cached (default [`DEFAULT_TENANT_TTL`]). A rotated
    /// key reaches the route within this time; rotate by adding the new key first.
    #[must_use]
    pub fn ttl(self, ttl: Duration) -> Self {
        self.with(|settings| settings.ttl = ttl)
    }

    /// How long an unknown tenant is cached as unknown (default
    /// [`DEFAULT_UNKNOWN_TENANT_TTL`]).
    #[must_use]
    pub fn unknown_ttl(self, ttl: Duration) -> Self {
        self.with(|settings| settings.unknown_ttl = ttl)
    }

    /// How many tenants the cache holds (default [`DEFAULT_TENANT_CAPACITY`]); when full, the
    /// expired entries go first, then the one closest to expiring.
    #[must_use]
    pub fn capacity(self, tenants: usize) -> Self {
        self.with(|settings| settings.capacity = tenants.max(1))
    }

    /// How long one resolver call may take (default [`DEFAULT_RESOLVE_TIMEOUT`]).
    #[must_use]
    pub fn timeout(self, timeout: Duration) -> Self {
        self.with(|settings| settings.timeout = timeout)
    }

    /// The name of the route's scheme, for logs before a verifier is known.
    #[must_use]
    pub fn scheme(&self) -> &str {
        self.inner.scheme.name()
    }

    /// How many tenants are cached now, known or not, expired or not.
    #[must_use]
    pub fn cached(&self) -> usize {
        self.inner.cache().len()
    }

    /// The verifier for the tenant `head` names: at once when it is cached (or when the head
    /// names no tenant), else once the resolver answered.
    pub fn lookup(&self, head: &Head<'_>) -> Lookup {
        let inner = &self.inner;
        let Some(name) = (inner.tenant)(head).filter(|name| name.len() <= MAX_TENANT_LEN) else {
            return Lookup::ready(Err(VerifyError::UnknownTenant));
        };
        if let Some(cached) = inner.cache().get(&name)
            && cached.until > Instant::now()
        {
            return Lookup::ready(cached.verifier.clone().ok_or(VerifyError::UnknownTenant));
        }
        let inner = Arc::clone(inner);
        Lookup(State::Loading(Box::pin(
            async move { inner.load(name).await },
        )))
    }
}

impl Inner {
    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cached>> {
        // The map is consistent after every statement, so a panic elsewhere leaves it usable.
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn load(&self, name: String) -> Result<Verifier, VerifyError> {
        let loaded = tokio::time::timeout(self.settings.timeout, (self.load)(name.clone())).await;
        let verifier = match loaded {
            Ok(Ok(verifier)) => verifier,
            Ok(Err(error)) => {
                tracing::warn!(scheme = self.scheme.name(), %error, "webhook tenant keys could not be loaded");
                return Err(VerifyError::KeysUnavailable);
            }
            Err(_elapsed) => {
                tracing::warn!(
                    scheme = self.scheme.name(),
                    timeout_ms = self.settings.timeout.as_millis(),
                    "webhook tenant keys not loaded in time"
                );
                return Err(VerifyError::KeysUnavailable);
            }
        };
        if let Some(verifier) = &verifier
            && verifier.scheme().name() != self.scheme.name()
        {
            tracing::error!(
                scheme = self.scheme.name(),
                resolved = verifier.scheme().name(),
                "the tenant resolver returned a verifier of another scheme than the route's"
            );
            return Err(VerifyError::KeysUnavailable);
        }
        let ttl = match verifier {
            Some(_) => self.settings.ttl,
            None => self.settings.unknown_ttl,
        };
        self.remember(name, verifier.clone(), ttl);
        verifier.ok_or(VerifyError::UnknownTenant)
    }

    fn remember(&self, name: String, verifier: Option<Verifier>, ttl: Duration) {
        let now = Instant::now();
        let mut cache = self.cache();
        if cache.len() >= self.settings.capacity && !cache.contains_key(&name) {
            cache.retain(|_, cached| cached.until > now);
            if cache.len() >= self.settings.capacity {
                let soonest = cache
                    .iter()
                    .min_by_key(|(_, cached)| cached.until)
                    .map(|(name, _)| name.clone());
                if let Some(soonest) = soonest {
                    cache.remove(&soonest);
                }
            }
        }
        cache.insert(
            name,
            Cached {
                verifier,
                until: now + ttl,
            },
        );
    }
}

impl fmt::Debug for Tenants {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tenants")
            .field("scheme", &self.scheme())
            .field("settings", &self.inner.settings)
            .field("cached", &self.cached())
            .finish_non_exhaustive()
    }
}

/// Where a route's keys come from, as the adapters hold them: one [`Verifier`] for every
/// delivery, or one per tenant from [`Tenants`]. Both answer [`lookup`](Self::lookup), so an
/// adapter has one path for either.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum KeySource {
    /// One verifier for every delivery.
    One(Verifier),
    /// A verifier per tenant, named by the request and loaded by the service's resolver.
    PerTenant(Tenants),
}

impl KeySource {
    /// The verifier for the delivery `head` describes: at once for [`One`](Self::One) and for a
    /// cached tenant, else once the resolver answered.
    pub fn lookup(&self, head: &Head<'_>) -> Lookup {
        match self {
            Self::One(verifier) => Lookup::ready(Ok(verifier.clone())),
            Self::PerTenant(tenants) => tenants.lookup(head),
        }
    }

    /// The scheme's name, for logs and metrics before a verifier is known.
    #[must_use]
    pub fn scheme(&self) -> &str {
        match self {
            Self::One(verifier) => verifier.scheme().name(),
            Self::PerTenant(tenants) => tenants.scheme(),
        }
    }

    /// The one verifier, when there is one.
    #[must_use]
    pub const fn verifier(&self) -> Option<&Verifier> {
        match self {
            Self::One(verifier) => Some(verifier),
            Self::PerTenant(_) => None,
        }
    }
}

/// A tenant's verifier being looked up: a future, or the answer at once with
/// [`now`](Self::now) when the cache had it.
#[must_use = "a lookup does nothing unless awaited"]
pub struct Lookup(State);

enum State {
    Ready(Option<Result<Verifier, VerifyError>>),
    Loading(Pin<Box<dyn Future<Output = Result<Verifier, VerifyError>> + Send>>),
}

impl Lookup {
    const fn ready(result: Result<Verifier, VerifyError>) -> Self {
        Self(State::Ready(Some(result)))
    }

    /// The answer, when it is known without waiting; otherwise the lookup, to await.
    ///
    /// # Errors
    ///
    /// The lookup itself, when the resolver must be asked.
    pub fn now(self) -> Result<Result<Verifier, VerifyError>, Self> {
        match self.0 {
            State::Ready(Some(result)) => Ok(result),
            state => Err(Self(state)),
        }
    }
}

impl Future for Lookup {
    type Output = Result<Verifier, VerifyError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.0 {
            State::Ready(result) => {
                Poll::Ready(result.take().unwrap_or(Err(VerifyError::KeysUnavailable)))
            }
            State::Loading(loading) => loading.as_mut().poll(cx),
        }
    }
}

impl fmt::Debug for Lookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.0 {
            State::Ready(_) => "ready",
            State::Loading(_) => "loading",
        };
        f.debug_tuple("Lookup").field(&state).finish()
    }
}
