//! An arbitrary scheme, secrets, headers, body, chunking and clock never panic, and streaming agrees with one-shot.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookverify_test_support::fuzz::verify(data));
