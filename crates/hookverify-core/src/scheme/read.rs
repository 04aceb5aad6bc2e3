//! Reading header values: the checks every family applies before trusting a byte.

use super::family::Stamp;
use crate::headers::{HeaderKey, unique};
use crate::timestamp::TimestampFormat;
use crate::{ConfigError, Headers, MAX_ID_LEN, Malformation, VerifyError};

/// Checks that a header value is printable ASCII and trims surrounding spaces and tabs.
pub(crate) fn printable<'v>(header: &HeaderKey, value: &'v [u8]) -> Result<&'v [u8], VerifyError> {
    // A branch-free scan vectorizes: it flags any byte outside ' '..='~'. Only a value so
    // flagged is looked at again, since a tab is allowed (and trimmed).
    let flagged = value.iter().fold(0u8, |flags, &b| {
        flags | u8::from(b.wrapping_sub(b' ') > b'~' - b' ')
    });
    let unprintable = flagged != 0
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

/// A required header other than the signature, as sent.
pub(crate) fn present<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &'h HeaderKey,
) -> Result<&'h [u8], VerifyError> {
    unique(headers, name)?.ok_or_else(|| VerifyError::MissingHeader { header: name.arc() })
}

/// The signature header as sent; its absence means the delivery is unsigned.
pub(crate) fn present_signature<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &'h HeaderKey,
) -> Result<&'h [u8], VerifyError> {
    unique(headers, name)?.ok_or_else(|| VerifyError::MissingSignature { header: name.arc() })
}

/// A required header other than the signature, checked and trimmed.
pub(crate) fn required<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &'h HeaderKey,
) -> Result<&'h [u8], VerifyError> {
    printable(name, present(headers, name)?)
}

/// The signature header, checked and trimmed.
pub(crate) fn signature<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &'h HeaderKey,
) -> Result<&'h [u8], VerifyError> {
    printable(name, present_signature(headers, name)?)
}

/// A required timestamp header of `format`: its text as sent (trimmed) and its value.
pub(crate) fn timestamp_header<'h, H: Headers + ?Sized>(
    headers: &'h H,
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
    headers: &'h H,
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
