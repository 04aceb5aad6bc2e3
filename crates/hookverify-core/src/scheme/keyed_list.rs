//! A keyed list in one header: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, Calendly's
//! copy of it, and Paddle's `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>…]`.
//!
//! The SDKs split the header on the separator and then on `=`, keep every signature entry as a
//! candidate and ignore other keys (`v0`, Paddle's `h2`). We do the same, with deliberate
//! differences: a repeated timestamp and an element without `=` are errors rather than "last
//! one wins" or "skipped". A signature entry that is not 64 hex digits can never match and is
//! skipped (paddle-python's own test sends `h1=dummy` beside the real one); a header whose
//! entries of that version are all undecodable is malformed. The timestamp is signed as sent.

use super::content::{Content, Piece};
use super::family::{Family, Head, SignFields, SignWith, Signed};
use super::read::{HeaderView, malformed, signature, split_on, timestamp_text};
use crate::headers::HeaderKey;
use crate::mac::Message as _;
use crate::signature::{Candidates, Kind};
use crate::timestamp::TimestampFormat;
use crate::{Encoding, Headers, MAX_SIGNATURES, Malformation, Request, SignError, VerifyError};

/// The layout of one keyed-list header.
#[derive(Debug, Clone)]
pub(crate) struct KeyedList {
    header: HeaderKey,
    separator: u8,
    timestamp_key: &'static str,
    signature_key: &'static str,
    content: Content,
}

impl KeyedList {
    /// Stripe's layout under `header`, signing `{t}.{body}` (Calendly's too).
    pub(crate) fn stripe(header: &str) -> Self {
        Self {
            header: HeaderKey::new(header),
            separator: b',',
            timestamp_key: "t",
            signature_key: "v1",
            content: Content::new([Piece::Timestamp, Piece::Literal(Box::new(*b"."))], []),
        }
    }

    /// Paddle Billing's layout: `ts=…;h1=…`, signing `{ts}:{body}`.
    pub(crate) fn paddle() -> Self {
        Self {
            header: HeaderKey::new("Paddle-Signature"),
            separator: b';',
            timestamp_key: "ts",
            signature_key: "h1",
            content: Content::new([Piece::Timestamp, Piece::Literal(Box::new(*b":"))], []),
        }
    }
}

impl Family for KeyedList {
    fn content(&self) -> &Content {
        &self.content
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn has_id(&self) -> bool {
        false
    }

    fn read_head<'r, H: Headers + ?Sized, const N: usize>(
        &'r self,
        request: &Request<'r, H>,
        candidates: &mut Candidates<N>,
    ) -> Result<Head<'r>, VerifyError> {
        let name = &self.header;
        let value = signature(&HeaderView::direct(request.headers()), name)?;
        let mut timestamp = None;
        let mut signatures = 0usize;
        let mut undecodable = None;

        for element in split_on(value, self.separator) {
            let element = element.trim_ascii();
            let Some(eq) = memchr::memchr(b'=', element) else {
                return Err(malformed(name, Malformation::InvalidElement));
            };
            let (key, value) = (
                element.get(..eq).unwrap_or_default(),
                element.get(eq + 1..).unwrap_or_default(),
            );
            if key == self.timestamp_key.as_bytes() {
                if timestamp.is_some() {
                    return Err(malformed(name, Malformation::DuplicateTimestamp));
                }
                timestamp = Some(timestamp_text(name, value, TimestampFormat::UnixSeconds)?);
                continue;
            }
            signatures += 1;
            if signatures > MAX_SIGNATURES {
                return Err(VerifyError::TooManySignatures {
                    header: name.arc(),
                    max: MAX_SIGNATURES,
                });
            }
            if key == self.signature_key.as_bytes() {
                // Cannot be full: at most MAX_SIGNATURES signatures get here.
                if let Err(problem) = candidates.push(Encoding::Hex, value, 32, Kind::Tag) {
                    undecodable = Some(problem);
                }
            }
        }

        let Some(timestamp) = timestamp else {
            return Err(malformed(name, Malformation::MissingTimestamp));
        };
        if let (true, Some(problem)) = (candidates.is_empty(), undecodable) {
            return Err(malformed(name, problem));
        }
        if candidates.is_empty() {
            return Err(VerifyError::NoSupportedSignature {
                header: name.arc(),
                version: self.signature_key,
            });
        }
        Ok(Head {
            timestamp: Some(timestamp),
            id: None,
        })
    }

    fn sign(
        &self,
        with: &SignWith<'_>,
        body: &[u8],
        fields: &SignFields<'_>,
    ) -> Result<Signed, SignError> {
        let mut message = Vec::new();
        self.content
            .message(fields.content(), body)
            .write_into(&mut message);
        let tag = Encoding::Hex.encode(&(with.sign)(&message));
        let separator = char::from(self.separator);
        let value = format!(
            "{}={}{separator}{}={tag}",
            self.timestamp_key, fields.timestamp, self.signature_key
        );
        Ok(Signed {
            headers: vec![(self.header.as_str().to_owned(), value)],
            body: None,
        })
    }
}
