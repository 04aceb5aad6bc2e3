//! What the fuzz targets and benchmarks need from inside the crate; the fuzz properties
//! themselves live in `hookverify-test-support` (feature `fuzz`), on the public API.

use std::time::SystemTime;

use crate::{Scheme, SignOptions, TimestampFormat};

/// `time` written as `scheme` writes its timestamps.
#[must_use]
pub fn timestamp_text(scheme: &Scheme, time: SystemTime) -> String {
    scheme.timestamp_format().format(time)
}

/// The exact bytes `signer` signs for `body`: what a bare primitive must hash to be compared
/// with verification fairly.
///
/// # Errors
///
/// As [`Signer::sign`](crate::Signer::sign).
pub fn signed_message(
    signer: &crate::Signer,
    body: &[u8],
    options: &SignOptions<'_>,
) -> Result<Vec<u8>, crate::SignError> {
    let seen = std::cell::RefCell::new(Vec::new());
    signer.sign_observed(body, options, &|message| {
        seen.borrow_mut().clear();
        seen.borrow_mut().extend_from_slice(message);
    })?;
    Ok(seen.into_inner())
}

/// The JSON fields Mailgun and Linear read, found without `serde_json`, are what `serde_json`
/// finds whenever the quick reader answers.
#[allow(
    clippy::missing_panics_doc,
    reason = "an assertion is how a fuzz property reports a bug"
)]
pub fn json_fields(data: &[u8]) {
    crate::scheme::json::check_against_serde_json(data);
}

/// Twilio's form parameters, decoded on the stack in one pass, are what `form_urlencoded`
/// reads, sorted and without duplicates.
#[allow(
    clippy::missing_panics_doc,
    reason = "an assertion is how a fuzz property reports a bug"
)]
pub fn twilio_form(data: &[u8]) {
    crate::scheme::twilio::check_form_against_form_urlencoded(data);
}

/// Timestamps in every format: arbitrary text never panics, and what parses is written back
/// (as the signer would) into text that parses to the same instant.
#[allow(
    clippy::missing_panics_doc,
    reason = "an assertion is how a fuzz property reports a bug"
)]
pub fn timestamps(data: &[u8]) {
    for format in [
        TimestampFormat::UnixSeconds,
        TimestampFormat::UnixMillis,
        TimestampFormat::Rfc3339,
    ] {
        let Ok(millis) = format.parse(data) else {
            continue;
        };
        let Some(time) = crate::timestamp::time(millis) else {
            continue;
        };
        let written = format.format(time);
        let again = format.parse(written.as_bytes());
        let expected = match format {
            // Seconds drop the milliseconds.
            TimestampFormat::UnixSeconds => millis / 1000 * 1000,
            _ => millis,
        };
        assert_eq!(
            again,
            Ok(expected),
            "{format:?}: {written} does not round-trip"
        );
    }
}
