//! [`MemoryStore`]: claims kept in this process, bounded in entries.

use std::collections::{BTreeMap, HashMap, hash_map};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hookverify_core::replay::ReplayKey;
use hookverify_core::{Clock, SystemClock};

use crate::store::{Claim, ClaimToken, Store, StoreFuture};

/// The default capacity: entries of about 100 bytes, so about 10 MB when full.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// A store for one process: claims in a map behind a mutex, each with its expiry.
///
/// Bounded: expired entries are dropped as new ones come, and when `capacity` unexpired
/// entries are held, the one that would expire first is evicted to make room (and counted in
/// [`evictions`](Self::evictions)). Memory never grows past the capacity, however many distinct
/// deliveries arrive; the price of a flood larger than the capacity is that the oldest
/// deliveries can be replayed again. Size it for the deliveries of one tolerance window (or
/// horizon), or use [`RedisStore`](crate::RedisStore).
///
/// Expiry is exact to the millisecond, on the store's clock: an entry made at `t` to last
/// `ttl` is present at `t + ttl - 1 ms` and gone at `t + ttl`.
pub struct MemoryStore {
    entries: Mutex<Entries>,
    capacity: usize,
    clock: Arc<dyn Clock>,
    evictions: AtomicU64,
}

#[derive(Default)]
struct Entries {
    map: HashMap<[u8; 32], Entry>,
    /// Every entry's key by its expiry (milliseconds) and a sequence number, so expired and
    /// soonest-expiring ones are found first. Many entries expire in the same millisecond; the
    /// sequence number orders them without comparing 32-byte keys.
    by_expiry: BTreeMap<Expiry, [u8; 32]>,
    next: u64,
}

/// Where an entry sits in the expiry index: its expiry, then when it was made.
type Expiry = (u64, u64);

#[derive(Clone, Copy)]
struct Entry {
    until: Expiry,
    state: State,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    InFlight(ClaimToken),
    Done,
}

impl MemoryStore {
    /// A store of at most [`DEFAULT_CAPACITY`] entries, on the system clock.
    #[must_use]
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }

    /// A store of at most `capacity` entries (at least one).
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(Entries::default()),
            capacity: capacity.max(1),
            clock: Arc::new(SystemClock::default()),
            evictions: AtomicU64::new(0),
        }
    }

    /// Reads the time from `clock` instead of the system's (tests fix it).
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How many unexpired entries were evicted to make room since the store was made.
    #[must_use]
    pub fn evictions(&self) -> u64 {
        self.evictions.load(Ordering::Relaxed)
    }

    /// How many entries are held (expired ones included until the next claim drops them).
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether no entry is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // Every update leaves the two indexes consistent before it can panic, so a poisoned
        // lock still guards sound data.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn now(&self) -> u64 {
        millis(self.clock.now())
    }

    fn claim_now(&self, key: &ReplayKey, ttl: Duration) -> Claim {
        let now = self.now();
        let until = expiry(now, ttl);
        let mut entries = self.lock();
        entries.drop_expired(now);
        let key = *key.as_bytes();
        // Room is made before the lookup, so that below capacity the key is hashed once.
        if entries.map.len() >= self.capacity
            && !entries.map.contains_key(&key)
            && entries.evict_first()
        {
            self.evictions.fetch_add(1, Ordering::Relaxed);
        }
        let until = entries.expiry(until);
        let Entries { map, by_expiry, .. } = &mut *entries;
        match map.entry(key) {
            hash_map::Entry::Occupied(held) => match held.get().state {
                State::Done => Claim::Done,
                State::InFlight(_) => Claim::InFlight,
            },
            hash_map::Entry::Vacant(free) => {
                let token = ClaimToken::fresh();
                free.insert(Entry {
                    until,
                    state: State::InFlight(token),
                });
                by_expiry.insert(until, key);
                Claim::Claimed(token)
            }
        }
    }

    fn commit_now(&self, key: &ReplayKey, ttl: Duration) {
        let now = self.now();
        let until = expiry(now, ttl);
        let mut entries = self.lock();
        let key = *key.as_bytes();
        if entries.map.len() >= self.capacity && !entries.map.contains_key(&key) {
            entries.drop_expired(now);
            if entries.map.len() >= self.capacity && entries.evict_first() {
                self.evictions.fetch_add(1, Ordering::Relaxed);
            }
        }
        entries.insert(key, until, State::Done);
    }

    fn release_now(&self, key: &ReplayKey, token: ClaimToken) {
        let mut entries = self.lock();
        let key = *key.as_bytes();
        if let Some(entry) = entries.map.get(&key)
            && entry.state == State::InFlight(token)
        {
            let until = entry.until;
            entries.map.remove(&key);
            entries.by_expiry.remove(&until);
        }
    }
}

impl Entries {
    /// The index position of an entry made now to expire at `until`.
    fn expiry(&mut self, until: u64) -> Expiry {
        self.next = self.next.wrapping_add(1);
        (until, self.next)
    }

    fn insert(&mut self, key: [u8; 32], until: u64, state: State) {
        let until = self.expiry(until);
        if let Some(old) = self.map.insert(key, Entry { until, state }) {
            self.by_expiry.remove(&old.until);
        }
        self.by_expiry.insert(until, key);
    }

    /// Drops every entry whose expiry is at or before `now`.
    fn drop_expired(&mut self, now: u64) {
        while let Some((&(until, _), &key)) = self.by_expiry.first_key_value() {
            if until > now {
                break;
            }
            self.by_expiry.pop_first();
            self.map.remove(&key);
        }
    }

    /// Evicts the entry that would expire first; whether there was one.
    fn evict_first(&mut self) -> bool {
        match self.by_expiry.pop_first() {
            Some((_, key)) => {
                self.map.remove(&key);
                true
            }
            None => false,
        }
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("len", &self.len())
            .field("capacity", &self.capacity)
            .field("evictions", &self.evictions())
            .finish_non_exhaustive()
    }
}

impl Store for MemoryStore {
    fn claim<'a>(&'a self, key: &'a ReplayKey, ttl: Duration) -> StoreFuture<'a, Claim> {
        let claim = self.claim_now(key, ttl);
        Box::pin(std::future::ready(Ok(claim)))
    }

    fn commit<'a>(&'a self, key: &'a ReplayKey, ttl: Duration) -> StoreFuture<'a, ()> {
        self.commit_now(key, ttl);
        Box::pin(std::future::ready(Ok(())))
    }

    fn release<'a>(&'a self, key: &'a ReplayKey, token: ClaimToken) -> StoreFuture<'a, ()> {
        self.release_now(key, token);
        Box::pin(std::future::ready(Ok(())))
    }
}

/// The expiry, in milliseconds, of an entry made at `now` to last `ttl` (at least 1 ms).
fn expiry(now: u64, ttl: Duration) -> u64 {
    let ttl = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
    now.saturating_add(ttl)
}

/// Milliseconds since the epoch (0 before it, saturating far after it).
pub(crate) fn millis(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |since| {
        u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
    })
}
