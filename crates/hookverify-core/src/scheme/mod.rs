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
use crate::mac::KeyedMac;
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
    name: Arc<str>,
    format: Format,
    algorithm: Algorithm,
    /// Parts signed before the body.
    before: Vec<Part>,
    /// Parts signed after the body.
    after: Vec<Part>,
    timestamp_unit: TimestampUnit,
}

/// Where a scheme reads its signature, timestamp and id.
#[derive(Clone)]
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
            name: Arc::from("stripe"),
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
            name: Arc::from("standard-webhooks"),
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
        &self.name
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
    pub(crate) const fn new_tags(&self) -> Tags {
        Tags::new(self.algorithm.tag_len())
    }

    pub(crate) const fn name_arc(&self) -> &Arc<str> {
        &self.name
    }

    pub(crate) const fn timestamp_unit(&self) -> TimestampUnit {
        self.timestamp_unit
    }

    /// Reads and bounds the signature, timestamp and id headers of one delivery, decoding the
    /// candidate signatures into `tags` (which the caller owns, so the kilobyte of tag storage
    /// is written in place rather than moved).
    pub(crate) fn parse<'h, H: Headers + ?Sized>(
        &'h self,
        headers: &'h H,
        tags: &mut Tags,
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
        absorb(&self.before, mac, timestamp, id);
    }

    /// Feeds the parts after the body into `mac`.
    pub(crate) fn absorb_after(&self, mac: &mut KeyedMac, timestamp: &[u8], id: &[u8]) {
        absorb(&self.after, mac, timestamp, id);
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
            .field("name", &self.name)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

fn absorb(parts: &[Part], mac: &mut KeyedMac, timestamp: &[u8], id: &[u8]) {
    for part in parts {
        match part {
            Part::Literal(bytes) => mac.update(bytes),
            Part::Timestamp => mac.update(timestamp),
            Part::Id => mac.update(id),
            // Never stored: the template is split around the body when the scheme is built.
            Part::Body => {}
        }
    }
}

// ==== helpers shared by the header parsers ====

/// Checks that a header value is printable ASCII and trims surrounding spaces and tabs.
fn printable<'v>(header: &HeaderKey, value: &'v [u8]) -> Result<&'v [u8], VerifyError> {
    // A min/max scan has no early exit, so it vectorizes; the extremes decide nearly every
    // value, and only one with a byte below space (a tab, perhaps) is looked at again.
    let (low, high) = value
        .iter()
        .fold((u8::MAX, 0), |(low, high), &b| (low.min(b), high.max(b)));
    let unprintable = high > b'~' || (low < b' ' && value.iter().any(|&b| b < b' ' && b != b'\t'));
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

/// A required header other than the signature.
fn required<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &'h HeaderKey,
) -> Result<&'h [u8], VerifyError> {
    let value =
        unique(headers, name)?.ok_or_else(|| VerifyError::MissingHeader { header: name.arc() })?;
    printable(name, value)
}

/// The signature header, whose absence means the delivery is unsigned.
fn signature<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &'h HeaderKey,
) -> Result<&'h [u8], VerifyError> {
    let value = unique(headers, name)?
        .ok_or_else(|| VerifyError::MissingSignature { header: name.arc() })?;
    printable(name, value)
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
