//! Time: the [`Clock`] adapters read, and the overflow-safe freshness check.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::{Malformation, VerifyError};

/// A source of the current time.
///
/// Core's verification functions take the time as a value. A [`Verifier`](crate::Verifier)
/// holds a `Clock` ([`VerifierBuilder::with_clock`](crate::VerifierBuilder::with_clock)), which
/// the adapters read through [`Verifier::now`](crate::Verifier::now), so tests can fix it.
/// [`SystemClock`] is the real one, and the default.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use hookverify_core::{Clock, Verifier, Scheme};
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
///
/// let verifier = Verifier::builder(Scheme::stripe())
///     .secret("whsec_test-only-secret")
///     .with_clock(Fixed(1_700_000_000))
///     .build()?;
/// assert_eq!(verifier.now(), UNIX_EPOCH + Duration::from_secs(1_700_000_000));
/// # Ok::<(), hookverify_core::ConfigError>(())
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

/// How a scheme writes a delivery's timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TimestampFormat {
    /// Decimal seconds since the Unix epoch (Stripe, Standard Webhooks, Slack, Discord).
    #[default]
    UnixSeconds,
    /// Decimal milliseconds since the Unix epoch (HubSpot v3, Linear).
    UnixMillis,
    /// An RFC 3339 date-time with a `Z` or `±hh:mm` offset and optional fractional seconds,
    /// such as `2019-11-16T10:11:12.634234626Z` (Twitch, Zendesk, Box). Produced in UTC, with
    /// nanoseconds when the time has them.
    Rfc3339,
}

impl TimestampFormat {
    /// Parses a timestamp as sent into milliseconds since the epoch.
    ///
    /// Strict: decimal digits alone for the Unix forms (no sign, no fraction, no spaces), and
    /// the full RFC 3339 grammar with a four-digit year from 1970 on. Sub-millisecond digits are
    /// kept in the signed text but dropped from the value.
    pub(crate) fn parse(self, text: &[u8]) -> Result<u64, Malformation> {
        match self {
            Self::UnixSeconds => parse(text)?
                .checked_mul(1000)
                .ok_or(Malformation::InvalidTimestamp),
            Self::UnixMillis => parse(text),
            Self::Rfc3339 => rfc3339::parse(text),
        }
    }

    /// `time` written as this format; times before the epoch are written as the epoch.
    pub(crate) fn format(self, time: SystemTime) -> String {
        let since = time.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
        match self {
            Self::UnixSeconds => since.as_secs().to_string(),
            Self::UnixMillis => since.as_millis().to_string(),
            Self::Rfc3339 => rfc3339::format(since),
        }
    }
}

/// Milliseconds since the epoch of `time`; before the epoch counts as zero, and times past
/// `u64::MAX` milliseconds saturate.
pub(crate) fn millis(time: SystemTime) -> u64 {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    since
        .as_secs()
        .saturating_mul(1000)
        .saturating_add(u64::from(since.subsec_millis()))
}

/// The time `millis` after the epoch, if representable.
pub(crate) fn time(millis: u64) -> Option<SystemTime> {
    UNIX_EPOCH.checked_add(Duration::from_millis(millis))
}

/// Up to nineteen ASCII digits, which cannot overflow a `u64` (its largest value has twenty),
/// so no step is checked; the caller bounds the length. Eight digits at a time where there are
/// as many (a timestamp in seconds has ten, in milliseconds thirteen), the rest one by one.
#[inline]
fn short_digits(text: &[u8]) -> Result<u64, Malformation> {
    debug_assert!(text.len() < 20);
    let (words, rest) = text.as_chunks::<8>();
    let high = words.iter().try_fold(0u64, |acc, word| {
        Ok(acc * 100_000_000 + eight_digits(u64::from_le_bytes(*word))?)
    })?;
    rest.iter().try_fold(high, |acc, &byte| {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return Err(Malformation::InvalidTimestamp);
        }
        Ok(acc * 10 + u64::from(digit))
    })
}

