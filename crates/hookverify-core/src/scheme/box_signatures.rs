//! Box: `BOX-SIGNATURE-PRIMARY` and `BOX-SIGNATURE-SECONDARY` (base64 HMAC-SHA256 over the body
//! followed by `BOX-DELIVERY-TIMESTAMP`), with `BOX-SIGNATURE-VERSION: 1` and
//! `BOX-SIGNATURE-ALGORITHM: HmacSHA256`.
//!
//! As in Box's SDKs, the first secret (the primary key) checks only the primary signature and
//! the second (the secondary key) only the secondary one, so either may be rotated while the
//! other keeps deliveries verifying. The SDKs also retry with the body's non-ASCII characters and
//! unescaped slashes written as JSON escapes (`\u00e9`, `\/`), the form Box signs for such
//! bodies; so does this scheme, which is why it keeps the body until it ends.

use super::content::{Content, Fields, Piece};
use super::family::{BodyUse, Family, Head, SignFields, SignWith, Signed};
use super::read::{HeaderView, malformed, printable, required, timestamp_header};
use crate::headers::{HeaderKey, Occurrence};
use crate::key::{Keyring, Proof};
use crate::mac::Message;
use crate::signature::{Candidates, Kind};
use crate::timestamp::TimestampFormat;
use crate::{Encoding, Headers, Malformation, Request, SignError, VerifyError};

/// Box's headers.
#[derive(Debug, Clone)]
pub(crate) struct BoxSignatures {
    primary: HeaderKey,
    secondary: HeaderKey,
    timestamp: HeaderKey,
    version: HeaderKey,
    algorithm: HeaderKey,
    content: Content,
}

impl BoxSignatures {
    pub(crate) fn new() -> Self {
        Self {
            primary: HeaderKey::new("BOX-SIGNATURE-PRIMARY"),
            secondary: HeaderKey::new("BOX-SIGNATURE-SECONDARY"),
            timestamp: HeaderKey::new("BOX-DELIVERY-TIMESTAMP"),
            version: HeaderKey::new("BOX-SIGNATURE-VERSION"),
            algorithm: HeaderKey::new("BOX-SIGNATURE-ALGORITHM"),
            content: Content::new([], [Piece::Timestamp]),
        }
    }
}

impl Family for BoxSignatures {
    fn max_candidates(&self) -> usize {
        2
    }

    fn body_use(&self) -> BodyUse {
        BodyUse::SignedAndRead
    }

    fn content(&self) -> &Content {
        &self.content
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn has_id(&self) -> bool {
        false
    }

    fn timestamp_format(&self) -> TimestampFormat {
        TimestampFormat::Rfc3339
    }

    fn read_head<'r, H: Headers + ?Sized, const N: usize>(
        &'r self,
        request: &Request<'r, H>,
        candidates: &mut Candidates<N>,
    ) -> Result<Head<'r>, VerifyError> {
        let keys = [
            &self.primary,
            &self.secondary,
            &self.version,
            &self.algorithm,
            &self.timestamp,
        ];
        let mut found = [Occurrence::Absent; 5];
        let headers = HeaderView::new(request.headers(), &keys, &mut found);
        // Read first so that its parse overlaps the signatures' decoding; its errors still
        // come after theirs.
        let timestamp = timestamp_header(&headers, &self.timestamp, TimestampFormat::Rfc3339);
        let mut signed = false;
        for (key, name) in [(0, &self.primary), (1, &self.secondary)] {
            let Some(value) = headers.unique(name)? else {
                continue;
            };
            // A signature as Box sends it decodes as it is; anything else is checked and
            // trimmed first, for the error that names what is wrong with it.
            if !matches!(
                candidates.push(Encoding::Base64, value, 32, Kind::Tag),
                Ok(true)
            ) {
                candidates
                    .push(Encoding::Base64, printable(name, value)?, 32, Kind::Tag)
                    .map_err(|problem| malformed(name, problem))?;
            }
            candidates.tie_last_to(key);
            signed = true;
        }
        if !signed {
            return Err(VerifyError::MissingSignature {
                header: self.primary.arc(),
            });
        }
        for (name, expected) in [(&self.version, "1"), (&self.algorithm, "HmacSHA256")] {
            if required(&headers, name)? != expected.as_bytes() {
                return Err(malformed(name, Malformation::UnsupportedVersion));
            }
        }
        Ok(Head {
            timestamp: Some(timestamp?),
            id: None,
        })
    }

    fn retry<const N: usize>(
        &self,
        keys: &Keyring,
        fields: &Fields<'_>,
        body: &[u8],
        candidates: &Candidates<N>,
    ) -> Option<Proof> {
        let text = std::str::from_utf8(body).ok()?;
        if !text.chars().any(|c| c == '/' || c >= '\u{7f}') {
            return None;
        }
        let escaped = Escaped {
            text,
            timestamp: fields.timestamp,
        };
        keys.first_match(&escaped, candidates).ok()
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
        let signature = Encoding::Base64.encode(&(with.sign)(&message));
        Ok(Signed {
            headers: vec![
                (
                    self.timestamp.as_str().to_owned(),
                    fields.timestamp.to_owned(),
                ),
                (self.version.as_str().to_owned(), "1".to_owned()),
                (self.algorithm.as_str().to_owned(), "HmacSHA256".to_owned()),
                (self.primary.as_str().to_owned(), signature),
            ],
            body: None,
        })
    }
}

/// The body as Box's SDKs escape it, then the timestamp: every UTF-16 code unit from U+007F up
/// written `\uxxxx` (lower-case hex), and every `/` not after a `\` written `\/`.
struct Escaped<'a> {
    text: &'a str,
    timestamp: &'a [u8],
}

impl Message for Escaped<'_> {
    fn write(&self, update: &mut impl FnMut(&[u8])) {
        let mut buffer = [0u8; 256];
        let mut len = 0;
        let mut push = |bytes: &[u8], update: &mut dyn FnMut(&[u8])| {
            if len + bytes.len() > buffer.len() {
                update(buffer.get(..len).unwrap_or_default());
                len = 0;
            }
            if let Some(slot) = buffer.get_mut(len..len + bytes.len()) {
                slot.copy_from_slice(bytes);
                len += bytes.len();
            }
        };
        let mut previous = '\0';
        for c in self.text.chars() {
            if c == '/' && previous != '\\' {
                push(b"\\/", update);
            } else if c >= '\u{7f}' {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    push(format_unit(*unit).as_slice(), update);
                }
            } else {
                let mut utf8 = [0u8; 4];
                push(c.encode_utf8(&mut utf8).as_bytes(), update);
            }
            previous = c;
        }
        update(buffer.get(..len).unwrap_or_default());
        update(self.timestamp);
    }
}

/// `\uxxxx` for one UTF-16 code unit.
fn format_unit(unit: u16) -> [u8; 6] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digit = |shift: u16| {
        HEX.get(usize::from((unit >> shift) & 0xf))
            .copied()
            .unwrap_or(b'0')
    };
    [b'\\', b'u', digit(12), digit(8), digit(4), digit(0)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        let mut out = Vec::new();
        Escaped {
            text,
            timestamp: b"",
        }
        .write_into(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_as_box_signs() {
        assert_eq!(escaped("plain"), "plain");
        assert_eq!(escaped("a/b\\/c"), "a\\/b\\/c");
        assert_eq!(escaped("é\u{7f}"), "\\u00e9\\u007f");
        assert_eq!(escaped("😀"), "\\ud83d\\ude00");
        assert_eq!(escaped(&"ス".repeat(100)), "\\u30b9".repeat(100));
    }
}
