//! Standard Webhooks, and Svix and GitLab, which follow it: `webhook-id`, `webhook-timestamp`,
//! `webhook-signature: v1,<base64> [v1a,<base64> …]` over `{id}.{timestamp}.{body}`.
//!
//! Following the reference libraries (js, rust, go), the signature list is split on spaces and
//! empty items, items without a `,`, and versions other than `v1` (an HMAC) and `v1a` (an
//! Ed25519 signature, with the `ed25519` feature) are passed over unread. A `v1` entry is
//! checked with the verifier's secrets, a `v1a` entry with its public keys; entries of a kind
//! the verifier holds no key for are passed over unread too. Unlike the libraries, the entries
//! that are read are compared as decoded bytes rather than base64 text, so their base64 must be
//! canonical; an entry that does not decode to a signature of its kind's length never matches
//! and is passed over like the libraries' non-matching text, and a header whose entries are
//! all like that is malformed (400) rather than a mismatch.

use super::content::{Content, Piece};
use super::family::{Family, Head, SignFields, SignWith, Signed};
use super::read::{HeaderView, id_header, malformed, printable, split_on, timestamp_header};
use crate::headers::HeaderKey;
use crate::mac::Message as _;
use crate::signature::{Candidates, Kind};
use crate::timestamp::TimestampFormat;
use crate::{
    ConfigError, Encoding, Headers, MAX_SIGNATURES, PublicKey, Request, Secret, SignError,
    VerifyError,
};

/// The three header names of one spelling (`webhook-` or `svix-`).
#[derive(Debug, Clone)]
struct Names {
    id: HeaderKey,
    timestamp: HeaderKey,
    signature: HeaderKey,
}

impl Names {
    fn new(prefix: &str) -> Self {
        Self {
            id: HeaderKey::new(format!("{prefix}-id")),
            timestamp: HeaderKey::new(format!("{prefix}-timestamp")),
            signature: HeaderKey::new(format!("{prefix}-signature")),
        }
    }
}

/// The spellings a scheme reads: a delivery is read in the preferred one when it carries that
/// signature header, else in the fallback, never a mix.
#[derive(Debug, Clone)]
pub(crate) struct StandardWebhooks {
    preferred: Names,
    fallback: Option<Names>,
    content: Content,
}

impl StandardWebhooks {
    /// Reads the header spelling with `preferred` as prefix, and `fallback`'s when a delivery
    /// does not carry the first.
    pub(crate) fn new(preferred: &str, fallback: Option<&str>) -> Self {
        Self {
            preferred: Names::new(preferred),
            fallback: fallback.map(Names::new),
            content: Content::new(
                [
                    Piece::Id,
                    Piece::Literal(Box::new(*b".")),
                    Piece::Timestamp,
                    Piece::Literal(Box::new(*b".")),
                ],
                [],
            ),
        }
    }
}

