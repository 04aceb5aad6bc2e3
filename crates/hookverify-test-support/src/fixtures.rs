//! The verifiers, clock and body both adapters' tests use: every verifier's clock stays at
//! [`NOW`], which deliveries are signed at.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hookverify_core::{Clock, Scheme, SignOptions, Verifier};
use hookverify_replay::{Head, ResolveError, Tenants};

/// The instant the tests' verifiers live at.
pub const NOW: u64 = 1_700_000_000;
/// A small Stripe-looking event.
pub const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;
/// The message id deliveries of schemes with ids are signed with.
pub const MESSAGE_ID: &str = "msg_2b1mrbFbVWTYo8WbMvmoj3gSgvg";

/// `secs` after the epoch.
#[must_use]
pub fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// A clock stuck at one instant.
#[derive(Debug, Clone, Copy)]
#[allow(
    clippy::exhaustive_structs,
    reason = "a test helper, built as `FixedClock(NOW)`"
)]
pub struct FixedClock(pub u64);

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        at(self.0)
    }
}

/// A verifier of `scheme` with `secrets`, whose clock (which the adapters read) stays at
/// [`NOW`].
///
/// # Panics
///
/// When a secret is not usable for the scheme.
#[must_use]
pub fn verifier(scheme: Scheme, secrets: &[&str]) -> Verifier {
    secrets
        .iter()
        .fold(Verifier::builder(scheme), |builder, secret| {
            builder.secret(secret)
        })
        .with_clock(FixedClock(NOW))
        .build()
        .expect("a verifier")
}

/// GitHub, at [`NOW`].
#[must_use]
pub fn github() -> Verifier {
    verifier(Scheme::github(), &["test-only-secret"])
}

/// Stripe, at [`NOW`].
#[must_use]
pub fn stripe() -> Verifier {
    verifier(Scheme::stripe(), &["whsec_test-only-secret"])
}

/// Standard Webhooks, at [`NOW`].
#[must_use]
pub fn standard() -> Verifier {
    // base64 of "test-only-secret"
    verifier(
        Scheme::standard_webhooks(),
        &["whsec_dGVzdC1vbmx5LXNlY3JldA=="],
    )
}

/// One verifier per scheme of the adapters' tests.
#[must_use]
pub fn all_schemes() -> Vec<Verifier> {
    vec![github(), stripe(), standard()]
}

/// A Stripe verifier holding two secrets, new first.
#[must_use]
pub fn stripe_rotating() -> Verifier {
    verifier(
        Scheme::stripe(),
        &["whsec_new-test-only-secret", "whsec_old-test-only-secret"],
    )
}

/// The headers `verifier` would sign `body` with at `secs` (with [`MESSAGE_ID`]).
///
/// # Panics
///
/// When signing fails.
#[must_use]
pub fn signed_headers(verifier: &Verifier, body: &[u8], secs: u64) -> Vec<(String, String)> {
    verifier
        .sign(body, &SignOptions::at(at(secs)).id(MESSAGE_ID))
        .expect("signing")
}

/// Where the tenants' Stripe deliveries arrive: `/tenants/{name}`.
pub const TENANT_ROUTE: &str = "/tenants/";
/// The Stripe secret of the tenant `acme`.
pub const ACME_SECRET: &str = "whsec_test-only-acme";
/// The Stripe secret of the tenant `globex`.
pub const GLOBEX_SECRET: &str = "whsec_test-only-globex";

/// Stripe keys per tenant, named by the path after [`TENANT_ROUTE`]: `acme` and `globex` are
/// known (verifiers at [`NOW`]), `down` fails as an unreachable database does, anything else
/// is unknown. Every resolver call is counted in `loads`.
#[must_use]
pub fn tenants(loads: &Arc<AtomicUsize>) -> Tenants {
    let loads = Arc::clone(loads);
    Tenants::new(
        Scheme::stripe(),
        |head: &Head<'_>| head.path().strip_prefix(TENANT_ROUTE).map(str::to_owned),
        move |tenant: String| {
            loads.fetch_add(1, Ordering::SeqCst);
            async move {
                let secret = match tenant.as_str() {
                    "acme" => ACME_SECRET,
                    "globex" => GLOBEX_SECRET,
                    "down" => return Err(ResolveError::from("the database is unreachable")),
                    _ => return Ok(None),
                };
                Ok(Some(verifier(Scheme::stripe(), &[secret])))
            }
        },
    )
}

/// What a route of [`tenants`] answers a delivery to `path` signed with `secret`, besides the
/// deliveries of `acme` and `globex` signed with their own secrets (200): `(path, secret,
/// status, body)`. Another tenant's signature is a mismatch, an unknown tenant and a path naming
/// none are said like one, and a resolver that fails is 503.
pub const TENANT_REJECTIONS: [(&str, &str, u16, &str); 4] = [
    ("/tenants/acme", GLOBEX_SECRET, 401, "no signature matches"),
    (
        "/tenants/initech",
        ACME_SECRET,
        401,
        "no keys verify this delivery",
    ),
    (
        "/elsewhere",
        ACME_SECRET,
        401,
        "no keys verify this delivery",
    ),
    (
        "/tenants/down",
        ACME_SECRET,
        503,
        "the keys for this delivery are unavailable",
    ),
];
