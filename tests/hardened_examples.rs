//! The examples are what users copy, so each must run as a hardened public endpoint. These
//! tests start them as processes and attack them over loopback: slow and silent clients, idle
//! keep-alives, stalled bodies, a flood of partial bodies under a 1 GiB address-space limit,
//! and more connections than the server serves at once.

use std::process::Command;
use std::time::{Duration, SystemTime};

use hookverify::{SignOptions, Verifier};
use hookverify_test_support::hostile::{BODY, Target};
use hookverify_test_support::{Connection, ServerProcess, address_space_limited, example};

/// The examples' deadlines (`examples/common`, `examples/actix_stripe.rs`), plus slack for a
/// loaded machine.
const HEADER_DEADLINE: Duration = Duration::from_secs(10 + 3);
const REQUEST_DEADLINE: Duration = Duration::from_secs(30 + 5);
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

fn is_success(status: Option<u16>) -> bool {
    status.is_some_and(|status| (200..300).contains(&status))
}

async fn every_client_is_bounded_in_time(example: &Example) {
    let (mut server, target) = example.start(example.command());
    let (slow_head, silent, idle, (slow_body, took), amid_slow) = tokio::join!(
        target.slow_head_is_closed_within(HEADER_DEADLINE),
        target.silent_connection_is_closed_within(HEADER_DEADLINE),
        target.idle_keep_alive_is_closed_within(HEADER_DEADLINE),
        target.slow_body(REQUEST_DEADLINE),
        async {
            let stalled = target.partial_heads(300).await;
            let answer = target.deliver(Duration::from_secs(3)).await;
            drop(stalled);
            answer
        },
    );
    let name = example.name;
    assert!(
        slow_head,
        "{name}: a head sent a byte at a time stayed open"
    );
    assert!(silent, "{name}: a silent connection stayed open");
    assert!(idle, "{name}: an idle keep-alive connection stayed open");
    assert!(slow_body.is_some(), "{name}: a stalled body got no answer");
    let slow_body = slow_body.expect("checked above");
    assert_eq!(slow_body.status, 408, "{name}: {}", slow_body.head);
    assert!(took < REQUEST_DEADLINE, "{name}: 408 after {took:?}");
    assert!(
        is_success(amid_slow.as_ref().map(|answer| answer.status)),
        "{name}: with 300 stalled clients a delivery got {amid_slow:?}"
    );
    assert!(server.exit_status().is_none(), "{name} exited");
}

async fn survives_partial_bodies_under_an_address_space_limit(example: &Example) {
    // issues/11: 600 connections announcing 2 MiB and sending two bytes each took the address
    // space past 1 GiB, and the allocator's failure aborted the process.
    let limited = address_space_limited(&example.command(), 1 << 30);
    let (mut server, target) = example.start(limited);
    let open = target.partial_bodies(600, MAX_BODY_SIZE, 2).await;
    // Beyond the connection cap, a delivery waits for the stalled bodies' deadline to free a
    // slot; the server must still be there to answer it.
    let answer = target.deliver(REQUEST_DEADLINE).await;
    let name = example.name;
    assert!(
        server.exit_status().is_none(),
        "{name} died under the limit: {:?}",
        server.exit_status()
    );
    assert!(
        is_success(answer.as_ref().map(|answer| answer.status)),
        "{name}: {answer:?}"
    );
    drop(open);
}

async fn serves_a_bounded_number_of_connections(example: &Example) {
    let (_server, target) = example.start(example.command());
    let mut silent = Vec::with_capacity(MAX_CONNECTIONS);
    for _ in 0..MAX_CONNECTIONS {
        silent.push(Connection::open(target.addr).await);
    }
    let mut connection = Connection::open(target.addr).await;
    let mut request = target.signed_head(BODY, BODY.len()).into_bytes();
    request.extend_from_slice(BODY);
    connection.send(request).await.expect("the request is sent");
    let name = example.name;
    let early = connection.response(Duration::from_secs(1)).await;
    assert!(
        early.is_none(),
        "{name} served a connection beyond its cap of {MAX_CONNECTIONS}"
    );
    drop(silent.pop());
    let answer = connection.response(Duration::from_secs(5)).await;
    assert!(
        is_success(answer.as_ref().map(|answer| answer.status)),
        "{name}: once a slot freed, the waiting delivery got {answer:?}"
    );
}

#[tokio::test]
async fn axum_github_bounds_every_client_in_time() {
    every_client_is_bounded_in_time(&AXUM_GITHUB).await;
}

#[tokio::test]
async fn actix_stripe_bounds_every_client_in_time() {
    every_client_is_bounded_in_time(&ACTIX_STRIPE).await;
}

#[tokio::test]
async fn axum_github_survives_600_partial_bodies_in_1_gib() {
    survives_partial_bodies_under_an_address_space_limit(&AXUM_GITHUB).await;
}

#[tokio::test]
async fn actix_stripe_survives_600_partial_bodies_in_1_gib() {
    survives_partial_bodies_under_an_address_space_limit(&ACTIX_STRIPE).await;
}

#[tokio::test]
async fn axum_github_serves_at_most_512_connections() {
    serves_a_bounded_number_of_connections(&AXUM_GITHUB).await;
}

#[tokio::test]
async fn actix_stripe_serves_at_most_512_connections() {
    serves_a_bounded_number_of_connections(&ACTIX_STRIPE).await;
}
