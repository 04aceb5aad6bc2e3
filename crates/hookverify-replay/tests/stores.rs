//! Both stores against the same contract: the in-memory one, and a real `redis-server` started
//! for the test.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hookverify_core::Clock;
use hookverify_core::replay::{ReplayKey, event_key};
use hookverify_replay::{
    Admission, Claim, Guard, MemoryStore, RedisStore, Refusal, Store, StoreError,
};
use hookverify_test_support::RedisServer;

fn key(id: &str) -> ReplayKey {
    event_key("test", "stripe", id)
}

const MINUTE: Duration = Duration::from_secs(60);

/// Claim, duplicate, commit, release: the contract every store keeps.
async fn keeps_the_claim_contract(store: &dyn Store) {
    let first = key("evt_contract_1");
    let Claim::Claimed(_) = store.claim(&first, MINUTE).await.unwrap() else {
        panic!("a free key is claimed");
    };
    assert_eq!(store.claim(&first, MINUTE).await.unwrap(), Claim::InFlight);
    store.commit(&first, MINUTE).await.unwrap();
    assert_eq!(store.claim(&first, MINUTE).await.unwrap(), Claim::Done);

    let second = key("evt_contract_2");
    let Claim::Claimed(token) = store.claim(&second, MINUTE).await.unwrap() else {
        panic!("a free key is claimed");
    };
    // Only the holder frees a claim.
    let stranger = hookverify_replay::ClaimToken::fresh();
    store.release(&second, stranger).await.unwrap();
    assert_eq!(store.claim(&second, MINUTE).await.unwrap(), Claim::InFlight);
    store.release(&second, token).await.unwrap();
    assert!(matches!(
        store.claim(&second, MINUTE).await.unwrap(),
        Claim::Claimed(_)
    ));
}

/// 50 claims of one key at once: exactly one wins.
async fn one_of_many_concurrent_claims_wins(store: Arc<dyn Store>) {
    let contested = key("evt_contested");
    let claims = (0..50).map(|_| {
        let store = Arc::clone(&store);
        tokio::spawn(async move { store.claim(&contested, MINUTE).await.unwrap() })
    });
    let mut won = 0;
    for claim in claims {
        if matches!(claim.await.unwrap(), Claim::Claimed(_)) {
            won += 1;
        }
    }
    assert_eq!(won, 1);
}

#[tokio::test]
async fn memory_store_keeps_the_contract() {
    let store = Arc::new(MemoryStore::new());
    keeps_the_claim_contract(&*store).await;
    one_of_many_concurrent_claims_wins(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_store_keeps_the_contract() {
    let server = RedisServer::start();
    let store = Arc::new(RedisStore::connect(&server.url()).await.unwrap());
    keeps_the_claim_contract(&*store).await;
    one_of_many_concurrent_claims_wins(store).await;
}

/// A clock the test moves.
#[derive(Clone, Default)]
struct Manual(Arc<AtomicU64>);

impl Manual {
    fn set(&self, millis: u64) {
        self.0.store(millis, Ordering::SeqCst);
    }
}

impl Clock for Manual {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.0.load(Ordering::SeqCst))
    }
}

