//! Signature schemes: how a provider lays out its headers and what bytes it signs.
//!
//! A [`Scheme`] is configuration only. Build one with a preset ([`Scheme::github`],
//! [`Scheme::stripe`], [`Scheme::standard_webhooks`]) or with the generic builder
//! ([`Scheme::hmac`]), then give it secrets through [`Verifier::builder`](crate::Verifier::builder).

mod hmac;
mod standard_webhooks;
mod stripe;

use std::fmt;
use std::sync::Arc;

pub use self::hmac::HmacSchemeBuilder;
use crate::headers::{HeaderKey, unique};
use crate::mac::{KeyedMac, Message};
use crate::signature::Tags;
use crate::timestamp::{self, TimestampUnit};
use crate::{
    Algorithm, ConfigError, Encoding, Headers, MAX_ID_LEN, Malformation, Secret, VerifyError,
};

/// One piece of the signed content, in the order the provider concatenates them.
///
/// The content always holds [`Part::Body`] exactly once; parts before it are absorbed into the
/// MAC while the headers are checked, parts after it when the body has ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Part {
    /// Fixed bytes, such as `v0:` for Slack or the notification URL for Square.
    Literal(Vec<u8>),
    /// The timestamp header's value, exactly as sent.
    Timestamp,
    /// The id header's value, exactly as sent.
    Id,
    /// The raw request body.
    Body,
}

impl Part {
    /// A [`Part::Literal`] of the given bytes.
    #[must_use]
    pub fn literal(bytes: impl Into<Vec<u8>>) -> Self {
        Self::Literal(bytes.into())
    }
}

/// A provider's signing format: where the signature, timestamp and id are, how the tag is
/// encoded, which hash is used, and what bytes are signed.
///
/// # Examples
///
/// ```
/// use hookverify_core::{Algorithm, Encoding, Part, Scheme};
///
/// // Slack: `X-Slack-Signature: v0=<hex>` over `v0:{timestamp}:{body}`.
/// let slack = Scheme::hmac("X-Slack-Signature")
///     .name("slack")
///     .prefix("v0=")
///     .algorithm(Algorithm::Sha256)
///     .encoding(Encoding::Hex)
///     .timestamp_header("X-Slack-Request-Timestamp")
///     .signed_content([Part::literal("v0:"), Part::Timestamp, Part::literal(":"), Part::Body])
///     .build()?;
/// assert_eq!(slack.name(), "slack");
/// # Ok::<(), hookverify_core::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct Scheme {
    name: Name,
    format: Format,
    algorithm: Algorithm,
    /// Parts signed before the body.
    before: Vec<Part>,
    /// Parts signed after the body.
    after: Vec<Part>,
    timestamp_unit: TimestampUnit,
}

/// A scheme's name. The presets' names are constants, so handing one to each
/// [`Verified`](crate::Verified) costs no reference count; names given to the builder are shared.
#[derive(Clone)]
pub(crate) enum Name {
    Preset(&'static str),
    Custom(Arc<str>),
}

impl Name {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Self::Preset(name) => name,
            Self::Custom(name) => name,
        }
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Name {}

/// Where a scheme reads its signature, timestamp and id.
#[derive(Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "configuration, built once per scheme and read by reference (large only with \
              both header-map features on)"
)]
enum Format {
    /// One signature in one header, behind an optional prefix; optional timestamp and id headers.
    Single {
        signature: HeaderKey,
        prefix: Option<Arc<str>>,
        encoding: Encoding,
        timestamp: Option<HeaderKey>,
        id: Option<HeaderKey>,
    },
    /// `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`.
    Stripe { signature: HeaderKey },
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> …`, or the `svix-`
    /// family of the same names.
    StandardWebhooks {
        standard: standard_webhooks::Names,
        svix: standard_webhooks::Names,
    },
}

/// What a scheme read from the headers of one delivery, besides the tags.
pub(crate) struct Parsed<'h> {
    /// The timestamp's text as sent, and its value.
    pub(crate) timestamp: Option<(&'h [u8], u64)>,
    pub(crate) id: Option<&'h [u8]>,
}

impl Parsed<'_> {
    /// The timestamp's text as sent, or nothing.
    pub(crate) fn timestamp_text(&self) -> &[u8] {
        self.timestamp.map_or(&[], |(text, _)| text)
    }

    /// The id's text as sent, or nothing.
    pub(crate) fn id_text(&self) -> &[u8] {
        self.id.unwrap_or_default()
    }
}

impl Scheme {
    /// GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA-256 over the raw body.
    ///
    /// This is a preset of the generic [`Scheme::hmac`] builder.
    #[must_use]
    pub fn github() -> Self {
        hmac::github()
    }

    /// GitHub's legacy `X-Hub-Signature: sha1=<hex>`, HMAC-SHA-1 over the raw body.
    ///
    /// GitHub sends it beside `X-Hub-Signature-256` only for old integrations. Use
    /// [`Scheme::github`] unless the sender signs with SHA-1 alone.
    #[must_use]
    pub fn github_legacy_sha1() -> Self {
        hmac::github_legacy_sha1()
    }

    /// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]` over `{t}.{body}`.
    ///
    /// Every `v1` entry is a candidate (Stripe sends one per active secret during rotation);
    /// `v0` and unknown keys are ignored. The timestamp is required and checked against the
    /// tolerance in both directions. The secret (`whsec_…`) is used as-is as the key.
    #[must_use]
    pub fn stripe() -> Self {
        Self {
            name: Name::Preset("stripe"),
            format: Format::Stripe {
                signature: HeaderKey::new("Stripe-Signature"),
            },
            algorithm: Algorithm::Sha256,
            before: vec![Part::Timestamp, Part::literal(".")],
            after: Vec::new(),
            timestamp_unit: TimestampUnit::Seconds,
        }
    }

