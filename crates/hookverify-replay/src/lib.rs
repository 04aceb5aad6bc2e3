//! Replay protection and exactly-once handling of webhook deliveries, for hookverify's
//! adapters.
//!
//! A valid signature proves who sent a delivery, not that it arrives for the first time: a
//! captured delivery can be sent again while it still verifies (forever, for providers that
//! sign no timestamp), and every provider retries, so one event reaches the handler several
//! times, on several instances once a service scales out. A [`Guard`] stops both before the
//! handler runs:
//!
//! - the **replay guard** (always on) claims each delivery by a key derived from signed
//!   material only, remembered for as long as the delivery could verify;
//! - **idempotency** ([`Guard::idempotency`]) claims each *event* by its id instead, kept for
//!   the provider's retry horizon, so a retry with a fresh timestamp and signature is a
//!   duplicate too.
//!
//! Claims are atomic, committed when the handler answers 2xx and released when it fails, so
//! no retry is lost. The key derivation and expiry are `hookverify_core::replay`'s; this crate
//! keeps the claims, in a [`MemoryStore`] (one process, bounded) or a [`RedisStore`] (several
//! instances; `redis` feature).
//!
//! It also holds what else the adapters need to wait for before a handler runs:
//! [`Tenants`], the keys of a multi-tenant route, loaded by the service's own resolver (a
//! database, a vault) and cached.
//!
//! # Examples
//!
//! The guard as the adapters drive it:
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hookverify_core::{SignOptions, Verifier};
//! use hookverify_replay::{Admission, Guard, MemoryStore, Refusal};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = Verifier::github("It's a Secret to Everybody")?;
//! let guard = Guard::new(MemoryStore::new());
//! let body = b"Hello, World!";
//! let headers = verifier.sign(body, &SignOptions::at(verifier.now()))?;
//! let verified = verifier.verify(&headers, body, verifier.now())?;
//!
//! // The first time, the handler runs; it succeeded, so the claim is committed.
//! let Admission::Proceed(ticket) = guard.admit(&verifier, &verified, body).await else {
//!     panic!("a new delivery is admitted");
//! };
//! ticket.settle(true).await;
//!
//! // The same delivery again is a duplicate: answered 200 without running the handler.
//! let Admission::Refuse(refusal) = guard.admit(&verifier, &verified, body).await else {
//!     panic!("a replay is refused");
//! };
//! assert!(matches!(refusal, Refusal::Duplicate));
//! assert_eq!(refusal.status(), 200);
//! # Ok(())
//! # }
//! ```

mod guard;
mod memory;
#[cfg(feature = "redis")]
mod redis;
mod store;
mod tenants;

pub use crate::guard::{
    Admission, DEFAULT_HORIZON, DEFAULT_IN_FLIGHT, DEFAULT_STORE_TIMEOUT, Delivery, Guard, Refusal,
    Seen, Ticket,
};
pub use crate::memory::{DEFAULT_CAPACITY, MemoryStore};
#[cfg(feature = "redis")]
pub use crate::redis::RedisStore;
pub use crate::store::{Claim, ClaimToken, Store, StoreError, StoreFuture};
pub use crate::tenants::{
    DEFAULT_RESOLVE_TIMEOUT, DEFAULT_TENANT_CAPACITY, DEFAULT_TENANT_TTL,
    DEFAULT_UNKNOWN_TENANT_TTL, Head, KeySource, Lookup, MAX_TENANT_LEN, ResolveError, Tenants,
};
