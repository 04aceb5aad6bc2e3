//! Reading header values: the checks every family applies before trusting a byte.

use super::family::Stamp;
use crate::headers::{HeaderKey, Occurrence, checked, unique};
use crate::timestamp::TimestampFormat;
use crate::{ConfigError, Headers, MAX_ID_LEN, Malformation, VerifyError};

/// Checks that a header value is printable ASCII and trims surrounding spaces and tabs.
pub(crate) fn printable<'v>(header: &HeaderKey, value: &'v [u8]) -> Result<&'v [u8], VerifyError> {
    // Only a value with a byte outside ' '..='~' is looked at again, since a tab is allowed
    // (and trimmed).
    let unprintable = !all_printable(value)
        && value
            .iter()
            .any(|&b| !b.is_ascii_graphic() && b != b' ' && b != b'\t');
    if unprintable {
        return Err(malformed(header, Malformation::NotAscii));
    }
    let value = value.trim_ascii();
    if value.is_empty() {
        return Err(malformed(header, Malformation::Empty));
    }
    Ok(value)
}

/// Whether every byte of `value` is in `' '..='~'`, judged eight bytes at a time: every
/// delivery's signature and id pass here, and a byte-wise loop costs several times more.
fn all_printable(value: &[u8]) -> bool {
    const ONES: u64 = u64::MAX / 255;
    const HIGH_BITS: u64 = ONES << 7;
    // A byte's high bit ends up set when it is below 0x20 (the subtraction borrows into it and
    // the byte did not have it), above 0x7E (adding one reaches 0x80), or has it already. An
    // exact test of whether any byte is so: carries and borrows only run past a byte that is
    // itself flagged.
    let flagged = |word: u64| {
        (word.wrapping_sub(ONES * 0x20) & !word | word.wrapping_add(ONES) | word) & HIGH_BITS
    };
    let Some(last) = value.last_chunk::<8>() else {
        return value.iter().all(|&b| (b' '..=b'~').contains(&b));
    };
    // The last eight bytes are read as a word of their own, overlapping the chunks before.
    let (chunks, _) = value.as_chunks::<8>();
    chunks.iter().chain([last]).fold(0, |flags, chunk| {
        flags | flagged(u64::from_le_bytes(*chunk))
    }) == 0
}

pub(crate) fn malformed(header: &HeaderKey, problem: Malformation) -> VerifyError {
    VerifyError::MalformedHeader {
        header: header.arc(),
        problem,
    }
}

/// Splits `bytes` on `separator` exactly as `<[u8]>::split` does, finding each separator with
/// `memchr`: a 64-digit tag is skipped in a few vector steps rather than byte by byte.
pub(crate) fn split_on(bytes: &[u8], separator: u8) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let current = rest?;
        if let Some(at) = memchr::memchr(separator, current) {
            rest = current.get(at + 1..);
            current.get(..at)
        } else {
            rest = None;
            Some(current)
        }
    })
}

/// A request's headers as a family reads them: the ones it names up front found in one pass
/// where the map can do that cheaply ([`Headers::find_each`]), any other looked up by name.
pub(crate) struct HeaderView<'v, 'h, H: ?Sized> {
    headers: &'h H,
    /// The keys found in one pass; empty when the map looks each one up.
    keys: &'v [&'h HeaderKey],
    /// What was found for each of `keys`.
    found: &'v [Occurrence<'h>],
}

impl<'v, 'h, H: Headers + ?Sized> HeaderView<'v, 'h, H> {
    /// The view of `headers` for a family that reads `keys` on every delivery, with room for
    /// what is found for each (`found`, at least as long as `keys`).
    #[inline]
    pub(crate) fn new(
        headers: &'h H,
        keys: &'v [&'h HeaderKey],
        found: &'v mut [Occurrence<'h>],
    ) -> Self {
        if headers.find_each(keys, found) {
            Self {
                headers,
                keys,
                found,
            }
        } else {
            Self::direct(headers)
        }
    }

    /// The view of `headers` in which every header is looked up by name: for a family that
    /// reads one, or names too short for one pass to pay.
    #[inline]
    pub(crate) fn direct(headers: &'h H) -> Self {
        Self {
            headers,
            keys: &[],
            found: &[],
        }
    }

    /// A header that must appear at most once, its length bounded.
    #[inline]
    pub(crate) fn unique(&self, name: &'h HeaderKey) -> Result<Option<&'h [u8]>, VerifyError> {
        let mut found = self.keys.iter().zip(self.found);
        match found.find(|(key, _)| std::ptr::eq(**key, name)) {
            Some((_, occurrence)) => checked(name, *occurrence),
            None => unique(self.headers, name),
        }
    }
}