    /// Standard Webhooks, the scheme of Svix and many others: `webhook-id`, `webhook-timestamp`
    /// and `webhook-signature: v1,<base64> [v1,<base64> …]` over `{id}.{timestamp}.{body}`.
    ///
    /// The `svix-id`, `svix-timestamp` and `svix-signature` names are accepted too; the
    /// `webhook-` family wins when both are present, and the two are never mixed. Entries of
    /// other versions (`v1a`, `v2`) and unparseable entries are skipped, as the reference
    /// libraries do. Secrets are `whsec_<base64>` and the key is the decoded bytes.
    #[must_use]
    pub fn standard_webhooks() -> Self {
        Self {
            name: Name::Preset("standard-webhooks"),
            format: Format::StandardWebhooks {
                standard: standard_webhooks::Names::new("webhook"),
                svix: standard_webhooks::Names::new("svix"),
            },
            algorithm: Algorithm::Sha256,
            before: vec![
                Part::Id,
                Part::literal("."),
                Part::Timestamp,
                Part::literal("."),
            ],
            after: Vec::new(),
            timestamp_unit: TimestampUnit::Seconds,
        }
    }

    /// Starts a generic HMAC scheme whose signature is in the header `signature_header`.
    ///
    /// See [`HmacSchemeBuilder`] for the options and their defaults.
    pub fn hmac(signature_header: impl Into<String>) -> HmacSchemeBuilder {
        HmacSchemeBuilder::new(signature_header.into())
    }

    /// The scheme's name, as reported in [`Verified::scheme`](crate::Verified::scheme) and logs:
    /// `github`, `github-sha1`, `stripe`, `standard-webhooks`, or the name given to the builder.
    #[must_use]
    pub fn name(&self) -> &str {
        self.name.as_str()
    }

    /// The HMAC's hash function.
    #[must_use]
    pub const fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Whether deliveries of this scheme carry a timestamp, and so are checked for freshness.
    #[must_use]
    pub fn has_timestamp(&self) -> bool {
        match &self.format {
            Format::Single { timestamp, .. } => timestamp.is_some(),
            Format::Stripe { .. } | Format::StandardWebhooks { .. } => true,
        }
    }

    /// Whether deliveries carry exactly one signature (no list of candidates).
    pub(crate) const fn has_single_signature(&self) -> bool {
        matches!(self.format, Format::Single { .. })
    }

    /// Whether this scheme signs a message id, which [`SignOptions::id`](crate::SignOptions::id)
    /// must then provide.
    #[must_use]
    pub fn has_id(&self) -> bool {
        match &self.format {
            Format::Single { id, .. } => id.is_some(),
            Format::Stripe { .. } => false,
            Format::StandardWebhooks { .. } => true,
        }
    }

    /// Interprets a secret exactly as the provider shows it to its user.
    ///
    /// Standard Webhooks secrets are `whsec_` followed by base64 (or the base64 alone) and the
    /// key is the decoded bytes. For every other scheme, Stripe's `whsec_…` included, the key is
    /// the text's bytes as-is.
    ///
    /// # Errors
    ///
    /// [`ConfigError::EmptySecret`] for an empty secret, and
    /// [`ConfigError::InvalidStandardWebhooksSecret`] for a Standard Webhooks secret that is not
    /// base64.
    pub fn parse_secret(&self, text: &str) -> Result<Secret, ConfigError> {
        match self.format {
            Format::StandardWebhooks { .. } => Secret::from_standard_webhooks(text),
            Format::Single { .. } | Format::Stripe { .. } => Secret::from_bytes(text),
        }
    }

