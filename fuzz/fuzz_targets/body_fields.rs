//! Mailgun's and Linear's signed body fields never verify arbitrary bodies, and are read
//! without serde_json exactly as serde_json reads them; Twilio's form parameters are read as
//! form_urlencoded reads them.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookverify_test_support::fuzz::body_fields(data));
