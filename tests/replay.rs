//! Two instances on one real Redis (`redis-server`, started for the test) — one of
//! `examples/receiver_axum.rs` (the tower layer), one of `examples/receiver_actix.rs` (the
//! guarded actix extractor) —: replays and duplicates are refused across instances, one event
//! runs its handler once however many copies race, a failed handler lets the retry through,
//! and Redis down closes the routes until it is back.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use hookverify_test_support::receiver::{Keys, Receiver};
use hookverify_test_support::{RedisServer, ServerProcess, example};

/// An instance of the receiver `example` on `redis`.
fn instance(example_name: &str, keys: &Keys, redis: &RedisServer) -> (ServerProcess, Receiver) {
    let mut command: Command = example(example_name);
    command
        .envs(keys.env())
        .env("PORT", "0")
        .env("REDIS_URL", redis.url())
        .env("RUST_LOG", "warn");
    let server = ServerProcess::start(command);
    let receiver = Receiver::new(server.addr(), keys.clone());
    (server, receiver)
}

const DUPLICATE: &str = "duplicate delivery: already handled";

fn event(id: &str, fail: bool) -> Vec<u8> {
    format!(r#"{{"id":"{id}","object":"event","type":"invoice.paid","fail":{fail}}}"#).into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_redis_handle_each_delivery_once() {
    let mut redis = RedisServer::start();
    let keys = Keys::for_tests();
    let (_a, first) = instance("receiver_axum", &keys, &redis);
    let (_b, second) = instance("receiver_actix", &keys, &redis);

    // A Stripe event handled by one instance is a duplicate at the other, even as a retry with
    // a fresh timestamp and signature.
    let body = event("evt_shared", false);
    let answer = first
        .post_signed("stripe", &first.signed("stripe", &body), &body)
        .await;
    assert_eq!(
        (answer.status, answer.text().trim_end()),
        (200, "stripe processed evt_shared invoice.paid")
    );
    let retry = second.signed("stripe", &body);
    let answer = second.post_signed("stripe", &retry, &body).await;
    assert_eq!((answer.status, answer.text().as_str()), (200, DUPLICATE));

    // A captured GitHub delivery (no timestamp, no signed id) replayed to the other instance
    // is not handled again, whatever unsigned header it changes.
    let push = br#"{"ref":"refs/heads/main"}"#;
    let mut captured = first.signed("github", push);
    captured.push(("X-GitHub-Event".to_owned(), "push".to_owned()));
    let answer = first.post_signed("github", &captured, push).await;
    assert_eq!(
        (answer.status, answer.text().trim_end()),
        (200, "github push")
    );
    captured.push((
        "X-GitHub-Delivery".to_owned(),
        "a-new-delivery-id".to_owned(),
    ));
    let answer = second.post_signed("github", &captured, push).await;
    assert_eq!((answer.status, answer.text().as_str()), (200, DUPLICATE));

    // 50 copies of one new event, racing across both instances: the handler runs once.
    let (first, second) = (Arc::new(first), Arc::new(second));
    fifty_racing_copies_run_the_handler_once(&first, &second).await;

    // A handler that fails releases the event: the provider's retry is handled.
    let failing = event("evt_flaky", true);
    let answer = first
        .post_signed("stripe", &first.signed("stripe", &failing), &failing)
        .await;
    assert_eq!(
        (answer.status, answer.text().trim_end()),
        (500, "stripe failed evt_flaky")
    );
    let fixed = event("evt_flaky", false);
    let answer = second
        .post_signed("stripe", &second.signed("stripe", &fixed), &fixed)
        .await;
    assert_eq!(
        (answer.status, answer.text().trim_end()),
        (200, "stripe processed evt_flaky invoice.paid")
    );

    // Redis down: 503 and no handler run, on every route. Redis back: deliveries flow.
    redis.stop();
    let body = event("evt_during_outage", false);
    let answer = first
        .post_signed("stripe", &first.signed("stripe", &body), &body)
        .await;
    assert_eq!(answer.status, 503, "{}", answer.text());
    assert!(!answer.text().contains("processed"));
    let answer = second
        .post_signed("stripe", &second.signed("stripe", &body), &body)
        .await;
    assert_eq!(answer.status, 503, "actix: {}", answer.text());
    let answer = second
        .post_signed("github", &second.signed("github", push), push)
        .await;
    assert_eq!(
        answer.status,
        503,
        "actix, a replay-guarded route: {}",
        answer.text()
    );
    redis.restart();
    let mut flowing = false;
    for _ in 0..50 {
        let answer = first
            .post_signed("stripe", &first.signed("stripe", &body), &body)
            .await;
        if answer.status == 200 {
            assert_eq!(
                answer.text().trim_end(),
                "stripe processed evt_during_outage invoice.paid"
            );
            flowing = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(flowing, "deliveries flow again once Redis is back");
}

/// 50 copies of one new event, signed afresh as retries are, sent at once to both instances:
/// one runs the handler, the others are duplicates (200) or wait for it (409).
async fn fifty_racing_copies_run_the_handler_once(first: &Arc<Receiver>, second: &Arc<Receiver>) {
    let body = event("evt_raced", false);
    let mut copies = tokio::task::JoinSet::new();
    for n in 0..50 {
        let receiver = Arc::clone(if n % 2 == 0 { first } else { second });
        let body = body.clone();
        copies.spawn(async move {
            let headers = receiver.signed("stripe", &body);
            receiver.post_signed("stripe", &headers, &body).await
        });
    }
    let answers = copies.join_all().await;
    let processed = answers
        .iter()
        .filter(|answer| answer.text().starts_with("stripe processed evt_raced"))
        .count();
    assert_eq!(
        processed,
        1,
        "{:?}",
        answers
            .iter()
            .map(|a| (a.status, a.text()))
            .collect::<Vec<_>>()
    );
    for answer in &answers {
        let text = answer.text();
        let expected = match answer.status {
            200 => text.starts_with("stripe processed evt_raced") || text == DUPLICATE,
            409 => text == "delivery already in progress: retry later",
            _ => false,
        };
        assert!(expected, "{} {text}", answer.status);
    }
}
