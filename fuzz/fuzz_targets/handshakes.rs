//! Handshake decisions (Meta, Dropbox, Graph from the query; Slack, Zoom, Twitch from a signed
//! body) never panic and always answer well-formed, bounded bodies.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookverify_test_support::fuzz::handshakes(data));
