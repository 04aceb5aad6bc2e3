//! `hookverify listen` under hostile clients, started as a process with short deadlines: every
//! client is bounded in time and in number, a flood of partial bodies fits in 1 GiB of address
//! space, and each line logs the bytes actually read.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use hookverify_core::{SignOptions, Verifier};
use hookverify_test_support::hostile::{BODY, Target};
use hookverify_test_support::suite::{self, Deadlines};
use hookverify_test_support::{Connection, ServerProcess, address_space_limited, request_head};

const SECRET: &str = "listen-test-only-secret";
const PATIENCE: Duration = Duration::from_secs(10);

fn listen(extra: &[&str]) -> Command {
    static STORES: AtomicUsize = AtomicUsize::new(0);
    // Captures go to a file of this test's own, not the user's data directory.
    let store = std::env::temp_dir().join(format!(
        "hookverify-listen-test-{}-{}.jsonl",
        std::process::id(),
        STORES.fetch_add(1, Ordering::Relaxed)
    ));
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookverify"));
    command
        .args([
            "listen",
            "--scheme",
            "github",
            "--secret",
            SECRET,
            "--addr",
            "127.0.0.1:0",
        ])
        .arg("--store")
        .arg(store)
        .args(extra);
    command
}

fn start(command: Command) -> (ServerProcess, Target) {
    let server = ServerProcess::start(command);
    let verifier = Verifier::github(SECRET).expect("a verifier");
    let target = Target::new(server.addr(), "/hook", move |body: &[u8]| {
        verifier
            .sign(body, &SignOptions::at(SystemTime::now()))
            .expect("signing")
    });
    (server, target)
}

const SHORT: [&str; 4] = ["--header-timeout", "1s", "--body-timeout", "1s"];
/// `SHORT`'s deadlines, with slack for a loaded machine.
const DEADLINES: Deadlines = Deadlines::new(Duration::from_secs(4), Duration::from_secs(4));

#[tokio::test]
async fn every_client_is_bounded_in_time() {
    let (mut server, target) = start(listen(&SHORT));
    suite::every_client_is_bounded_in_time(&mut server, &target, DEADLINES).await;
}

#[tokio::test]
async fn survives_600_partial_bodies_in_1_gib_of_address_space() {
    let (mut server, target) = start(address_space_limited(&listen(&SHORT), 1 << 30));
    suite::survives_600_partial_bodies(&mut server, &target, 2 * 1024 * 1024, PATIENCE).await;
}

#[tokio::test]
async fn serves_at_most_max_connections() {
    let (_server, target) = start(listen(&["--max-connections", "4"]));
    suite::serves_at_most(&target, 4).await;
}

#[tokio::test]
async fn expect_continue_is_refused_to_unsigned_deliveries() {
    let (_server, target) = start(listen(&[]));
    let (first, _) = target.expect_continue(false, PATIENCE).await;
    assert_eq!(first.expect("an answer").status, 401);
    let (first, mut connection) = target.expect_continue(true, PATIENCE).await;
    assert_eq!(first.expect("an answer").status, 100);
    connection.send(BODY).await.expect("the body is sent");
    let answer = connection.response(PATIENCE).await.expect("an answer");
    assert_eq!(answer.status, 200);
}

/// The log line of the next delivery.
fn delivery_line(server: &ServerProcess) -> String {
    server
        .line_where(PATIENCE, |line| line.contains(" POST /hook "))
        .expect("a log line for the delivery")
}

#[tokio::test]
async fn each_line_logs_the_bytes_actually_read() {
    // issues/11: a fully read chunked body was logged "unread", and an unread request
    // announcing 999999 bytes was logged "999999 bytes".
    let (server, target) = start(listen(&SHORT));

    // A forged delivery, chunked: read in full, then rejected.
    let mut connection = Connection::open(target.addr).await;
    let mut headers = (target.sign)(b"another body");
    headers.push(("Transfer-Encoding".to_owned(), "chunked".to_owned()));
    let mut request = request_head("POST", "/hook", &headers, None).into_bytes();
    request.extend_from_slice(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    connection.send(request).await.expect("sent");
    assert_eq!(
        connection
            .response(PATIENCE)
            .await
            .expect("an answer")
            .status,
        401
    );
    let line = delivery_line(&server);
    assert!(
        line.ends_with("rejected 401: no signature matches, 11 bytes"),
        "{line}"
    );

    // An unsigned delivery announcing 999999 bytes: answered before its body is read.
    let mut connection = Connection::open(target.addr).await;
    let head = request_head::<&str, &str>("POST", "/hook", &[], Some(999_999));
    connection.send(head).await.expect("sent");
    assert_eq!(
        connection
            .response(PATIENCE)
            .await
            .expect("an answer")
            .status,
        401
    );
    let line = delivery_line(&server);
    assert!(
        line.ends_with("missing signature header `X-Hub-Signature-256`, body unread"),
        "{line}"
    );

    // A stalled body: cut off with what it sent.
    let (answer, _) = target.slow_body(PATIENCE).await;
    assert_eq!(answer.expect("an answer").status, 408);
    let line = delivery_line(&server);
    assert!(
        line.ends_with("rejected 408: the body was not received within 1000 ms, 10 bytes"),
        "{line}"
    );

    // A verified one.
    assert_eq!(
        target.deliver(PATIENCE).await.expect("an answer").status,
        200
    );
    let line = delivery_line(&server);
    assert!(
        line.ends_with(&format!("verified (github), {} bytes", BODY.len())),
        "{line}"
    );
}
