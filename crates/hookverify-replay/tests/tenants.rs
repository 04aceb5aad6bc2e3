//! `Tenants`: a verifier per tenant, from the service's resolver, cached with a TTL.
//!
//! Time is Tokio's paused clock, so TTLs and timeouts are exact and the tests do not sleep.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hookverify_core::{Scheme, SignOptions, Verifier, VerifyError};
use hookverify_replay::{Head, MAX_TENANT_LEN, ResolveError, Tenants};

/// Test-only secrets of two tenants.
const ACME: &str = "whsec_test_only_acme";
const GLOBEX: &str = "whsec_test_only_globex";

/// A resolver over a fixed table that counts its calls; `boom` fails, `slow` never answers,
/// `wrong` answers with a GitHub verifier.
fn tenants(calls: &Arc<AtomicUsize>) -> Tenants {
    let calls = Arc::clone(calls);
    Tenants::new(
        Scheme::stripe(),
        |head: &Head<'_>| head.path().strip_prefix("/webhooks/").map(str::to_owned),
        move |tenant: String| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move {
                let verifier = match tenant.as_str() {
                    "acme" => Verifier::stripe(ACME)?,
                    "globex" => Verifier::stripe(GLOBEX)?,
                    "boom" => return Err("database unreachable".into()),
                    "slow" => std::future::pending().await,
                    "wrong" => Verifier::github(ACME)?,
                    _ => return Ok(None),
                };
                Ok::<_, ResolveError>(Some(verifier))
            }
        },
    )
}

async fn lookup(tenants: &Tenants, path: &str) -> Result<Verifier, VerifyError> {
    let headers: [(&str, &str); 0] = [];
    tenants.lookup(&Head::new("POST", path, &headers)).await
}

/// Whether `verifier` verifies a delivery signed with `secret`.
fn verifies_with(verifier: &Verifier, secret: &str) -> bool {
    let signer = Verifier::stripe(secret).expect("a valid test secret");
    let body = br#"{"id":"evt_1"}"#;
    let headers = signer
        .sign(body, &SignOptions::at(signer.now()))
        .expect("signs");
    verifier.verify(&headers, body, verifier.now()).is_ok()
}

#[tokio::test(start_paused = true)]
async fn a_tenant_is_loaded_once_and_served_from_the_cache_until_its_ttl() {
    let calls = Arc::new(AtomicUsize::new(0));
    let tenants = tenants(&calls).ttl(Duration::from_secs(60));
    let headers: [(&str, &str); 0] = [];
    let head = Head::new("POST", "/webhooks/acme?x=1", &headers);

    assert!(
        tenants.lookup(&head).now().is_err(),
        "the first lookup asks the resolver"
    );
    let verifier = lookup(&tenants, "/webhooks/acme?x=1")
        .await
        .expect("acme is known");
    assert!(verifies_with(&verifier, ACME));
    assert!(
        !verifies_with(&verifier, GLOBEX),
        "one tenant's key never verifies another's delivery"
    );

    let cached = tenants
        .lookup(&head)
        .now()
        .expect("the second lookup is answered at once");
    assert!(verifies_with(&cached.expect("acme"), ACME));
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    tokio::time::advance(Duration::from_secs(60)).await;
    assert!(
        tenants.lookup(&head).now().is_err(),
        "after the TTL the resolver is asked again"
    );
    lookup(&tenants, "/webhooks/acme")
        .await
        .expect("still known");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn an_unknown_tenant_is_a_forgery_and_remembered_for_the_shorter_ttl() {
    let calls = Arc::new(AtomicUsize::new(0));
    let tenants = tenants(&calls).unknown_ttl(Duration::from_secs(5));

    let error = lookup(&tenants, "/webhooks/initech").await.unwrap_err();
    assert_eq!(error, VerifyError::UnknownTenant);
    assert_eq!(error.status_code(), 401);
    assert_eq!(
        lookup(&tenants, "/webhooks/initech").await.unwrap_err(),
        VerifyError::UnknownTenant
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the unknown tenant is cached"
    );

    tokio::time::advance(Duration::from_secs(5)).await;
    lookup(&tenants, "/webhooks/initech").await.unwrap_err();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn a_request_naming_no_tenant_or_a_huge_one_never_reaches_the_resolver() {
    let calls = Arc::new(AtomicUsize::new(0));
    let tenants = tenants(&calls);
    let headers: [(&str, &str); 0] = [];

    let none = tenants
        .lookup(&Head::new("POST", "/elsewhere", &headers))
        .now();
    assert_eq!(
        none.expect("answered at once").unwrap_err(),
        VerifyError::UnknownTenant
    );
    let huge = format!("/webhooks/{}", "a".repeat(MAX_TENANT_LEN + 1));
    let huge = tenants.lookup(&Head::new("POST", &huge, &headers)).now();
    assert_eq!(
        huge.expect("answered at once").unwrap_err(),
        VerifyError::UnknownTenant
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn a_failing_or_slow_resolver_is_503_and_not_cached() {
    let calls = Arc::new(AtomicUsize::new(0));
    let tenants = tenants(&calls).timeout(Duration::from_secs(1));

    let error = lookup(&tenants, "/webhooks/boom").await.unwrap_err();
    assert_eq!(error, VerifyError::KeysUnavailable);
    assert_eq!(error.status_code(), 503);
    lookup(&tenants, "/webhooks/boom").await.unwrap_err();
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "a failure is not remembered"
    );

    let started = tokio::time::Instant::now();
    assert_eq!(
        lookup(&tenants, "/webhooks/slow").await.unwrap_err(),
        VerifyError::KeysUnavailable
    );
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(1),
        "bounded by the timeout"
    );
    assert_eq!(tenants.cached(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_verifier_of_another_scheme_is_refused() {
    let calls = Arc::new(AtomicUsize::new(0));
    let tenants = tenants(&calls);
    assert_eq!(
        lookup(&tenants, "/webhooks/wrong").await.unwrap_err(),
        VerifyError::KeysUnavailable
    );
}

#[tokio::test(start_paused = true)]
async fn a_flood_of_distinct_tenants_stays_within_the_capacity() {
    let calls = Arc::new(AtomicUsize::new(0));
    let tenants = tenants(&calls).capacity(100);
    lookup(&tenants, "/webhooks/acme").await.expect("acme");
    tokio::time::advance(Duration::from_secs(1)).await;
    for n in 0..1_000 {
        lookup(&tenants, &format!("/webhooks/stranger-{n}"))
            .await
            .unwrap_err();
        assert!(tenants.cached() <= 100);
    }
    assert_eq!(tenants.cached(), 100);
    assert_eq!(calls.load(Ordering::SeqCst), 1_001);
}

#[test]
fn a_head_reads_the_path_query_and_first_header() {
    let headers = [("Stripe-Account", "acct_1"), ("stripe-account", "acct_2")];
    let head = Head::new("POST", "/webhooks/acme?mode=live", &headers);
    assert_eq!(head.method(), "POST");
    assert_eq!(head.path(), "/webhooks/acme");
    assert_eq!(head.query(), Some("mode=live"));
    assert_eq!(head.header("stripe-account"), Some("acct_1"));
    assert_eq!(head.header("x-missing"), None);
    assert_eq!(Head::new("GET", "/", &headers).query(), None);
}
