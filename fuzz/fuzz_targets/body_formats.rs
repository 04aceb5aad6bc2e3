//! Verified bodies parsed as JSON, forms, Slack payloads and XML never panic; XML with a
//! document type never parses.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookverify_test_support::fuzz::body_formats(data));
