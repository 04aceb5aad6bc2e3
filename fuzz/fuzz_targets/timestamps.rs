//! Unix and RFC 3339 timestamps parse without panicking and round-trip through the signer's writing.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookverify_test_support::fuzz::timestamps(data));
