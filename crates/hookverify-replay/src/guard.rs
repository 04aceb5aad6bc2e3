//! [`Guard`]: admits a verified delivery once, through a [`Store`].

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, SystemTime};

use hookverify_core::log::Outcome;
use hookverify_core::replay::{self, ReplayKey};
use hookverify_core::{Verified, Verifier};

use crate::memory::MemoryStore;
use crate::store::{Claim, ClaimToken, Store, StoreError};

/// How long a delivery without a signed timestamp is remembered by default: three days, the
/// longest retry schedule of the major providers (Stripe's).
pub const DEFAULT_HORIZON: Duration = Duration::from_secs(3 * 24 * 3600);

/// How long a claim holds by default before another instance may take it over: enough for a
/// handler to answer (providers give up waiting after 10 to 30 seconds), short enough that a
/// crashed instance's claim does not hold back the provider's next retry for long.
pub const DEFAULT_IN_FLIGHT: Duration = Duration::from_secs(60);

/// How long one store call may take by default before the guard gives up on it.
pub const DEFAULT_STORE_TIMEOUT: Duration = Duration::from_secs(2);

/// A user function that finds the event id in a verified delivery.
type EventIdFn = dyn Fn(&Verified, &[u8]) -> Option<String> + Send + Sync;

/// The replay guard, and optionally idempotency, for one route: give it to an adapter's layer,
/// middleware or extractor configuration.
///
/// For every verified delivery it claims a key in its [`Store`] before the handler runs:
///
/// - the **event key** when idempotency is on ([`idempotency`](Self::idempotency)) and the
///   delivery has an event id: the handler runs once per event across the provider's retries;
/// - otherwise the **replay key**, from signed material only
///   ([`replay_key`](hookverify_core::replay::replay_key)): a captured delivery sent again is
///   not handled again.
///
/// Then: a free key is claimed and the handler runs ([`Admission::Proceed`]); the claim is
/// committed when the handler answers 2xx and released otherwise (or when it panics), so the
/// provider's retry is handled. A committed key is a duplicate, answered 200 without running
/// the handler (the provider must stop retrying); a key still claimed is answered 409 (the
/// provider retries later). A store that fails or does not answer within the store timeout
/// closes the route with 503, unless [`fail_open_when_store_fails`](Self::fail_open_when_store_fails)
/// says otherwise.
///
/// # Examples
///
/// ```
/// use hookverify_replay::{Guard, MemoryStore};
///
/// // Replay protection for one process, and Stripe events handled once.
/// let guard = Guard::new(MemoryStore::new()).idempotency();
/// # let _ = guard;
/// ```
#[derive(Clone)]
pub struct Guard {
    inner: Arc<Config>,
}

#[derive(Clone)]
struct Config {
    store: Arc<dyn Store>,
    scope: String,
    horizon: Duration,
    retention: Duration,
    in_flight: Duration,
    store_timeout: Duration,
    events: Option<Events>,
    fail_open: bool,
    handler_decides: bool,
}

#[derive(Clone)]
enum Events {
    /// The preset's own event id ([`replay::event_id`]).
    Preset,
    Custom(Arc<EventIdFn>),
}

impl Guard {
    /// A replay guard over `store`.
    #[must_use]
    pub fn new(store: impl Store) -> Self {
        Self::from_config(Config {
            store: Arc::new(store),
            scope: String::new(),
            horizon: DEFAULT_HORIZON,
            retention: DEFAULT_HORIZON,
            in_flight: DEFAULT_IN_FLIGHT,
            store_timeout: DEFAULT_STORE_TIMEOUT,
            events: None,
            fail_open: false,
            handler_decides: false,
        })
    }

    /// A replay guard over a [`MemoryStore`] of the default capacity: for one process.
    #[must_use]
    pub fn in_memory() -> Self {
        Self::new(MemoryStore::new())
    }

    fn from_config(config: Config) -> Self {
        Self {
            inner: Arc::new(config),
        }
    }

    fn with(mut self, change: impl FnOnce(&mut Config)) -> Self {
        change(Arc::make_mut(&mut self.inner));
        self
    }

    /// Keys are scoped by `scope` (a tenant, a route): two scopes never share a key, so one
    /// store can serve several. Default: no scope (the scheme's name still separates presets).
    #[must_use]
    pub fn scope(self, scope: &str) -> Self {
        self.with(|config| scope.clone_into(&mut config.scope))
    }

    /// How long a delivery without a signed timestamp (GitHub, Shopify, …) is remembered:
    /// default [`DEFAULT_HORIZON`]. Deliveries with one are remembered exactly as long as they
    /// could verify.
    #[must_use]
    pub fn horizon(self, horizon: Duration) -> Self {
        self.with(|config| config.horizon = horizon)
    }

    /// Runs the handler once per event: the key is the preset's event id
    /// ([`replay::event_id`]: Stripe's `id`, the signed id of Standard Webhooks, Svix and
    /// Twitch, Slack's `event_id`). Deliveries without one fall back to the replay key.
    #[must_use]
    pub fn idempotency(self) -> Self {
        self.with(|config| config.events = Some(Events::Preset))
    }

