//! Standard Webhooks (and Svix): `webhook-id`, `webhook-timestamp`,
//! `webhook-signature: v1,<base64> [v1,<base64> …]`.
//!
//! Following the reference libraries (js, rust, go), the signature list is split on spaces,
//! empty items and items without a `,` are skipped, and versions other than `v1` are ignored.
//! Unlike them, tags are compared as decoded bytes rather than base64 text, so base64 must be
//! canonical (non-zero unused bits are rejected) and a `v1` value that is not a 32-byte tag is
//! an error.

use super::{Parsed, check_id, malformed, required, split_on, timestamp_header};
use crate::headers::HeaderKey;
use crate::signature::Tags;
use crate::{Encoding, Headers, MAX_SIGNATURES, VerifyError};

/// The three header names of one family (`webhook-` or `svix-`).
#[derive(Clone)]
pub(super) struct Names {
    pub(super) id: HeaderKey,
    pub(super) timestamp: HeaderKey,
    pub(super) signature: HeaderKey,
}

impl Names {
    pub(super) fn new(family: &str) -> Self {
        Self {
            id: HeaderKey::new(format!("{family}-id")),
            timestamp: HeaderKey::new(format!("{family}-timestamp")),
            signature: HeaderKey::new(format!("{family}-signature")),
        }
    }
}

/// Parses the family `names` of a delivery whose signature header holds `value`.
pub(super) fn parse<'h, H: Headers + ?Sized, const N: usize>(
    headers: &'h H,
    names: &'h Names,
    value: &'h [u8],
    tags: &mut Tags<N>,
) -> Result<Parsed<'h>, VerifyError> {
    let id = check_id(&names.id, required(headers, &names.id)?)?;
    let timestamp = timestamp_header(headers, &names.timestamp)?;

    let mut signatures = 0usize;
    for item in split_on(value, b' ').filter(|item| !item.is_empty()) {
        signatures += 1;
        if signatures > MAX_SIGNATURES {
            return Err(VerifyError::TooManySignatures {
                header: names.signature.arc(),
                max: MAX_SIGNATURES,
            });
        }
        let Some(comma) = memchr::memchr(b',', item) else {
            continue;
        };
        if item.get(..comma) == Some(b"v1") {
            let encoded = item.get(comma + 1..).unwrap_or_default();
            tags.push(Encoding::Base64, encoded)
                .map_err(|problem| malformed(&names.signature, problem))?;
        }
    }
    if tags.is_empty() {
        return Err(VerifyError::NoSupportedSignature {
            header: names.signature.arc(),
            version: "v1",
        });
    }
    Ok(Parsed {
        timestamp: Some(timestamp),
        id: Some(id),
    })
}
