//! Signing then verifying an arbitrary delivery succeeds; one mutation of body, signature or timestamp makes it fail.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookverify_test_support::fuzz::roundtrip(data));
