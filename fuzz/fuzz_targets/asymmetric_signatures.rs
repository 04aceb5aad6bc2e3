//! Ed25519 (Discord) and DER ECDSA (SendGrid) signatures never verify arbitrary bytes.

#![no_main]

libfuzzer_sys::fuzz_target!(
    |data: &[u8]| hookverify_test_support::fuzz::asymmetric_signatures(data)
);