    /// Runs the handler once per event, with the event id `event_id` finds in the verified
    /// delivery (the body is verified by then; return `None` to fall back to the replay key).
    #[must_use]
    pub fn idempotency_with(
        self,
        event_id: impl Fn(&Verified, &[u8]) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.with(|config| config.events = Some(Events::Custom(Arc::new(event_id))))
    }

    /// How long a handled event is remembered: the provider's retry horizon. Default
    /// [`DEFAULT_HORIZON`] (Stripe retries for three days).
    #[must_use]
    pub fn retention(self, retention: Duration) -> Self {
        self.with(|config| config.retention = retention)
    }

    /// How long a claim holds before it expires (a crashed instance's claim): default
    /// [`DEFAULT_IN_FLIGHT`].
    #[must_use]
    pub fn in_flight_timeout(self, timeout: Duration) -> Self {
        self.with(|config| config.in_flight = timeout)
    }

    /// How long one store call may take: default [`DEFAULT_STORE_TIMEOUT`].
    #[must_use]
    pub fn store_timeout(self, timeout: Duration) -> Self {
        self.with(|config| config.store_timeout = timeout)
    }

    /// When the store fails, runs the handler anyway, unguarded, instead of answering 503.
    /// Replays and duplicates then get through while the store is down: choose it only when
    /// losing availability is worse.
    #[must_use]
    pub fn fail_open_when_store_fails(self) -> Self {
        self.with(|config| config.fail_open = true)
    }

    /// Runs the handler for duplicates and deliveries in flight too, with what the guard saw
    /// in [`Delivery::seen`], for handlers that decide themselves.
    #[must_use]
    pub fn let_handler_decide(self) -> Self {
        self.with(|config| config.handler_decides = true)
    }

    /// Admits a delivery that `verifier` verified: claims its key in the store.
    pub async fn admit(&self, verifier: &Verifier, verified: &Verified, body: &[u8]) -> Admission {
        let config = &*self.inner;
        let now = verifier.now();
        let replay_until =
            replay::remember_until(verified, verifier.tolerance(), config.horizon, now);
        let event_id = match &config.events {
            None => None,
            Some(Events::Preset) => replay::event_id(verified, body),
            Some(Events::Custom(find)) => find(verified, body),
        };
        let (key, until) = match &event_id {
            Some(id) => (
                replay::event_key(&config.scope, verified.scheme(), id),
                replay_until.max(after(now, config.retention)),
            ),
            None => (
                replay::replay_key(&config.scope, verified, body),
                replay_until,
            ),
        };
        let delivery = |seen| Delivery {
            key,
            event_id: event_id.clone(),
            seen,
        };
        // The store counts lifetimes on its own clock: hand it durations from the verifier's.
        let ttl = until.duration_since(now).unwrap_or_default();
        let claimed = timed(
            config.store_timeout,
            config.store.claim(&key, config.in_flight),
        )
        .await;
        let refused = match claimed {
            Ok(Claim::Claimed(token)) => {
                return Admission::Proceed(Ticket {
                    claim: Some(Held {
                        store: Arc::clone(&config.store),
                        token,
                        ttl,
                        timeout: config.store_timeout,
                    }),
                    delivery: delivery(Seen::First),
                });
            }
            Ok(Claim::Done) => Refusal::Duplicate,
            Ok(Claim::InFlight) => Refusal::InFlight,
            Err(error) => {
                tracing::warn!(
                    scheme = verified.scheme(),
                    %error,
                    fail_open = config.fail_open,
                    "webhook replay store unavailable"
                );
                if config.fail_open {
                    return Admission::Proceed(Ticket::unclaimed(delivery(Seen::Unchecked)));
                }
                Refusal::Unavailable(error)
            }
        };
        tracing::debug!(
            scheme = verified.scheme(),
            outcome = refused.reason(),
            "webhook delivery not handled again"
        );
        if config.handler_decides && !matches!(refused, Refusal::Unavailable(_)) {
            let seen = match refused {
                Refusal::Duplicate => Seen::Duplicate,
                _ => Seen::InFlight,
            };
            return Admission::Proceed(Ticket::unclaimed(delivery(seen)));
        }
        Admission::Refuse(refused)
    }
}

/// `future`, or [`StoreError::Timeout`] once `timeout` passes. A store that answers at once
/// (the memory store always does) is not given a timer at all.
async fn timed<T>(
    timeout: Duration,
    future: impl Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    let mut future = std::pin::pin!(future);
    if let Poll::Ready(answer) =
        std::future::poll_fn(|cx| Poll::Ready(future.as_mut().poll(cx))).await
    {
        return answer;
    }
    tokio::time::timeout(timeout, future)
        .await
        .unwrap_or(Err(StoreError::Timeout))
}

fn after(at: SystemTime, span: Duration) -> SystemTime {
    at.checked_add(span).unwrap_or(at)
}

impl fmt::Debug for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &*self.inner;
        f.debug_struct("Guard")
            .field("scope", &config.scope)
            .field("horizon", &config.horizon)
            .field("idempotency", &config.events.is_some())
            .field("retention", &config.retention)
            .field("in_flight", &config.in_flight)
            .field("store_timeout", &config.store_timeout)
            .field("fail_open", &config.fail_open)
            .field("handler_decides", &config.handler_decides)
            .finish_non_exhaustive()
    }
}