/// Eight ASCII digits, read as one little-endian word (the first digit in the lowest byte),
/// as the number they write: neighbouring digits are joined into pairs, pairs into fours and
/// fours into the eight by one multiplication each, instead of eight dependent steps.
#[inline]
fn eight_digits(word: u64) -> Result<u64, Malformation> {
    const ONES: u64 = u64::MAX / 255;
    const HIGH_NIBBLES: u64 = ONES * 0xF0;
    // A digit's byte is 0x30 to 0x39: its high nibble is 3, and stays 3 when 6 is added (no
    // carry leaves a byte whose high nibble is 3, so the bytes are checked independently).
    let nibbles = word & HIGH_NIBBLES | (word.wrapping_add(ONES * 6) & HIGH_NIBBLES) >> 4;
    if nibbles != ONES * 0x33 {
        return Err(Malformation::InvalidTimestamp);
    }
    let digits = word - ONES * u64::from(b'0');
    // Each 16-bit lane's high byte becomes ten times its low byte (the earlier digit) plus
    // itself; 99 fits a byte, so no lane spills into the next.
    let pairs = digits.wrapping_mul(1 + (10 << 8)) >> 8 & 0x00FF_00FF_00FF_00FF;
    let fours = pairs.wrapping_mul(1 + (100 << 16)) >> 16 & 0x0000_FFFF_0000_FFFF;
    Ok(fours.wrapping_mul(1 + (10_000 << 32)) >> 32)
}

