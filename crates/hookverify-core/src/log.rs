//! The log lines the adapters write, through [`tracing`], so that every adapter (and one of
//! your own) says the same thing the same way.
//!
//! Rejections are frequent on a public endpoint and chosen by whoever sends them, so they are
//! logged at a level the operator picks (the adapters default to DEBUG) under the target
//! `hookverify::rejection`, with the scheme, the status, [`VerifyError::reason`] — a fixed
//! phrase — and [`VerifyError::header`], the name of the header or field at fault: never a
//! timestamp, a URL, a header value, a signature or the body. Answered
//! handshakes are logged at DEBUG under `hookverify::handshake`.
//!
//! # Metrics
//!
//! With the `metrics` feature the same calls also record, through the [`metrics`](https://docs.rs/metrics)
//! facade, into whatever recorder the application installed (Prometheus, a statsd agent, …):
//!
//! | name | kind | labels |
//! |---|---|---|
//! | `hookverify_deliveries_total` | counter | `scheme`, `outcome` ([`Outcome::as_str`]) |
//! | `hookverify_delivery_duration_seconds` | histogram | `scheme`, `outcome` |
//! | `hookverify_key_matches_total` | counter | `scheme`, `key` (the index of the key that verified: `0` is the newest) |
//!
//! The duration runs from the moment an adapter sees the request's head to its verdict, body
//! upload included. Labels are bounded: the scheme is the operator's, the outcome one of a
//! fixed set, the key index below [`MAX_SECRETS`](crate::MAX_SECRETS); never a path, an id or
//! a header value. A key index that stops being counted is a rotated-out secret no provider
//! uses any more.

#[cfg(feature = "metrics")]
use std::time::Instant;

use tracing::Level;

use crate::format::FormatError;
use crate::{HandshakeAnswer, Verified, VerifyError};

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

/// What became of a delivery: the `outcome` label of the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Verified and handed to the handler.
    Verified,
    /// No signature, or no header or field the scheme needs.
    Missing,
    /// A header, field, body or handshake the scheme cannot read.
    Malformed,
    /// A timestamp outside the tolerance.
    Stale,
    /// No signature matches, or the delivery names no known tenant.
    Mismatch,
    /// A body over the limit.
    TooLarge,
    /// A body that did not arrive within the deadline, or could not be read to its end.
    Incomplete,
    /// The server had no room for the body.
    Overloaded,
    /// A replay, or an event already handled: answered without running the handler.
    Duplicate,
    /// The same event is being handled elsewhere right now.
    InFlight,
    /// A handshake, answered in the handler's place (or refused for its token).
    Handshake,
    /// The replay store failed, or the tenant's keys could not be loaded.
    StoreError,
    /// The server is misconfigured (a URL-signing scheme without a public URL).
    Misconfigured,
}

impl Outcome {
    /// The outcome of a rejection.
    #[must_use]
    pub const fn of(error: &VerifyError) -> Self {
        match error {
            VerifyError::MissingSignature { .. }
            | VerifyError::MissingHeader { .. }
            | VerifyError::MissingSignatureField { .. }
            | VerifyError::MissingField { .. } => Self::Missing,
            VerifyError::DuplicateHeader { .. }
            | VerifyError::HeaderTooLong { .. }
            | VerifyError::MalformedHeader { .. }
            | VerifyError::TooManySignatures { .. }
            | VerifyError::NoSupportedSignature { .. }
            | VerifyError::MalformedField { .. }
            | VerifyError::MalformedBody { .. } => Self::Malformed,
            VerifyError::TimestampTooOld { .. } | VerifyError::TimestampInFuture { .. } => {
                Self::Stale
            }
            VerifyError::SignatureMismatch
            | VerifyError::SignatureMismatchForUrl { .. }
            | VerifyError::UnknownTenant => Self::Mismatch,
            VerifyError::BodyTooLarge { .. } => Self::TooLarge,
            VerifyError::BodyUnreadable | VerifyError::BodyTimeout { .. } => Self::Incomplete,
            VerifyError::Overloaded { .. } => Self::Overloaded,
            VerifyError::HandshakeTokenMismatch | VerifyError::MalformedHandshake { .. } => {
                Self::Handshake
            }
            VerifyError::KeysUnavailable => Self::StoreError,
            VerifyError::MissingRequestUrl => Self::Misconfigured,
        }
    }

