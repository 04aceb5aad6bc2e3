//! Behaviour both adapters must have under hostile clients, written once: each adapter's test
//! starts its own server (with the limits of [`Served`]) and runs every function here against
//! it.

use std::time::Duration;

use hookverify_core::BodyBudget;

use crate::hostile::{Target, eventually};

/// The first reservation of a body buffer (core's), which the budget checks count in.
pub const FIRST_RESERVATION: usize = 64 * 1024;
/// The body limit the suite's servers use.
pub const MAX_BODY_SIZE: usize = 2 * 1024 * 1024;
/// The body deadline the suite's servers use.
pub const BODY_TIMEOUT: Duration = Duration::from_millis(500);
/// The budget the suite's servers use: exactly two first reservations.
pub const BUDGET: usize = 2 * FIRST_RESERVATION;

/// A server under test: a verified route with a [`MAX_BODY_SIZE`] limit, a [`BODY_TIMEOUT`]
/// body deadline, and a shared budget of [`BUDGET`] bytes that the test can watch.
#[derive(Debug)]
#[non_exhaustive]
pub struct Served {
    /// The verified route.
    pub target: Target,
    /// The budget its deliveries are charged to.
    pub budget: BodyBudget,
}

impl Served {
    /// The route `target`, whose deliveries are charged to `budget`.
    #[must_use]
    pub const fn new(target: Target, budget: BodyBudget) -> Self {
        Self { target, budget }
    }
}

/// Long enough for anything on loopback; a bug fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(10);

/// A delivery whose body stalls is answered 408 once the deadline passes (not before), and
/// what it had buffered is given back.
///
/// # Panics
///
/// When the server does otherwise.
pub async fn slow_body_is_answered_408_and_its_buffer_freed(served: &Served) {
    let (answer, took) = served.target.slow_body(PATIENCE).await;
    let answer = answer.expect("a slow body gets an answer");
    assert_eq!(answer.status, 408, "{}", answer.head);
    assert!(took >= BODY_TIMEOUT, "answered after {took:?}");
    assert!(took < BODY_TIMEOUT * 6, "answered after {took:?}");
    assert!(
        eventually(PATIENCE, || served.budget.in_use() == 0).await,
        "{} bytes still charged",
        served.budget.in_use()
    );
}

/// A delivery that announces the whole limit and sends two bytes holds one first reservation,
/// not the announced length.
///
/// # Panics
///
/// When the server does otherwise.
pub async fn an_announced_length_is_not_reserved(served: &Served) {
    let open = served.target.partial_bodies(1, MAX_BODY_SIZE, 2).await;
    assert_eq!(open.len(), 1);
    assert!(
        eventually(PATIENCE, || served.budget.in_use() == FIRST_RESERVATION).await,
        "{} bytes charged for a 2-byte body announcing {MAX_BODY_SIZE}",
        served.budget.in_use()
    );
    drop(open);
    assert!(eventually(PATIENCE, || served.budget.in_use() == 0).await);
}

/// Once the deliveries in flight fill the budget, the next is answered 503; when they end, the
/// budget is whole again and deliveries go through.
///
/// # Panics
///
/// When the server does otherwise.
pub async fn the_budget_refuses_deliveries_past_it_and_recovers(served: &Served) {
    let holders = served.target.partial_bodies(2, MAX_BODY_SIZE, 2).await;
    assert!(
        eventually(PATIENCE, || served.budget.in_use() == BUDGET).await,
        "{} of {BUDGET} bytes charged",
        served.budget.in_use()
    );
    let refused = served.target.deliver(PATIENCE).await.expect("an answer");
    assert_eq!(refused.status, 503, "{}", refused.head);
    assert!(refused.text().contains("busy"), "{}", refused.text());

    drop(holders);
    assert!(
        eventually(PATIENCE, || served.budget.in_use() == 0).await,
        "{} bytes still charged after the holders left",
        served.budget.in_use()
    );
    let accepted = served.target.deliver(PATIENCE).await.expect("an answer");
    assert_eq!(accepted.status, 200, "{}", accepted.head);
}

/// `Expect: 100-continue` on an unsigned delivery is answered 401 at once, never
/// `100 Continue`; a signed one is asked for its body and verified.
///
/// # Panics
///
/// When the server does otherwise.
pub async fn expect_continue_is_refused_to_unsigned_deliveries(served: &Served) {
    let (first, _) = served.target.expect_continue(false, PATIENCE).await;
    let first = first.expect("an answer without the body");
    assert_eq!(first.status, 401, "{}", first.head);

    let (first, mut connection) = served.target.expect_continue(true, PATIENCE).await;
    let first = first.expect("an answer to a signed head");
    assert_eq!(first.status, 100, "{}", first.head);
    connection
        .send(crate::hostile::BODY)
        .await
        .expect("the body is sent");
    let answer = connection.response(PATIENCE).await.expect("an answer");
    assert_eq!(answer.status, 200, "{}", answer.head);
}

