//! `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`.
//!
//! Stripe's SDKs split the header on `,` and then on `=`, keep every `v1` value as a candidate
//! and ignore other keys. We do the same, with three deliberate differences: a repeated `t=` and
//! an element without `=` are errors rather than "last one wins" or "skipped", and a `v1` value
//! that is not 64 hex digits is an error rather than a candidate that can never match.

use super::{Parsed, malformed, parse_timestamp, signature, split_on};
use crate::headers::HeaderKey;
use crate::signature::Tags;
use crate::{Encoding, Headers, MAX_SIGNATURES, Malformation, VerifyError};

pub(super) fn parse<'h, H: Headers + ?Sized, const N: usize>(
    headers: &'h H,
    name: &'h HeaderKey,
    tags: &mut Tags<N>,
) -> Result<Parsed<'h>, VerifyError> {
    let value = signature(headers, name)?;
    let mut timestamp = None;
    let mut signatures = 0usize;

    for element in split_on(value, b',') {
        let element = element.trim_ascii();
        let Some(eq) = memchr::memchr(b'=', element) else {
            return Err(malformed(name, Malformation::InvalidElement));
        };
        let (key, value) = (
            element.get(..eq).unwrap_or_default(),
            element.get(eq + 1..).unwrap_or_default(),
        );
        if key == b"t" {
            if timestamp.is_some() {
                return Err(malformed(name, Malformation::DuplicateTimestamp));
            }
            timestamp = Some(parse_timestamp(name, value)?);
            continue;
        }
        signatures += 1;
        if signatures > MAX_SIGNATURES {
            return Err(VerifyError::TooManySignatures {
                header: name.arc(),
                max: MAX_SIGNATURES,
            });
        }
        if key == b"v1" {
            // Cannot be full: at most MAX_SIGNATURES signatures get here.
            tags.push(Encoding::Hex, value)
                .map_err(|problem| malformed(name, problem))?;
        }
    }

    let Some(timestamp) = timestamp else {
        return Err(malformed(name, Malformation::MissingTimestamp));
    };
    if tags.is_empty() {
        return Err(VerifyError::NoSupportedSignature {
            header: name.arc(),
            version: "v1",
        });
    }
    Ok(Parsed {
        timestamp: Some(timestamp),
        id: None,
    })
}