    /// The label: `verified`, `missing`, `malformed`, `stale`, `mismatch`, `too_large`,
    /// `incomplete`, `overloaded`, `duplicate`, `in_flight`, `handshake`, `store_error` or
    /// `misconfigured`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::Missing => "missing",
            Self::Malformed => "malformed",
            Self::Stale => "stale",
            Self::Mismatch => "mismatch",
            Self::TooLarge => "too_large",
            Self::Incomplete => "incomplete",
            Self::Overloaded => "overloaded",
            Self::Duplicate => "duplicate",
            Self::InFlight => "in_flight",
            Self::Handshake => "handshake",
            Self::StoreError => "store_error",
            Self::Misconfigured => "misconfigured",
        }
    }
}

/// When an adapter saw a request's head, for the duration metric; started once per request
/// and handed to the call that logs its outcome. Holds nothing without the `metrics` feature.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Timer {
    #[cfg(feature = "metrics")]
    started: Instant,
}

impl Timer {
    /// Starts timing a request.
    #[must_use]
    #[inline]
    pub fn start() -> Self {
        Self {
            #[cfg(feature = "metrics")]
            started: Instant::now(),
        }
    }

    /// Records `outcome` for `scheme`, and which key verified when one did.
    #[cfg_attr(
        not(feature = "metrics"),
        allow(
            unused_variables,
            clippy::unused_self,
            reason = "recorded with the `metrics` feature only"
        )
    )]
    #[inline]
    fn record(self, scheme: &str, outcome: Outcome, key: Option<usize>) {
        #[cfg(feature = "metrics")]
        {
            // The outcome is a `&'static str`: a label that costs no allocation.
            let (scheme, outcome) = (scheme.to_owned(), outcome.as_str());
            metrics::counter!(
                "hookverify_deliveries_total",
                "scheme" => scheme.clone(),
                "outcome" => outcome
            )
            .increment(1);
            metrics::histogram!(
                "hookverify_delivery_duration_seconds",
                "scheme" => scheme.clone(),
                "outcome" => outcome
            )
            .record(self.started.elapsed());
            if let Some(key) = key {
                metrics::counter!(
                    "hookverify_key_matches_total",
                    "scheme" => scheme,
                    "key" => key.to_string()
                )
                .increment(1);
            }
        }
    }
}

/// Records a verified delivery of `scheme` handed to the handler (nothing is logged: the
/// handler has it).
pub fn verified(verified: &Verified, scheme: &str, timer: Timer) {
    timer.record(scheme, Outcome::Verified, Some(verified.secret_index()));
}

/// Records a delivery of `scheme` answered without the handler for an `outcome` decided
/// outside core (a replay, an event in flight, a failing store); the deciding code logs it.
pub fn answered(outcome: Outcome, scheme: &str, timer: Timer) {
    timer.record(scheme, outcome, None);
}

/// Logs a rejected delivery of `scheme` at `level`, with the header or field at fault (its
/// name, from the scheme, never its value) when there is one.
pub fn rejection(error: &VerifyError, scheme: &str, level: Level, timer: Timer) {
    timer.record(scheme, Outcome::of(error), None);
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
pub fn handshake(answer: &HandshakeAnswer, scheme: &str, timer: Timer) {
    timer.record(scheme, Outcome::Handshake, None);
    tracing::debug!(
        target: "hookverify::handshake",
        scheme,
        handshake = %answer.handshake(),
        status = answer.status(),
        "answered webhook handshake"
    );
}
