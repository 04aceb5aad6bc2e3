//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) through the same properties the
//! fuzz targets check, so stable `cargo test --all-features` covers every seed and every
//! regression input without nightly or cargo-fuzz.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::path::PathBuf;

use hookverify_test_support::fuzz;

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut inputs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no corpus for {target}");
    inputs
}

macro_rules! replay {
    ($($target:ident),* $(,)?) => {$(
        #[test]
        fn $target() {
            for (name, input) in corpus(stringify!($target)) {
                // A failing property panics; name the input that broke it.
                let outcome = std::panic::catch_unwind(|| fuzz::$target(&input));
                assert!(outcome.is_ok(), "{}: corpus input {name} breaks the property", stringify!($target));
            }
        }
    )*};
}

replay!(
    stripe_signature,
    github_signature,
    standard_webhooks,
    hmac_scheme,
    verify,
    roundtrip,
    keyed_list,
    timestamps,
    request_urls,
    body_fields,
    asymmetric_signatures,
    presets,
    handshakes,
    body_formats,
);
