//! Verifies GitHub's published example delivery, then a tampered and an unsigned copy of it.
//!
//! ```sh
//! cargo run --example verify_github
//! ```
//!
//! The secret, body and signature are the example from GitHub's "Validating webhook
//! deliveries" page.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "an example reports to the terminal"
)]

use std::process::ExitCode;
use std::time::SystemTime;

use hookverify::{SignOptions, Verifier};
use http::{HeaderMap, HeaderValue};

fn main() -> ExitCode {
    let verifier = match Verifier::github("It's a Secret to Everybody") {
        Ok(verifier) => verifier,
        Err(err) => {
            eprintln!("cannot build the verifier: {err}");
            return ExitCode::FAILURE;
        }
    };

    let mut signed = HeaderMap::new();
    signed.insert(
        "x-hub-signature-256",
        HeaderValue::from_static(
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        ),
    );
    let now = SystemTime::now();

    let cases: [(&str, &HeaderMap, &[u8], bool); 3] = [
        ("GitHub's example delivery", &signed, b"Hello, World!", true),
        (
            "the same signature, body changed",
            &signed,
            b"Hello, World?",
            false,
        ),
        (
            "no signature header",
            &HeaderMap::new(),
            b"Hello, World!",
            false,
        ),
    ];

    let mut all_as_expected = true;
    for (what, headers, body, should_pass) in cases {
        let outcome = verifier.verify(headers, body, now);
        let line = match &outcome {
            Ok(delivery) => format!("verified by scheme `{}`", delivery.scheme()),
            Err(err) => format!("rejected with {}: {err}", err.status_code()),
        };
        let as_expected = outcome.is_ok() == should_pass;
        all_as_expected &= as_expected;
        println!(
            "{:<34} {line}{}",
            format!("{what}:"),
            if as_expected { "" } else { "  <-- unexpected" }
        );
    }

    // Signing is the mirror image: these are the headers GitHub would send.
    match verifier.sign(b"Hello, World!", &SignOptions::at(now)) {
        Ok(headers) => {
            for (name, value) in headers {
                println!("signed: {name}: {value}");
            }
        }
        Err(err) => {
            eprintln!("cannot sign: {err}");
            return ExitCode::FAILURE;
        }
    }

    if all_as_expected {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
