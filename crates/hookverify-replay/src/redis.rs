//! [`RedisStore`]: claims kept in Redis, shared by every instance of a service.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use hookverify_core::replay::{Purpose, ReplayKey};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands as _, Script, Value};

use crate::store::{Claim, ClaimToken, Store, StoreError, StoreFuture};

/// The value of a committed key; a claimed key holds `c:` and its token.
const DONE: &str = "d";

/// Frees a key only while the releasing claim still holds it.
const RELEASE: &str =
    r"if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/// A store on Redis (6.2 or later), for services of several instances.
///
/// One round trip per claim (`SET key claim NX GET PX ttl`: it sets the key only if it is
/// free, and answers what it held), one per commit (`SET key done PX ttl`), and a
/// compare-and-delete script per release. Keys are `{namespace}:{r|e}:{64 hex digits}`, so no
/// byte a client chose reaches Redis, and expiry is Redis's own, exact to the millisecond.
///
/// The connection is the `redis` crate's tokio connection manager: it reconnects by itself
/// after Redis restarts, and while Redis is down every call fails (the guard answers 503).
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    namespace: Arc<str>,
    release: Arc<Script>,
}

impl RedisStore {
    /// Connects to `url` (`redis://host:port/db`, `rediss://…` or `redis+unix:///path`), with
    /// keys under `hookverify`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Failed`] when the URL is invalid or Redis cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(failed)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(1);
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(failed)?;
        Ok(Self {
            connection,
            namespace: Arc::from("hookverify"),
            release: Arc::new(Script::new(RELEASE)),
        })
    }

    /// Puts the keys under `namespace` instead of `hookverify` (one Redis, several services).
    #[must_use]
    pub fn namespace(mut self, namespace: &str) -> Self {
        self.namespace = Arc::from(namespace);
        self
    }

    /// The Redis key of `key`.
    fn name(&self, key: &ReplayKey) -> String {
        let purpose = match key.purpose() {
            Purpose::Event => "e",
            _ => "r",
        };
        format!("{}:{purpose}:{key}", self.namespace)
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password: it is not kept.
        f.debug_struct("RedisStore")
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

#[allow(clippy::needless_pass_by_value, reason = "the shape `map_err` passes")]
fn failed(error: redis::RedisError) -> StoreError {
    // The crate's message names the failure (refused, timed out, a Redis error), never a
    // password.
    StoreError::Failed(Arc::from(error.to_string()))
}

/// Whole milliseconds, at least one (Redis refuses a zero expiry).
fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

fn claim_value(token: ClaimToken) -> String {
    format!("c:{}", token.to_hex())
}

impl Store for RedisStore {
    fn claim<'a>(&'a self, key: &'a ReplayKey, ttl: Duration) -> StoreFuture<'a, Claim> {
        Box::pin(async move {
            let token = ClaimToken::fresh();
            let held: Value = redis::cmd("SET")
                .arg(self.name(key))
                .arg(claim_value(token))
                .arg("NX")
                .arg("GET")
                .arg("PX")
                .arg(millis(ttl))
                .query_async(&mut self.connection.clone())
                .await
                .map_err(failed)?;
            Ok(match held {
                Value::Nil => Claim::Claimed(token),
                Value::BulkString(bytes) if bytes == DONE.as_bytes() => Claim::Done,
                Value::SimpleString(text) if text == DONE => Claim::Done,
                _ => Claim::InFlight,
            })
        })
    }

    fn commit<'a>(&'a self, key: &'a ReplayKey, ttl: Duration) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let options =
                redis::SetOptions::default().with_expiration(redis::SetExpiry::PX(millis(ttl)));
            let () = connection
                .set_options(self.name(key), DONE, options)
                .await
                .map_err(failed)?;
            Ok(())
        })
    }

    fn release<'a>(&'a self, key: &'a ReplayKey, token: ClaimToken) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let _freed: i64 = self
                .release
                .key(self.name(key))
                .arg(claim_value(token))
                .invoke_async(&mut connection)
                .await
                .map_err(failed)?;
            Ok(())
        })
    }
}