/// A required header other than the signature, as sent.
pub(crate) fn present<'h, H: Headers + ?Sized>(
    headers: &HeaderView<'_, 'h, H>,
    name: &'h HeaderKey,
) -> Result<&'h [u8], VerifyError> {
    headers
        .unique(name)?
        .ok_or_else(|| VerifyError::MissingHeader { header: name.arc() })
}

/// The signature header as sent; its absence means the delivery is unsigned.
pub(crate) fn present_signature<'h, H: Headers + ?Sized>(
    headers: &HeaderView<'_, 'h, H>,
    name: &'h HeaderKey,
) -> Result<&'h [u8], VerifyError> {
    headers
        .unique(name)?
        .ok_or_else(|| VerifyError::MissingSignature { header: name.arc() })
}

/// A required header other than the signature, checked and trimmed.
pub(crate) fn required<'h, H: Headers + ?Sized>(
    headers: &HeaderView<'_, 'h, H>,
    name: &'h HeaderKey,
) -> Result<&'h [u8], VerifyError> {
    printable(name, present(headers, name)?)
}

/// The signature header, checked and trimmed.
pub(crate) fn signature<'h, H: Headers + ?Sized>(
    headers: &HeaderView<'_, 'h, H>,
    name: &'h HeaderKey,
) -> Result<&'h [u8], VerifyError> {
    printable(name, present_signature(headers, name)?)
}

/// A required timestamp header of `format`: its text as sent (trimmed) and its value.
pub(crate) fn timestamp_header<'h, H: Headers + ?Sized>(
    headers: &HeaderView<'_, 'h, H>,
    name: &'h HeaderKey,
    format: TimestampFormat,
) -> Result<Stamp<'h>, VerifyError> {
    let value = present(headers, name)?;
    // Fast path: a well-formed value is printable and has nothing to trim.
    if let Ok(millis) = format.parse(value) {
        return Ok(Stamp {
            text: value,
            millis,
        });
    }
    timestamp_text(name, printable(name, value)?, format)
}

/// A timestamp from the text of a header element.
pub(crate) fn timestamp_text<'h>(
    name: &HeaderKey,
    text: &'h [u8],
    format: TimestampFormat,
) -> Result<Stamp<'h>, VerifyError> {
    let millis = format
        .parse(text)
        .map_err(|problem| malformed(name, problem))?;
    Ok(Stamp { text, millis })
}

/// A required id header, checked, trimmed and bounded.
pub(crate) fn id_header<'h, H: Headers + ?Sized>(
    headers: &HeaderView<'_, 'h, H>,
    name: &'h HeaderKey,
) -> Result<&'h [u8], VerifyError> {
    let id = required(headers, name)?;
    if id.len() > MAX_ID_LEN {
        return Err(malformed(name, Malformation::IdTooLong));
    }
    Ok(id)
}

/// Validates a header name given to a builder.
pub(crate) fn header_name(name: String) -> Result<HeaderKey, ConfigError> {
    // RFC 9110 `token` characters.
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if valid {
        Ok(HeaderKey::new(name))
    } else {
        Err(ConfigError::InvalidHeaderName(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn all_printable_agrees_with_a_byte_by_byte_check(
            value in proptest::collection::vec(proptest::num::u8::ANY, 0..40),
            printable in proptest::collection::vec(0x20u8..=0x7e, 0..40),
            at in proptest::num::usize::ANY,
            byte in proptest::num::u8::ANY,
        ) {
            let naive = |v: &[u8]| v.iter().all(|&b| (b' '..=b'~').contains(&b));
            proptest::prop_assert_eq!(all_printable(&value), naive(&value));
            // Mostly printable values with one byte of any value, anywhere.
            let mut one = printable;
            if !one.is_empty() {
                let at = at % one.len();
                one[at] = byte;
            }
            proptest::prop_assert_eq!(all_printable(&one), naive(&one));
        }
    }

    #[test]
    fn every_byte_value_is_judged_at_every_position() {
        for len in 1..=17 {
            for at in 0..len {
                for byte in 0..=255u8 {
                    let mut value = vec![b'a'; len];
                    value[at] = byte;
                    assert_eq!(
                        all_printable(&value),
                        (b' '..=b'~').contains(&byte),
                        "{byte:#04x} at {at} of {len}"
                    );
                }
            }
        }
    }

    #[test]
    fn split_on_splits_like_the_standard_library() {
        for text in [
            "",
            ",",
            ",,",
            "a",
            "a,",
            ",a",
            "t=1,v1=ab,,v0=cd",
            "no separator at all",
        ] {
            let ours: Vec<&[u8]> = split_on(text.as_bytes(), b',').collect();
            let std: Vec<&[u8]> = text.as_bytes().split(|&b| b == b',').collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }
}
