//! The [`Store`] trait: where claims on deliveries and events are kept.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use hookverify_core::replay::ReplayKey;

/// The future a [`Store`] call returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// What a claim found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Claim {
    /// The key was free and is now claimed, with this token, until the claim's expiry.
    Claimed(ClaimToken),
    /// The key was committed: the delivery or event was already handled.
    Done,
    /// Another claim holds the key: its twin is being handled right now.
    InFlight,
}

/// Who holds a claim: a release only frees a claim it still holds, so an instance whose claim
/// expired cannot free the claim another instance took since.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClaimToken(u128);

impl ClaimToken {
    /// A token no other claim of this process or of another instance holds: a random
    /// per-process prefix and a counter.
    #[must_use]
    pub fn fresh() -> Self {
        static PROCESS: OnceLock<u64> = OnceLock::new();
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let process = *PROCESS.get_or_init(|| {
            // Without entropy, the process id and the time still tell instances apart.
            getrandom::u64().unwrap_or_else(|_| {
                let nanos = SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |since| since.subsec_nanos());
                u64::from(nanos) << 32 | u64::from(std::process::id())
            })
        });
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        Self(u128::from(process) << 64 | u128::from(count))
    }

    /// The token as text, for stores that keep it as a value.
    #[must_use]
    pub fn to_hex(self) -> String {
        format!("{:032x}", self.0)
    }
}

impl fmt::Debug for ClaimToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClaimToken({})", self.to_hex())
    }
}

/// A store failed or did not answer in time. The guard then closes the route (503, the
/// provider retries) unless it was told to fail open.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store did not answer within the guard's store timeout.
    #[error("the replay store did not answer in time")]
    Timeout,
    /// The store answered with an error, or could not be reached.
    #[error("the replay store failed: {0}")]
    Failed(Arc<str>),
}

/// Where claims are kept: atomically, with expiry.
///
/// Each key moves through three states: free, claimed (in flight, until the claim expires)
/// and committed (done, until the commit expires). Implemented by
/// [`MemoryStore`](crate::MemoryStore) and, with the `redis` feature,
/// [`RedisStore`](crate::RedisStore).
pub trait Store: Send + Sync + 'static {
    /// Claims `key` for `ttl` if it is free; otherwise says whether it is done or in flight.
    /// Atomic: of two concurrent claims on a free key, exactly one gets it.
    ///
    /// Lifetimes are durations, counted on the store's own clock (Redis's, for Redis), so
    /// instances whose clocks differ still agree on when a key expires.
    fn claim<'a>(&'a self, key: &'a ReplayKey, ttl: Duration) -> StoreFuture<'a, Claim>;

    /// Marks `key` done for `ttl`: its handler succeeded. Whoever holds the claim by then, the
    /// delivery was handled, so the mark is unconditional.
    fn commit<'a>(&'a self, key: &'a ReplayKey, ttl: Duration) -> StoreFuture<'a, ()>;

    /// Frees `key` if the claim `token` still holds it: its handler failed, so the provider's
    /// retry must be handled.
    fn release<'a>(&'a self, key: &'a ReplayKey, token: ClaimToken) -> StoreFuture<'a, ()>;
}

impl<S: Store + ?Sized> Store for Arc<S> {
    fn claim<'a>(&'a self, key: &'a ReplayKey, ttl: Duration) -> StoreFuture<'a, Claim> {
        (**self).claim(key, ttl)
    }

    fn commit<'a>(&'a self, key: &'a ReplayKey, ttl: Duration) -> StoreFuture<'a, ()> {
        (**self).commit(key, ttl)
    }

    fn release<'a>(&'a self, key: &'a ReplayKey, token: ClaimToken) -> StoreFuture<'a, ()> {
        (**self).release(key, token)
    }
}
