//! `examples/receiver_axum.rs` and `examples/receiver_actix.rs`, started as processes with
//! every provider's key and driven over HTTP by the shared receiver suite: signed and forged
//! deliveries of nine providers, every handshake, body formats, a forged `Host` against the
//! public URL, and methods the routes do not take.

use std::process::Command;

use hookverify_test_support::receiver::{self, Keys, Receiver};
use hookverify_test_support::{ServerProcess, example};

/// Starts the example `name` with every key of `keys`.
fn start(name: &str, keys: &Keys) -> (ServerProcess, Receiver) {
    let mut command: Command = example(name);
    command
        .envs(keys.env())
        .env("PORT", "0")
        .env("RUST_LOG", "warn");
    let server = ServerProcess::start(command);
    let receiver = Receiver::new(server.addr(), keys.clone());
    (server, receiver)
}

async fn every_check(name: &str) {
    let keys = Keys::for_tests();
    let (_server, receiver) = start(name, &keys);
    receiver::every_provider_delivers(&receiver).await;
    receiver::every_handshake_is_answered(&receiver).await;
    receiver::the_public_url_ignores_a_forged_host(&receiver).await;
    receiver::bodies_and_methods_are_bounded(&receiver).await;
}

#[tokio::test]
async fn the_axum_receiver_answers_every_provider() {
    every_check("receiver_axum").await;
}

#[tokio::test]
async fn the_actix_receiver_answers_every_provider() {
    every_check("receiver_actix").await;
}