/// With `slow` deliveries stalled mid-body, a good one is still answered at once.
///
/// # Panics
///
/// When the server does otherwise.
pub async fn a_delivery_is_answered_promptly_amid_stalled_ones(served: &Served, slow: usize) {
    // Each stalled delivery holds a single byte: they all fit the budget.
    let open = served.target.partial_bodies(slow, MAX_BODY_SIZE, 1).await;
    assert_eq!(open.len(), slow);
    let answer = served
        .target
        .deliver(Duration::from_secs(2))
        .await
        .expect("an answer within 2 s");
    assert_eq!(answer.status, 200, "{}", answer.head);
    drop(open);
}

// ==== servers as processes: what every hardened server must do ====

/// How long a hardened server gives each client: for the request head (and idle and silent
/// connections), and for the whole request.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Deadlines {
    /// The head deadline, with slack.
    pub head: Duration,
    /// The whole-request deadline, with slack.
    pub request: Duration,
}

impl Deadlines {
    /// A head deadline and a request deadline, each with slack for a loaded machine.
    #[must_use]
    pub const fn new(head: Duration, request: Duration) -> Self {
        Self { head, request }
    }
}

fn is_success(answer: Option<&crate::Response>) -> bool {
    answer.is_some_and(|answer| (200..300).contains(&answer.status))
}

/// Slow, silent and idle clients are closed within the head deadline, a stalled body is
/// answered 408 within the request deadline, and a delivery is answered at once while 300
/// clients stall mid-head.
///
/// # Panics
///
/// When the server does otherwise.
pub async fn every_client_is_bounded_in_time(
    server: &mut crate::ServerProcess,
    target: &Target,
    deadlines: Deadlines,
) {
    let (slow_head, silent, idle, (slow_body, took), amid_slow) = tokio::join!(
        target.slow_head_is_closed_within(deadlines.head),
        target.silent_connection_is_closed_within(deadlines.head),
        target.idle_keep_alive_is_closed_within(deadlines.head),
        target.slow_body(deadlines.request),
        async {
            let stalled = target.partial_heads(300).await;
            let answer = target.deliver(Duration::from_secs(3)).await;
            drop(stalled);
            answer
        },
    );
    assert!(slow_head, "a head sent a byte at a time stayed open");
    assert!(silent, "a silent connection stayed open");
    assert!(idle, "an idle keep-alive connection stayed open");
    let slow_body = slow_body.expect("a stalled body gets an answer");
    assert_eq!(slow_body.status, 408, "{}", slow_body.head);
    assert!(took < deadlines.request, "408 after {took:?}");
    assert!(
        is_success(amid_slow.as_ref()),
        "with 300 stalled clients a delivery got {amid_slow:?}"
    );
    assert!(server.exit_status().is_none(), "the server exited");
}

/// 600 connections announcing `announced` bytes and sending two leave the server running and
/// answering (the caller starts it under an address-space limit). Past its connection cap a
/// delivery waits for a slot, so `patience` must cover the request deadline.
///
/// # Panics
///
/// When the server dies or stops answering.
pub async fn survives_600_partial_bodies(
    server: &mut crate::ServerProcess,
    target: &Target,
    announced: usize,
    patience: Duration,
) {
    // issues/11: 600 connections announcing 2 MiB and sending two bytes each took the address
    // space past 1 GiB, and the allocator's failure aborted the process.
    let open = target.partial_bodies(600, announced, 2).await;
    let answer = target.deliver(patience).await;
    assert!(
        server.exit_status().is_none(),
        "the server died: {:?}",
        server.exit_status()
    );
    assert!(is_success(answer.as_ref()), "{answer:?}");
    drop(open);
}

/// With `cap` connections open and silent, one more is not served until one of them leaves.
///
/// # Panics
///
/// When the server serves past its cap, or not once a slot frees.
pub async fn serves_at_most(target: &Target, cap: usize) {
    let mut silent = Vec::with_capacity(cap);
    for _ in 0..cap {
        silent.push(crate::Connection::open(target.addr).await);
    }
    let mut connection = crate::Connection::open(target.addr).await;
    let mut request = target
        .signed_head(crate::hostile::BODY, crate::hostile::BODY.len())
        .into_bytes();
    request.extend_from_slice(crate::hostile::BODY);
    connection.send(request).await.expect("the request is sent");
    let early = connection.response(Duration::from_secs(1)).await;
    assert!(
        early.is_none(),
        "a connection past the cap of {cap} was served"
    );
    drop(silent.pop());
    let answer = connection.response(PATIENCE).await;
    assert!(
        is_success(answer.as_ref()),
        "once a slot freed, the waiting delivery got {answer:?}"
    );
}