    /// Empty storage for this scheme's candidate tags.
    pub(crate) const fn new_tags<const N: usize>(&self) -> Tags<N> {
        Tags::new(self.algorithm.tag_len())
    }

    /// The name, to be kept by a [`Verified`](crate::Verified).
    pub(crate) fn shared_name(&self) -> Name {
        self.name.clone()
    }

    pub(crate) const fn timestamp_unit(&self) -> TimestampUnit {
        self.timestamp_unit
    }

    /// Reads and bounds the signature, timestamp and id headers of one delivery, decoding the
    /// candidate signatures into `tags` (which the caller owns, so the kilobyte of tag storage
    /// is written in place rather than moved).
    pub(crate) fn parse<'h, H: Headers + ?Sized, const N: usize>(
        &'h self,
        headers: &'h H,
        tags: &mut Tags<N>,
    ) -> Result<Parsed<'h>, VerifyError> {
        match &self.format {
            Format::Single {
                signature,
                prefix,
                encoding,
                timestamp,
                id,
            } => hmac::parse(
                headers,
                &hmac::Fields {
                    signature,
                    prefix: prefix.as_deref(),
                    encoding: *encoding,
                    timestamp: timestamp.as_ref(),
                    id: id.as_ref(),
                },
                tags,
            ),
            Format::Stripe { signature } => stripe::parse(headers, signature, tags),
            Format::StandardWebhooks { standard, svix } => {
                // The family whose signature header is present; never a mix of the two.
                let (names, value) = match unique(headers, &standard.signature)? {
                    Some(value) => (standard, value),
                    None => match unique(headers, &svix.signature)? {
                        Some(value) => (svix, value),
                        None => {
                            return Err(VerifyError::MissingSignature {
                                header: standard.signature.arc(),
                            });
                        }
                    },
                };
                let value = printable(&names.signature, value)?;
                standard_webhooks::parse(headers, names, value, tags)
            }
        }
    }

    /// Feeds the parts before the body into `mac`.
    pub(crate) fn absorb_before(&self, mac: &mut KeyedMac, timestamp: &[u8], id: &[u8]) {
        absorb(&self.before, &mut |data| mac.update(data), timestamp, id);
    }

    /// Feeds the parts after the body into `mac`.
    pub(crate) fn absorb_after(&self, mac: &mut KeyedMac, timestamp: &[u8], id: &[u8]) {
        absorb(&self.after, &mut |data| mac.update(data), timestamp, id);
    }

    /// The whole signed content of one delivery, as a [`Message`].
    pub(crate) const fn message<'a>(
        &'a self,
        timestamp: &'a [u8],
        id: &'a [u8],
        body: &'a [u8],
    ) -> Signed<'a> {
        Signed {
            scheme: self,
            timestamp,
            id,
            body,
        }
    }

    /// The header name/value pairs that carry `tag` (and the timestamp and id where the scheme
    /// has them), as the provider would send them.
    pub(crate) fn render(&self, tag: &[u8], timestamp: &str, id: &str) -> Vec<(String, String)> {
        match &self.format {
            Format::Single {
                signature,
                prefix,
                encoding,
                timestamp: timestamp_header,
                id: id_header,
            } => {
                let mut headers = Vec::with_capacity(3);
                if let Some(name) = id_header {
                    headers.push((name.as_str().to_owned(), id.to_owned()));
                }
                if let Some(name) = timestamp_header {
                    headers.push((name.as_str().to_owned(), timestamp.to_owned()));
                }
                let prefix = prefix.as_deref().unwrap_or("");
                headers.push((
                    signature.as_str().to_owned(),
                    format!("{prefix}{}", encoding.encode(tag)),
                ));
                headers
            }
            Format::Stripe { signature } => vec![(
                signature.as_str().to_owned(),
                format!("t={timestamp},v1={}", Encoding::Hex.encode(tag)),
            )],
            Format::StandardWebhooks { standard, .. } => vec![
                (standard.id.as_str().to_owned(), id.to_owned()),
                (standard.timestamp.as_str().to_owned(), timestamp.to_owned()),
                (
                    standard.signature.as_str().to_owned(),
                    format!("v1,{}", Encoding::Base64.encode(tag)),
                ),
            ],
        }
    }
}

impl fmt::Debug for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scheme")
            .field("name", &self.name.as_str())
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

/// The signed content of one delivery: the scheme's template filled in.
pub(crate) struct Signed<'a> {
    scheme: &'a Scheme,
    timestamp: &'a [u8],
    id: &'a [u8],
    body: &'a [u8],
}

impl Message for Signed<'_> {
    #[inline]
    fn write(&self, update: &mut impl FnMut(&[u8])) {
        absorb(&self.scheme.before, update, self.timestamp, self.id);
        update(self.body);
        absorb(&self.scheme.after, update, self.timestamp, self.id);
    }
}