/// Parses an unsigned decimal timestamp: ASCII digits only, no sign, no fraction, at most
/// `u64::MAX`.
pub(crate) fn parse(text: &[u8]) -> Result<u64, Malformation> {
    if text.is_empty() || text.len() > 20 {
        return Err(Malformation::InvalidTimestamp);
    }
    // Every timestamp in use has fewer than twenty digits; twenty take the checked way.
    if text.len() < 20 {
        return short_digits(text);
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

/// Checks a timestamp against `now` in both directions, all in milliseconds since the epoch;
/// a distance of exactly `tolerance` passes.
pub(crate) fn check_fresh(timestamp: u64, now: u64, tolerance: u64) -> Result<(), VerifyError> {
    let distance = timestamp.abs_diff(now);
    if distance <= tolerance {
        return Ok(());
    }
    let old = timestamp < now;
    // Whole seconds for people: a distance just past the tolerance reads as one second more.
    let (timestamp, distance, tolerance) = (
        timestamp / 1000,
        distance.div_ceil(1000),
        tolerance.div_ceil(1000),
    );
    Err(if old {
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

/// RFC 3339 date-times, parsed and written without a calendar crate: the arithmetic is a few
/// lines (Howard Hinnant's days-from-civil), and a dependency would pull in time zones.
mod rfc3339 {
    use std::time::Duration;

    use crate::Malformation;

    const INVALID: Malformation = Malformation::InvalidTimestamp;

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` into milliseconds since the epoch.
    pub(super) fn parse(text: &[u8]) -> Result<u64, Malformation> {
        // The longest sensible form has nine fractional digits; a bound keeps the work small.
        if text.len() < 20 || text.len() > 40 {
            return Err(INVALID);
        }
        let digits = |from: usize, len: usize| -> Result<u64, Malformation> {
            super::short_digits(text.get(from..from + len).ok_or(INVALID)?)
        };
        let at = |index: usize, expected: &[u8]| -> Result<(), Malformation> {
            let byte = text.get(index).ok_or(INVALID)?;
            if expected.contains(byte) {
                Ok(())
            } else {
                Err(INVALID)
            }
        };
        at(4, b"-")?;
        at(7, b"-")?;
        at(10, b"Tt ")?;
        at(13, b":")?;
        at(16, b":")?;
        let (year, month, day) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
        let (hour, minute, second) = (digits(11, 2)?, digits(14, 2)?, digits(17, 2)?);
        // A leap second (60) is allowed by the grammar and counted as the next second.
        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return Err(INVALID);
        }

        let mut index = 19;
        let mut millis = 0;
        if text.get(index) == Some(&b'.') {
            index += 1;
            let start = index;
            while text.get(index).is_some_and(u8::is_ascii_digit) {
                index += 1;
            }
            let fraction = text.get(start..index).ok_or(INVALID)?;
            if fraction.is_empty() {
                return Err(INVALID);
            }
            millis = fraction
                .iter()
                .chain(b"000")
                .take(3)
                .fold(0, |acc, digit| acc * 10 + u64::from(digit - b'0'));
        }

        let offset_seconds: i64 = match text.get(index..) {
            Some(b"Z" | b"z") => 0,
            Some([sign @ (b'+' | b'-'), h1, h2, b':', m1, m2]) => {
                let hours = super::short_digits(&[*h1, *h2])?;
                let minutes = super::short_digits(&[*m1, *m2])?;
                if hours > 23 || minutes > 59 {
                    return Err(INVALID);
                }
                let offset = i64::try_from(hours * 3600 + minutes * 60).map_err(|_| INVALID)?;
                if *sign == b'-' { -offset } else { offset }
            }
            _ => return Err(INVALID),
        };

        let days = days_from_civil(year, month, day);
        let local = days
            .checked_mul(86_400)
            .and_then(|s| s.checked_add(i64::try_from(hour * 3600 + minute * 60 + second).ok()?))
            .ok_or(INVALID)?;
        let utc = local.checked_sub(offset_seconds).ok_or(INVALID)?;
        let utc = u64::try_from(utc).map_err(|_| INVALID)?;
        utc.checked_mul(1000)
            .and_then(|ms| ms.checked_add(millis))
            .ok_or(INVALID)
    }

    /// `since` the epoch as `YYYY-MM-DDTHH:MM:SS[.nnnnnnnnn]Z`.
    pub(super) fn format(since: Duration) -> String {
        let seconds = since.as_secs();
        let days = i64::try_from(seconds / 86_400).unwrap_or(i64::MAX);
        let (year, month, day) = civil_from_days(days);
        let rest = seconds % 86_400;
        let (hour, minute, second) = (rest / 3600, rest % 3600 / 60, rest % 60);
        let nanos = since.subsec_nanos();
        if nanos == 0 {
            format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
        } else {
            format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{nanos:09}Z")
        }
    }

    const fn is_leap(year: u64) -> bool {
        year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
    }

    const fn days_in_month(year: u64, month: u64) -> u64 {
        match month {
            2 if is_leap(year) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (any year of four digits).
    fn days_from_civil(year: u64, month: u64, day: u64) -> i64 {
        // Four-digit years and valid months and days keep every value small.
        let (year, month, day) = (
            i64::try_from(year).unwrap_or(0),
            i64::try_from(month).unwrap_or(1),
            i64::try_from(day).unwrap_or(1),
        );
        let year = if month <= 2 { year - 1 } else { year };
        let era = year.div_euclid(400);
        let year_of_era = year.rem_euclid(400);
        let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The date `days` after 1970-01-01.
    fn civil_from_days(days: i64) -> (i64, i64, i64) {
        let days = days + 719_468;
        let era = days.div_euclid(146_097);
        let day_of_era = days.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        (year, month, day)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn parses_the_providers_forms() {
            // Twitch: nanoseconds, Z.
            assert_eq!(
                parse(b"2019-11-16T10:11:12.634234626Z"),
                Ok(1_573_899_072_634)
            );
            // Zendesk: whole seconds, Z.
            assert_eq!(parse(b"2021-07-25T10:00:00Z"), Ok(1_627_207_200_000));
            // Box: an offset.
            assert_eq!(parse(b"2016-07-11T10:10:33-07:00"), Ok(1_468_257_033_000));
            assert_eq!(parse(b"2016-07-11T17:10:33+00:00"), Ok(1_468_257_033_000));
            assert_eq!(parse(b"1970-01-01T00:00:00Z"), Ok(0));
            assert_eq!(parse(b"2000-02-29T23:59:60.5Z"), Ok(951_868_800_500));
        }

        #[test]
        fn rejects_what_is_not_rfc_3339() {
            for text in [
                &b"2019-11-16 10:11:12"[..],
                b"2019-11-16T10:11:12",
                b"2019-13-16T10:11:12Z",
                b"2019-02-29T10:11:12Z",
                b"2019-11-16T24:11:12Z",
                b"2019-11-16T10:11:12.Z",
                b"2019-11-16T10:11:12+0700",
                b"2019-11-16T10:11:12+07:00:00",
                b"1969-12-31T23:59:59Z",
                b"1970-01-01T00:00:00+00:01",
                b"+019-11-16T10:11:12Z",
                b"2019-11-16T10:11:12.1234567890123456789012Z",
            ] {
                assert_eq!(
                    parse(text),
                    Err(INVALID),
                    "{}",
                    String::from_utf8_lossy(text)
                );
            }
        }

        #[test]
        fn formats_and_parses_back() {
            for millis in [
                0u64,
                951_868_800_500,
                1_573_899_072_634,
                253_402_300_799_000,
            ] {
                let text = format(Duration::from_millis(millis));
                assert_eq!(parse(text.as_bytes()), Ok(millis), "{text}");
            }
            assert_eq!(
                format(Duration::new(1_573_899_072, 634_234_626)),
                "2019-11-16T10:11:12.634234626Z"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_digits() {
        assert_eq!(parse(b"0"), Ok(0));
        assert_eq!(parse(b"1614265330"), Ok(1_614_265_330));
        assert_eq!(parse(b"18446744073709551615"), Ok(u64::MAX));
        assert_eq!(parse(b"9999999999999999999"), Ok(9_999_999_999_999_999_999));
    }

    proptest::proptest! {
        /// Digits read as the standard library reads a `u64` (which also takes a `+`, refused
        /// here), at every length up to the overflow.
        #[test]
        fn digits_parse_as_the_standard_library_does(text in "[0-9]{1,20}") {
            proptest::prop_assert_eq!(parse(text.as_bytes()).ok(), text.parse::<u64>().ok());
        }

        /// Any byte anywhere in a timestamp, in particular the neighbours of `0`-`9` and bytes
        /// whose high nibble is 3, is refused unless it is a digit: the eight-digit word check
        /// must agree with the standard library byte for byte.
        #[test]
        fn one_odd_byte_is_refused_wherever_it_is(
            text in "[0-9]{8,19}",
            at in 0usize..19,
            byte in proptest::prop_oneof![0x2Au8..=0x45, proptest::num::u8::ANY],
        ) {
            let mut text = text.into_bytes();
            let at = at % text.len();
            text[at] = byte;
            let expected = std::str::from_utf8(&text)
                .ok()
                .filter(|text| !text.starts_with('+'))
                .and_then(|text| text.parse::<u64>().ok());
            proptest::prop_assert_eq!(parse(&text).ok(), expected);
        }
    }

    #[test]
    fn eight_digits_at_a_time_read_every_digit_in_its_place() {
        for text in [
            "00000000", "12345678", "99999999", "10000000", "00000001", "90807060",
        ] {
            let word = u64::from_le_bytes(text.as_bytes().try_into().unwrap());
            assert_eq!(eight_digits(word), Ok(text.parse().unwrap()), "{text}");
        }
        assert_eq!(parse(b"1700000000"), Ok(1_700_000_000));
        assert_eq!(parse(b"1700000000123"), Ok(1_700_000_000_123));
        for odd in [
            "1234567/", "1234567:", "/2345678", ":2345678", "1234?678", "123 5678",
        ] {
            let word = u64::from_le_bytes(odd.as_bytes().try_into().unwrap());
            assert_eq!(
                eight_digits(word),
                Err(Malformation::InvalidTimestamp),
                "{odd}"
            );
        }
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
        let s = |secs: u64| secs * 1000;
        assert!(check_fresh(s(1000), s(1300), s(300)).is_ok());
        assert!(check_fresh(s(1300), s(1000), s(300)).is_ok());
        assert!(check_fresh(s(1000), s(1300) + 1, s(300)).is_err());
        assert_eq!(
            check_fresh(s(1000), s(1301), s(300)),
            Err(VerifyError::TimestampTooOld {
                timestamp: 1000,
                age: 301,
                tolerance: 300
            })
        );
        assert_eq!(
            check_fresh(s(1301), s(1000), s(300)),
            Err(VerifyError::TimestampInFuture {
                timestamp: 1301,
                ahead: 301,
                tolerance: 300
            })
        );
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        assert!(check_fresh(u64::MAX, 0, 300_000).is_err());
        assert!(check_fresh(0, u64::MAX, 300_000).is_err());
        assert!(check_fresh(u64::MAX, u64::MAX, 0).is_ok());
        assert_eq!(
            TimestampFormat::UnixSeconds.parse(b"18446744073709551615"),
            Err(Malformation::InvalidTimestamp)
        );
    }

    #[test]
    fn times_before_the_epoch_count_as_zero() {
        let before = UNIX_EPOCH - Duration::from_secs(5);
        assert_eq!(millis(before), 0);
        assert_eq!(TimestampFormat::UnixSeconds.format(before), "0");
    }
}
