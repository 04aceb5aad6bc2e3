//! A generic HMAC scheme with an arbitrary configuration builds or fails cleanly, verifies its own signatures and rejects arbitrary headers.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookverify_test_support::fuzz::hmac_scheme(data));
