//! Calendly's and Paddle's keyed lists never verify arbitrary bytes.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookverify_test_support::fuzz::keyed_list(data));
