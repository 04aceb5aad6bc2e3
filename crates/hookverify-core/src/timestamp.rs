//! Time: the [`Clock`] adapters read, and the overflow-safe freshness check.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::{Malformation, VerifyError};

/// A source of the current time.
///
/// Core's verification functions take the time as a value; adapters hold a `Clock` so tests can
/// fix it. [`SystemClock`] is the real one.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use hookverify_core::Clock;
///
/// #[derive(Debug)]
/// struct Fixed(u64);
///
/// impl Clock for Fixed {
///     fn now(&self) -> SystemTime {
///         UNIX_EPOCH + Duration::from_secs(self.0)
///     }
/// }
///
/// assert_eq!(Fixed(10).now(), UNIX_EPOCH + Duration::from_secs(10));
/// ```
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system's wall clock, [`SystemTime::now`].
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// The unit a scheme's timestamp header counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TimestampUnit {
    /// Seconds since the Unix epoch (GitHub, Stripe, Standard Webhooks, Slack).
    #[default]
    Seconds,
    /// Milliseconds since the Unix epoch (HubSpot v3).
    Milliseconds,
}

impl TimestampUnit {
    /// `time` as a count of this unit since the epoch; times before the epoch count as zero
    /// and times past `u64::MAX` units saturate.
    pub(crate) fn count(self, time: SystemTime) -> u64 {
        let since = time.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
        match self {
            Self::Seconds => since.as_secs(),
            Self::Milliseconds => u64::try_from(since.as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// The time `count` units after the epoch, if representable.
    pub(crate) fn time(self, count: u64) -> Option<SystemTime> {
        let since = match self {
            Self::Seconds => Duration::from_secs(count),
            Self::Milliseconds => Duration::from_millis(count),
        };
        UNIX_EPOCH.checked_add(since)
    }

    const fn per_second(self) -> u64 {
        match self {
            Self::Seconds => 1,
            Self::Milliseconds => 1000,
        }
    }
}

/// Parses an unsigned decimal timestamp: ASCII digits only, no sign, no fraction, at most
/// `u64::MAX`.
pub(crate) fn parse(text: &[u8]) -> Result<u64, Malformation> {
    if text.is_empty() || text.len() > 20 {
        return Err(Malformation::InvalidTimestamp);
    }
    text.iter().try_fold(0u64, |acc, &byte| {
        let digit = match byte {
            b'0'..=b'9' => u64::from(byte - b'0'),
            _ => return Err(Malformation::InvalidTimestamp),
        };
        acc.checked_mul(10)
            .and_then(|acc| acc.checked_add(digit))
            .ok_or(Malformation::InvalidTimestamp)
    })
}

/// Checks `timestamp` against `now` in both directions. `tolerance` is in the same unit.
pub(crate) fn check_fresh(
    timestamp: u64,
    now: u64,
    tolerance: u64,
    unit: TimestampUnit,
) -> Result<(), VerifyError> {
    let distance = timestamp.abs_diff(now);
    if distance <= tolerance {
        return Ok(());
    }
    let per_second = unit.per_second();
    let tolerance = tolerance / per_second;
    let distance = distance / per_second;
    Err(if timestamp < now {
        VerifyError::TimestampTooOld {
            timestamp,
            age: distance,
            tolerance,
        }
    } else {
        VerifyError::TimestampInFuture {
            timestamp,
            ahead: distance,
            tolerance,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_digits() {
        assert_eq!(parse(b"0"), Ok(0));
        assert_eq!(parse(b"1614265330"), Ok(1_614_265_330));
        assert_eq!(parse(b"18446744073709551615"), Ok(u64::MAX));
    }

    #[test]
    fn rejects_anything_but_plain_digits() {
        for text in [
            &b""[..],
            b"-1",
            b"+1",
            b" 1",
            b"1.0",
            b"1e9",
            b"0x10",
            b"18446744073709551616",
            b"99999999999999999999999",
            "１".as_bytes(),
        ] {
            assert_eq!(parse(text), Err(Malformation::InvalidTimestamp), "{text:?}");
        }
    }

    #[test]
    fn freshness_is_inclusive_at_the_tolerance_in_both_directions() {
        let s = TimestampUnit::Seconds;
        assert!(check_fresh(1000, 1300, 300, s).is_ok());
        assert!(check_fresh(1300, 1000, 300, s).is_ok());
        assert_eq!(
            check_fresh(1000, 1301, 300, s),
            Err(VerifyError::TimestampTooOld {
                timestamp: 1000,
                age: 301,
                tolerance: 300
            })
        );
        assert_eq!(
            check_fresh(1301, 1000, 300, s),
            Err(VerifyError::TimestampInFuture {
                timestamp: 1301,
                ahead: 301,
                tolerance: 300
            })
        );
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        let s = TimestampUnit::Seconds;
        assert!(check_fresh(u64::MAX, 0, 300, s).is_err());
        assert!(check_fresh(0, u64::MAX, 300, s).is_err());
        assert!(check_fresh(u64::MAX, u64::MAX, 0, s).is_ok());
        assert_eq!(TimestampUnit::Seconds.time(u64::MAX), None);
    }

    #[test]
    fn times_before_the_epoch_count_as_zero() {
        let before = UNIX_EPOCH - Duration::from_secs(5);
        assert_eq!(TimestampUnit::Seconds.count(before), 0);
    }
}