/// Feeds `parts` to `update`, joined into as few calls as a small buffer allows: each call into
/// a MAC costs far more than copying a timestamp, an id or a separator.
#[inline]
fn absorb(parts: &[Part], update: &mut impl FnMut(&[u8]), timestamp: &[u8], id: &[u8]) {
    const JOINED: usize = 128;
    if parts.is_empty() {
        return;
    }
    let mut joined = [0u8; JOINED];
    let mut len = 0;
    for part in parts {
        let bytes = match part {
            Part::Literal(bytes) => bytes.as_slice(),
            Part::Timestamp => timestamp,
            Part::Id => id,
            // Never stored: the template is split around the body when the scheme is built.
            Part::Body => continue,
        };
        if len + bytes.len() > JOINED {
            update(joined.get(..len).unwrap_or_default());
            len = 0;
        }
        match joined.get_mut(len..len + bytes.len()) {
            Some(slot) => {
                slot.copy_from_slice(bytes);
                len += bytes.len();
            }
            None => update(bytes),
        }
    }
    if len > 0 {
        update(joined.get(..len).unwrap_or_default());
    }
}

// ==== helpers shared by the header parsers ====

/// Checks that a header value is printable ASCII and trims surrounding spaces and tabs.
fn printable<'v>(header: &HeaderKey, value: &'v [u8]) -> Result<&'v [u8], VerifyError> {
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

fn malformed(header: &HeaderKey, problem: Malformation) -> VerifyError {
    VerifyError::MalformedHeader {
        header: header.arc(),
        problem,
    }
}

/// Splits `bytes` on `separator` exactly as `<[u8]>::split` does, finding each separator with
/// `memchr`: a 64-digit tag is skipped in a few vector steps rather than byte by byte.
fn split_on(bytes: &[u8], separator: u8) -> impl Iterator<Item = &[u8]> {
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
fn present<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &'h HeaderKey,
) -> Result<&'h [u8], VerifyError> {
    unique(headers, name)?.ok_or_else(|| VerifyError::MissingHeader { header: name.arc() })
}

/// The signature header as sent; its absence means the delivery is unsigned.
fn present_signature<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &'h HeaderKey,
) -> Result<&'h [u8], VerifyError> {
    unique(headers, name)?.ok_or_else(|| VerifyError::MissingSignature { header: name.arc() })
}

/// A required header other than the signature, checked and trimmed.
fn required<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &'h HeaderKey,
) -> Result<&'h [u8], VerifyError> {
    printable(name, present(headers, name)?)
}

/// A required timestamp header: its text as sent (trimmed) and its value.
fn timestamp_header<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &'h HeaderKey,
) -> Result<(&'h [u8], u64), VerifyError> {
    let value = present(headers, name)?;
    // Fast path: a value of digits alone is printable and has nothing to trim.
    if let Ok(parsed) = timestamp::parse(value) {
        return Ok((value, parsed));
    }
    parse_timestamp(name, printable(name, value)?)
}

/// The signature header, checked and trimmed.
fn signature<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &'h HeaderKey,
) -> Result<&'h [u8], VerifyError> {
    printable(name, present_signature(headers, name)?)
}

fn parse_timestamp<'h>(name: &HeaderKey, text: &'h [u8]) -> Result<(&'h [u8], u64), VerifyError> {
    let value = timestamp::parse(text).map_err(|problem| malformed(name, problem))?;
    Ok((text, value))
}

fn check_id<'h>(name: &HeaderKey, id: &'h [u8]) -> Result<&'h [u8], VerifyError> {
    if id.len() > MAX_ID_LEN {
        return Err(malformed(name, Malformation::IdTooLong));
    }
    Ok(id)
}

/// Validates a header name given to a builder.
fn header_name(name: String) -> Result<HeaderKey, ConfigError> {
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

    #[test]
    fn absorb_feeds_exactly_the_concatenated_parts() {
        let timestamp = b"1700000000";
        for (literal_len, id_len) in [(0, 0), (1, 31), (100, 27), (127, 1), (128, 0), (300, 256)] {
            let literal = vec![b'L'; literal_len];
            let id = vec![b'i'; id_len];
            let parts = [
                Part::Id,
                Part::literal(literal.clone()),
                Part::Timestamp,
                Part::literal("."),
            ];
            let mut fed = Vec::new();
            absorb(
                &parts,
                &mut |data| fed.extend_from_slice(data),
                timestamp,
                &id,
            );
            let expected = [&id[..], &literal, timestamp, b"."].concat();
            assert_eq!(fed, expected, "literal {literal_len}, id {id_len}");
        }
    }
}