/// What the guard decided for a delivery.
#[derive(Debug)]
#[allow(
    clippy::exhaustive_enums,
    reason = "a delivery is handled or answered: there is no third way"
)]
pub enum Admission {
    /// Run the handler, then settle the ticket with its outcome.
    Proceed(Ticket),
    /// Answer without running the handler.
    Refuse(Refusal),
}

/// Why a delivery is answered without running its handler.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Refusal {
    /// Already handled: answered 200, so the provider stops retrying.
    Duplicate,
    /// Its twin is being handled right now: answered 409, so the provider retries later.
    InFlight,
    /// The store failed: answered 503, so the provider retries later.
    Unavailable(StoreError),
}

impl Refusal {
    /// The HTTP status to answer with.
    #[must_use]
    pub const fn status(&self) -> u16 {
        match self {
            Self::Duplicate => 200,
            Self::InFlight => 409,
            Self::Unavailable(_) => 503,
        }
    }

    /// A short plain-text body for the response: no key, id or store detail.
    #[must_use]
    pub const fn public_message(&self) -> &'static str {
        match self {
            Self::Duplicate => "duplicate delivery: already handled",
            Self::InFlight => "delivery already in progress: retry later",
            Self::Unavailable(_) => "replay store unavailable: retry later",
        }
    }

    /// A stable name for logs and metrics: `duplicate`, `in_flight` or `store_error`.
    #[must_use]
    pub const fn reason(&self) -> &'static str {
        match self {
            Self::Duplicate => "duplicate",
            Self::InFlight => "in_flight",
            Self::Unavailable(_) => "store_error",
        }
    }

    /// What became of the delivery, for [`hookverify_core::log::answered`].
    #[must_use]
    pub const fn outcome(&self) -> Outcome {
        match self {
            Self::Duplicate => Outcome::Duplicate,
            Self::InFlight => Outcome::InFlight,
            Self::Unavailable(_) => Outcome::StoreError,
        }
    }
}

/// What the guard knows of an admitted delivery; adapters put it in the request's extensions
/// beside [`Verified`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    key: ReplayKey,
    event_id: Option<String>,
    seen: Seen,
}

impl Delivery {
    /// The key it was claimed by (the event key when it has an event id, else its replay key).
    #[must_use]
    pub const fn key(&self) -> &ReplayKey {
        &self.key
    }

    /// Its event id, when idempotency is on and one was found.
    #[must_use]
    pub fn event_id(&self) -> Option<&str> {
        self.event_id.as_deref()
    }

    /// What the guard saw.
    #[must_use]
    pub const fn seen(&self) -> Seen {
        self.seen
    }
}

/// What the guard saw of a delivery whose handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Seen {
    /// The first time: the handler holds the claim.
    First,
    /// Already handled ([`Guard::let_handler_decide`] only).
    Duplicate,
    /// Being handled elsewhere right now ([`Guard::let_handler_decide`] only).
    InFlight,
    /// Not checked: the store failed and the guard fails open.
    Unchecked,
}

/// The claim of an admitted delivery: commit it when the handler succeeded, release it when it
/// failed. Dropped unsettled (the handler panicked, the connection closed), it is released in
/// the background; if even that fails, the claim expires after the in-flight timeout.
pub struct Ticket {
    claim: Option<Held>,
    delivery: Delivery,
}

struct Held {
    store: Arc<dyn Store>,
    token: ClaimToken,
    /// How long a commit keeps the key.
    ttl: Duration,
    timeout: Duration,
}

impl Ticket {
    const fn unclaimed(delivery: Delivery) -> Self {
        Self {
            claim: None,
            delivery,
        }
    }

    /// What the guard knows of the delivery.
    #[must_use]
    pub const fn delivery(&self) -> &Delivery {
        &self.delivery
    }

    /// Commits when `handled` (the handler answered 2xx), releases otherwise; a store failure
    /// is logged (the claim then expires by itself).
    pub fn settle(mut self, handled: bool) -> impl Future<Output = ()> + Send + 'static {
        let claim = self.claim.take();
        let key = self.delivery.key;
        async move {
            let Some(held) = claim else { return };
            let outcome = if handled {
                timed(held.timeout, held.store.commit(&key, held.ttl)).await
            } else {
                timed(held.timeout, held.store.release(&key, held.token)).await
            };
            if let Err(error) = outcome {
                // Committed or not, the claim expires after the in-flight timeout; until then
                // the provider's retries of this delivery are answered 409.
                tracing::warn!(
                    %error,
                    handled,
                    "webhook replay store: claim not settled; it expires after the in-flight timeout"
                );
            }
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let Some(held) = self.claim.take() else {
            return;
        };
        let key = self.delivery.key;
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = timed(held.timeout, held.store.release(&key, held.token)).await;
            });
        }
    }
}

impl fmt::Debug for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticket")
            .field("delivery", &self.delivery)
            .field("claimed", &self.claim.is_some())
            .finish()
    }
}
