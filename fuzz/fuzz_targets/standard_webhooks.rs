//! Arbitrary `webhook-id`, `webhook-timestamp` and `webhook-signature` values (one per line) never verify and never panic.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookverify_test_support::fuzz::standard_webhooks(data));