impl Family for StandardWebhooks {
    fn content(&self) -> &Content {
        &self.content
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn has_id(&self) -> bool {
        true
    }

    fn parse_secret(&self, text: &str) -> Result<Secret, ConfigError> {
        Secret::from_standard_webhooks(text)
    }

    fn public_key_kind(&self) -> Option<Kind> {
        #[cfg(feature = "ed25519")]
        return Some(Kind::Ed25519);
        #[cfg(not(feature = "ed25519"))]
        None
    }

    fn parse_public_key(&self, text: &str) -> Option<Result<PublicKey, ConfigError>> {
        #[cfg(feature = "ed25519")]
        return Some(PublicKey::ed25519_standard_webhooks(text));
        #[cfg(not(feature = "ed25519"))]
        {
            let _ = text;
            None
        }
    }

    fn read_head<'r, H: Headers + ?Sized, const N: usize>(
        &'r self,
        request: &Request<'r, H>,
        candidates: &mut Candidates<N>,
    ) -> Result<Head<'r>, VerifyError> {
        // Each name is looked up by hash: finding these three short names in one pass
        // (`HeaderView::new`) took no time off in a map of a dozen values (BENCHMARKS.md). The
        // fallback names (Svix's) are looked up only when the preferred signature is absent.
        let preferred = &self.preferred;
        let headers = HeaderView::direct(request.headers());
        let mut found = headers
            .unique(&preferred.signature)?
            .map(|value| (preferred, value));
        if let (None, Some(fallback)) = (found, &self.fallback) {
            found = headers
                .unique(&fallback.signature)?
                .map(|value| (fallback, value));
        }
        let Some((names, value)) = found else {
            return Err(VerifyError::MissingSignature {
                header: self.preferred.signature.arc(),
            });
        };
        // The signed id and timestamp are looked up before the signature is decoded, so that
        // the MAC, which waits on them, starts sooner; their errors still come after the
        // signature's.
        let id = id_header(&headers, &names.id);
        let timestamp = timestamp_header(&headers, &names.timestamp, TimestampFormat::UnixSeconds);
        // Fast path: a value that is exactly one `v1` entry, as providers send it, is printable
        // and has nothing to trim or split. Anything else is read entry by entry.
        let single = value.strip_prefix(b"v1,").is_some_and(|encoded| {
            matches!(
                candidates.push(Encoding::Base64, encoded, 32, Kind::Tag),
                Ok(true)
            )
        });
        let value = if single {
            value
        } else {
            printable(&names.signature, value)?
        };
        let (id, timestamp) = (id?, timestamp?);
        let head = Head {
            timestamp: Some(timestamp),
            id: Some(id),
        };
        if single {
            return Ok(head);
        }

        let mut entries = 0usize;
        let mut undecodable = None;
        for item in split_on(value, b' ').filter(|item| !item.is_empty()) {
            entries += 1;
            if entries > MAX_SIGNATURES {
                return Err(VerifyError::TooManySignatures {
                    header: names.signature.arc(),
                    max: MAX_SIGNATURES,
                });
            }
            let Some(comma) = memchr::memchr(b',', item) else {
                continue;
            };
            let encoded = item.get(comma + 1..).unwrap_or_default();
            let (len, kind) = match item.get(..comma) {
                Some(b"v1") => (32, Kind::Tag),
                #[cfg(feature = "ed25519")]
                Some(b"v1a") => (64, Kind::Ed25519),
                _ => continue,
            };
            if !candidates.wants(kind) {
                continue;
            }
            // An entry that cannot be a signature never matches: passed over, as the
            // libraries do, so one junk entry does not hide the good one beside it.
            if let Err(problem) = candidates.push(Encoding::Base64, encoded, len, kind) {
                undecodable = Some(problem);
            }
        }
        if let (true, Some(problem)) = (candidates.is_empty(), undecodable) {
            return Err(malformed(&names.signature, problem));
        }
        if candidates.is_empty() {
            return Err(VerifyError::NoSupportedSignature {
                header: names.signature.arc(),
                version: "v1",
            });
        }
        Ok(head)
    }

    fn sign(
        &self,
        with: &SignWith<'_>,
        body: &[u8],
        fields: &SignFields<'_>,
    ) -> Result<Signed, SignError> {
        let names = &self.preferred;
        let mut message = Vec::new();
        self.content
            .message(fields.content(), body)
            .write_into(&mut message);
        let version = if with.kind == Kind::Tag { "v1" } else { "v1a" };
        let signature = Encoding::Base64.encode(&(with.sign)(&message));
        Ok(Signed {
            headers: vec![
                (names.id.as_str().to_owned(), fields.id.to_owned()),
                (
                    names.timestamp.as_str().to_owned(),
                    fields.timestamp.to_owned(),
                ),
                (
                    names.signature.as_str().to_owned(),
                    format!("{version},{signature}"),
                ),
            ],
            body: None,
        })
    }
}
