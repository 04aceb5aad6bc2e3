//! The log lines the adapters write, through [`tracing`], so that every adapter (and one of
//! your own) says the same thing the same way.
//!
//! Rejections are frequent on a public endpoint and chosen by whoever sends them, so they are
//! logged at a level the operator picks (the adapters default to DEBUG) under the target
//! `hookverify::rejection`, with the scheme, the status, [`VerifyError::reason`] — a fixed
//! phrase — and [`VerifyError::header`], the name of the header or field at fault: never a
//! timestamp, a URL, a header value, a signature or the body. Answered
//! handshakes are logged at DEBUG under `hookverify::handshake`.

use tracing::Level;

use crate::format::FormatError;
use crate::{HandshakeAnswer, VerifyError};

/// The level the adapters log rejections at unless told otherwise.
pub const DEFAULT_REJECTION_LEVEL: Level = Level::DEBUG;

/// Emits `$message` with `$fields` at the runtime `$level` (tracing's macros want a constant).
macro_rules! event_at {
    ($level:expr, $($fields:tt)*) => {
        match $level {
            Level::ERROR => tracing::error!($($fields)*),
            Level::WARN => tracing::warn!($($fields)*),
            Level::INFO => tracing::info!($($fields)*),
            Level::DEBUG => tracing::debug!($($fields)*),
            _ => tracing::trace!($($fields)*),
        }
    };
}

/// Logs a rejected delivery of `scheme` at `level`, with the header or field at fault (its
/// name, from the scheme, never its value) when there is one.
pub fn rejection(error: &VerifyError, scheme: &str, level: Level) {
    event_at!(
        level,
        target: "hookverify::rejection",
        scheme,
        status = error.status_code(),
        reason = error.reason(),
        header = error.header(),
        "rejected webhook delivery"
    );
}

/// Logs a verified body of `scheme` that did not parse as the handler's type, at `level`: the
/// format's kind only, never the parser's message (which may quote the body).
pub fn unparsable(error: &FormatError, scheme: &str, level: Level) {
    let reason = match error {
        FormatError::InvalidJson(_) => "invalid JSON",
        FormatError::InvalidForm(_) | FormatError::MissingPayload => "invalid form",
        FormatError::InvalidXml(_) => "invalid XML",
        FormatError::XmlDoctype | FormatError::XmlTooDeep { .. } => "refused XML",
    };
    event_at!(
        level,
        target: "hookverify::rejection",
        scheme,
        status = error.status_code(),
        reason,
        "verified webhook body did not parse"
    );
}

/// Logs an answered handshake of `scheme`, at DEBUG.
pub fn handshake(answer: &HandshakeAnswer, scheme: &str) {
    tracing::debug!(
        target: "hookverify::handshake",
        scheme,
        handshake = %answer.handshake(),
        status = answer.status(),
        "answered webhook handshake"
    );
}
