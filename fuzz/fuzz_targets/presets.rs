//! Every preset of the registry: arbitrary headers never verify, and streaming agrees with one-shot.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookverify_test_support::fuzz::presets(data));
