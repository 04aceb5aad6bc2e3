//! Arbitrary bytes as a `Stripe-Signature` value never verify and never panic.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookverify_test_support::fuzz::stripe_signature(data));
