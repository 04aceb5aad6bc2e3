//! Twilio's URL forms and form parameters, and HubSpot's URL decoding, never verify a forgery.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookverify_test_support::fuzz::request_urls(data));