#[tokio::test]
async fn memory_expiry_is_exact_at_the_boundary() {
    let clock = Manual::default();
    clock.set(1_000_000);
    let store = MemoryStore::new().with_clock(clock.clone());
    let ttl = Duration::from_secs(5);
    let Claim::Claimed(_) = store.claim(&key("evt_exact"), MINUTE).await.unwrap() else {
        panic!("a free key is claimed");
    };
    store.commit(&key("evt_exact"), ttl).await.unwrap();
    clock.set(1_004_999);
    assert_eq!(
        store.claim(&key("evt_exact"), MINUTE).await.unwrap(),
        Claim::Done
    );
    clock.set(1_005_000);
    assert!(matches!(
        store.claim(&key("evt_exact"), MINUTE).await.unwrap(),
        Claim::Claimed(_)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_expiry_is_redis_own() {
    let server = RedisServer::start();
    let store = RedisStore::connect(&server.url()).await.unwrap();
    let ttl = Duration::from_millis(300);
    assert!(matches!(
        store.claim(&key("evt_expiring"), ttl).await.unwrap(),
        Claim::Claimed(_)
    ));
    assert_eq!(
        store.claim(&key("evt_expiring"), ttl).await.unwrap(),
        Claim::InFlight
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(matches!(
        store.claim(&key("evt_expiring"), MINUTE).await.unwrap(),
        Claim::Claimed(_)
    ));
}

#[tokio::test]
async fn a_flood_of_distinct_ids_stays_within_capacity() {
    let store = MemoryStore::with_capacity(1_000);
    for n in 0..20_000 {
        let claim = store.claim(&key(&format!("evt_{n}")), MINUTE).await;
        assert!(matches!(claim.unwrap(), Claim::Claimed(_)));
        assert!(store.len() <= 1_000);
    }
    assert_eq!(store.len(), 1_000);
    assert_eq!(store.evictions(), 19_000);
    // The newest are still known; the oldest were evicted first.
    assert_eq!(
        store.claim(&key("evt_19999"), MINUTE).await.unwrap(),
        Claim::InFlight
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_down_closes_the_route_and_redis_back_opens_it() {
    let mut server = RedisServer::start();
    let store = RedisStore::connect(&server.url()).await.unwrap();
    let verifier = hookverify_core::Verifier::github("secret").unwrap();
    let guard = Guard::new(store).store_timeout(Duration::from_millis(500));
    let admit = |body: &'static [u8]| {
        let verifier = verifier.clone();
        let guard = guard.clone();
        async move {
            let headers = verifier
                .sign(body, &hookverify_core::SignOptions::at(verifier.now()))
                .unwrap();
            let verified = verifier.verify(&headers, body, verifier.now()).unwrap();
            guard.admit(&verifier, &verified, body).await
        }
    };

    server.stop();
    let started = std::time::Instant::now();
    let Admission::Refuse(Refusal::Unavailable(error)) = admit(b"down").await else {
        panic!("a store that is down closes the route");
    };
    assert!(matches!(error, StoreError::Timeout | StoreError::Failed(_)));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "bounded: {:?}",
        started.elapsed()
    );

    server.restart();
    let mut admitted = false;
    for _ in 0..50 {
        if let Admission::Proceed(ticket) = admit(b"back").await {
            ticket.settle(true).await;
            admitted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(admitted, "deliveries flow again once Redis is back");
    assert!(matches!(
        admit(b"back").await,
        Admission::Refuse(Refusal::Duplicate)
    ));
}

#[tokio::test]
async fn a_failed_handler_releases_and_a_dropped_ticket_is_released() {
    let verifier = hookverify_core::Verifier::github("secret").unwrap();
    let guard = Guard::in_memory();
    let body = b"{}";
    let headers = verifier
        .sign(body, &hookverify_core::SignOptions::at(verifier.now()))
        .unwrap();
    let verified = verifier.verify(&headers, body, verifier.now()).unwrap();

    let Admission::Proceed(ticket) = guard.admit(&verifier, &verified, body).await else {
        panic!("admitted");
    };
    assert!(matches!(
        guard.admit(&verifier, &verified, body).await,
        Admission::Refuse(Refusal::InFlight)
    ));
    ticket.settle(false).await;

    let Admission::Proceed(ticket) = guard.admit(&verifier, &verified, body).await else {
        panic!("released, so the retry is handled");
    };
    drop(ticket);
    tokio::task::yield_now().await;
    let Admission::Proceed(ticket) = guard.admit(&verifier, &verified, body).await else {
        panic!("a dropped ticket is released");
    };
    ticket.settle(true).await;
    assert!(matches!(
        guard.admit(&verifier, &verified, body).await,
        Admission::Refuse(Refusal::Duplicate)
    ));
}
