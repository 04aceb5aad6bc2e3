//! Arbitrary bytes as an `X-Hub-Signature-256` (or legacy `X-Hub-Signature`) value never verify and never panic.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookverify_test_support::fuzz::github_signature(data));
