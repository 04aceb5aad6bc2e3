//! The examples are what users copy, so each must run as a hardened public endpoint. These
//! tests start them as processes and attack them over loopback: slow and silent clients, idle
//! keep-alives, stalled bodies, a flood of partial bodies under a 1 GiB address-space limit,
//! and more connections than the server serves at once.

use std::process::Command;
use std::time::{Duration, SystemTime};

use hookverify::{SignOptions, Verifier};
use hookverify_test_support::hostile::Target;
use hookverify_test_support::suite::{self, Deadlines};
use hookverify_test_support::{ServerProcess, address_space_limited, example};

/// The examples' deadlines (`examples/common`, `examples/actix_stripe.rs`: 10 s for the head,
/// 30 s for the request), with slack for a loaded machine.
const DEADLINES: Deadlines = Deadlines::new(Duration::from_secs(13), Duration::from_secs(35));
const MAX_CONNECTIONS: usize = 512;
const MAX_BODY_SIZE: usize = 2 * 1024 * 1024;

const GITHUB_SECRET: &str = "hardening-test-only-secret";
const STRIPE_SECRET: &str = "whsec_hardeningTestOnlySecret";

/// An example, its route, and how to sign for it.
struct Example {
    name: &'static str,
    path: &'static str,
    env: (&'static str, &'static str),
    verifier: fn() -> Verifier,
}

const AXUM_GITHUB: Example = Example {
    name: "axum_github",
    path: "/webhook",
    env: ("GITHUB_WEBHOOK_SECRET", GITHUB_SECRET),
    verifier: || Verifier::github(GITHUB_SECRET).expect("a verifier"),
};

const ACTIX_STRIPE: Example = Example {
    name: "actix_stripe",
    path: "/webhooks/stripe",
    env: ("STRIPE_WEBHOOK_SECRET", STRIPE_SECRET),
    verifier: || Verifier::stripe(STRIPE_SECRET).expect("a verifier"),
};

impl Example {
    fn command(&self) -> Command {
        let mut command = example(self.name);
        command
            .env(self.env.0, self.env.1)
            .env("PORT", "0")
            .env("RUST_LOG", "warn");
        command
    }

    fn start(&self, command: Command) -> (ServerProcess, Target) {
        let server = ServerProcess::start(command);
        let verifier = (self.verifier)();
        let target = Target::new(server.addr(), self.path, move |body: &[u8]| {
            // A real process checks against the real clock.
            verifier
                .sign(body, &SignOptions::at(SystemTime::now()))
                .expect("signing")
        });
        (server, target)
    }
}

#[tokio::test]
async fn axum_github_bounds_every_client_in_time() {
    let (mut server, target) = AXUM_GITHUB.start(AXUM_GITHUB.command());
    suite::every_client_is_bounded_in_time(&mut server, &target, DEADLINES).await;
}

#[tokio::test]
async fn actix_stripe_bounds_every_client_in_time() {
    let (mut server, target) = ACTIX_STRIPE.start(ACTIX_STRIPE.command());
    suite::every_client_is_bounded_in_time(&mut server, &target, DEADLINES).await;
}

#[tokio::test]
async fn axum_github_survives_600_partial_bodies_in_1_gib() {
    let limited = address_space_limited(&AXUM_GITHUB.command(), 1 << 30);
    let (mut server, target) = AXUM_GITHUB.start(limited);
    suite::survives_600_partial_bodies(&mut server, &target, MAX_BODY_SIZE, DEADLINES.request)
        .await;
}

#[tokio::test]
async fn actix_stripe_survives_600_partial_bodies_in_1_gib() {
    let limited = address_space_limited(&ACTIX_STRIPE.command(), 1 << 30);
    let (mut server, target) = ACTIX_STRIPE.start(limited);
    suite::survives_600_partial_bodies(&mut server, &target, MAX_BODY_SIZE, DEADLINES.request)
        .await;
}

#[tokio::test]
async fn axum_github_serves_at_most_512_connections() {
    let (_server, target) = AXUM_GITHUB.start(AXUM_GITHUB.command());
    suite::serves_at_most(&target, MAX_CONNECTIONS).await;
}

#[tokio::test]
async fn actix_stripe_serves_at_most_512_connections() {
    let (_server, target) = ACTIX_STRIPE.start(ACTIX_STRIPE.command());
    suite::serves_at_most(&target, MAX_CONNECTIONS).await;
}
