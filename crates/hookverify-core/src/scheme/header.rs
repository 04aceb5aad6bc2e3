//! One signature in one header, behind an optional prefix, with optional timestamp, id and
//! version headers: GitHub and most providers, and every scheme of the generic builder.
//!
//! The signature is an HMAC tag in most presets, a plain SHA-256 (HubSpot v1/v2), an Ed25519
//! signature in hex (Discord) or a DER ECDSA signature in base64 (SendGrid). A few presets read
//! one thing more: Linear keeps its signed timestamp in the JSON body, HubSpot names the
//! signature's version in a header of its own.

#![cfg_attr(
    not(any(feature = "ed25519", feature = "p256")),
    allow(
        unused,
        unreachable_code,
        reason = "without a public-key feature, the public-key paths are compiled out"
    )
)]

use std::sync::Arc;

use arrayvec::ArrayVec;

use super::content::{Content, Part, Piece};
use super::family::{BodyFields, BodyUse, Family, Head, SignFields, SignWith, Signed};
use super::json::{Cursor, Pace, Plain};
use super::read::{
    HeaderView, header_name, id_header, malformed, present_signature, printable, required,
    timestamp_header,
};
use super::{Name, Scheme};
use crate::headers::{HeaderKey, Occurrence};
use crate::key::Primitive;
use crate::mac::Message as _;
use crate::signature::{Candidates, Kind};
use crate::timestamp::TimestampFormat;
use crate::{
    Algorithm, ConfigError, Encoding, Headers, Malformation, PublicKey, Request, SignError,
    VerifyError,
};

/// How a [`Header`] scheme reads its public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyText {
    /// Ed25519, 64 hex digits (Discord).
    #[cfg(feature = "ed25519")]
    Ed25519Hex,
    /// P-256, base64 SubjectPublicKeyInfo (SendGrid).
    #[cfg(feature = "p256")]
    P256Spki,
}

/// The configuration of one single-header scheme.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    signature: HeaderKey,
    /// Another name the signature may arrive under, read when the first is absent (Shopify's
    /// unprefixed `shopify-hmac-sha256`).
    alternate: Option<HeaderKey>,
    prefix: Option<Arc<str>>,
    encoding: Encoding,
    kind: Kind,
    /// The decoded signature's length.
    len: usize,
    timestamp: Option<(HeaderKey, TimestampFormat)>,
    id: Option<HeaderKey>,
    /// A header that must carry exactly this value (HubSpot's signature version).
    version: Option<(HeaderKey, &'static str)>,
    /// Whether the signed timestamp is Linear's `webhookTimestamp` JSON body field, in
    /// milliseconds.
    body_timestamp: bool,
    public_key: Option<KeyText>,
    content: Content,
}

impl Header {
    /// A scheme whose signature is in `signature`, encoded as `encoding`, of the tag length of
    /// `primitive`, over the body alone.
    pub(crate) fn new(signature: &str, encoding: Encoding, len: usize) -> Self {
        Self {
            signature: HeaderKey::new(signature),
            alternate: None,
            prefix: None,
            encoding,
            kind: Kind::Tag,
            len,
            timestamp: None,
            id: None,
            version: None,
            body_timestamp: false,
            public_key: None,
            content: Content::body(),
        }
    }

    pub(crate) fn prefix(mut self, prefix: &str) -> Self {
        self.prefix = Some(Arc::from(prefix));
        self
    }

    pub(crate) fn alternate(mut self, name: &str) -> Self {
        self.alternate = Some(HeaderKey::new(name));
        self
    }

    pub(crate) fn timestamp(mut self, name: &str, format: TimestampFormat) -> Self {
        self.timestamp = Some((HeaderKey::new(name), format));
        self
    }

    pub(crate) fn id(mut self, name: &str) -> Self {
        self.id = Some(HeaderKey::new(name));
        self
    }

    pub(crate) fn version(mut self, name: &str, value: &'static str) -> Self {
        self.version = Some((HeaderKey::new(name), value));
        self
    }

    /// Reads the timestamp from Linear's `webhookTimestamp` body field.
    pub(crate) const fn linear_body_timestamp(mut self) -> Self {
        self.body_timestamp = true;
        self
    }

    pub(crate) fn content(
        mut self,
        before: impl Into<Vec<Piece>>,
        after: impl Into<Vec<Piece>>,
    ) -> Self {
        self.content = Content::new(before, after);
        self
    }

    /// Signatures by a public key of this text form, decoded as `kind`.
    pub(crate) const fn public_key(mut self, kind: Kind, text: KeyText) -> Self {
        self.kind = kind;
        self.public_key = Some(text);
        self
    }

    /// Decodes the signature value, prefix stripped, into a candidate.
    fn decode<const N: usize>(
        &self,
        encoded: &[u8],
        candidates: &mut Candidates<N>,
    ) -> Result<(), Malformation> {
        match self.kind {
            #[cfg(feature = "p256")]
            Kind::P256 => {
                let signature = Encoding::decode_der_p256(encoded)?;
                candidates.push_bytes(&signature, Kind::P256);
                Ok(())
            }
            kind => candidates
                .push(self.encoding, encoded, self.len, kind)
                .map(drop),
        }
    }

    /// Encodes a signature for the header, prefix included.
    fn encode(&self, signature: &[u8]) -> String {
        let prefix = self.prefix.as_deref().unwrap_or("");
        let encoded = match self.kind {
            #[cfg(feature = "p256")]
            Kind::P256 => p256::ecdsa::Signature::from_slice(signature).map_or_else(
                |_| String::new(),
                |signature| Encoding::Base64.encode(signature.to_der().as_bytes()),
            ),
            _ => self.encoding.encode(signature),
        };
        format!("{prefix}{encoded}")
    }
}

impl Family for Header {
    fn max_candidates(&self) -> usize {
        1
    }

    fn body_use(&self) -> BodyUse {
        if self.body_timestamp {
            BodyUse::SignedAndRead
        } else {
            BodyUse::Signed
        }
    }

    fn content(&self) -> &Content {
        &self.content
    }

    fn has_timestamp(&self) -> bool {
        self.timestamp.is_some() || self.body_timestamp
    }

    fn has_id(&self) -> bool {
        self.id.is_some()
    }

    fn timestamp_format(&self) -> TimestampFormat {
        match &self.timestamp {
            Some((_, format)) => *format,
            None if self.body_timestamp => TimestampFormat::UnixMillis,
            None => TimestampFormat::UnixSeconds,
        }
    }

    fn public_key_kind(&self) -> Option<Kind> {
        self.public_key.map(|_| self.kind)
    }

    fn parse_public_key(&self, text: &str) -> Option<Result<PublicKey, ConfigError>> {
        Some(match self.public_key? {
            #[cfg(feature = "ed25519")]
            KeyText::Ed25519Hex => PublicKey::ed25519_hex(text),
            #[cfg(feature = "p256")]
            KeyText::P256Spki => PublicKey::p256_spki(text),
        })
    }

    #[inline]
    fn read_head<'r, H: Headers + ?Sized, const N: usize>(
        &'r self,
        request: &Request<'r, H>,
        candidates: &mut Candidates<N>,
    ) -> Result<Head<'r>, VerifyError> {
        // The names read on every delivery (at most four: the signature and three optional
        // ones), in one pass where the map allows; a lone signature name is looked up by hash
        // without building the list, and the alternate name only when the main one is absent.
        let mut keys = ArrayVec::<&HeaderKey, 4>::new();
        let mut found = [Occurrence::Absent; 4];
        let headers = if self.version.is_none() && self.timestamp.is_none() && self.id.is_none() {
            HeaderView::direct(request.headers())
        } else {
            let optional = [
                self.version.as_ref().map(|(name, _)| name),
                self.timestamp.as_ref().map(|(name, _)| name),
                self.id.as_ref(),
            ];
            // Four at most: the list cannot be full. (Pushed one by one: collecting a chain of
            // iterators cost 120 instructions on every delivery.)
            for key in std::iter::once(&self.signature).chain(optional.into_iter().flatten()) {
                let _ = keys.try_push(key);
            }
            HeaderView::new(request.headers(), &keys, &mut found)
        };
        let (name, value) = match (&self.alternate, headers.unique(&self.signature)?) {
            (_, Some(value)) => (&self.signature, value),
            (Some(alternate), None) => (
                alternate,
                present_signature(&headers, alternate).map_err(
                    // An unsigned delivery is missing the main name, not the alternate.
                    |error| match error {
                        VerifyError::MissingSignature { .. } => VerifyError::MissingSignature {
                            header: self.signature.arc(),
                        },
                        other => other,
                    },
                )?,
            ),
            (None, None) => {
                return Err(VerifyError::MissingSignature {
                    header: self.signature.arc(),
                });
            }
        };
        let prefix = self.prefix.as_deref().unwrap_or_default().as_bytes();
        // Fast path: a value that is exactly the prefix and a well-formed signature is printable
        // and has nothing to trim, since prefixes have no whitespace at their ends. Anything
        // else is checked step by step, for a precise error.
        let decoded = value
            .strip_prefix(prefix)
            .is_some_and(|encoded| self.decode(encoded, candidates).is_ok());
        if !decoded {
            let value = printable(name, value)?;
            let encoded = value
                .strip_prefix(prefix)
                .ok_or_else(|| malformed(name, Malformation::MissingPrefix))?;
            self.decode(encoded, candidates)
                .map_err(|problem| malformed(name, problem))?;
        }

        if let Some((name, expected)) = &self.version
            && required(&headers, name)? != expected.as_bytes()
        {
            return Err(malformed(name, Malformation::UnsupportedVersion));
        }
        let timestamp = match &self.timestamp {
            Some((name, format)) => Some(timestamp_header(&headers, name, *format)?),
            None => None,
        };
        let id = match &self.id {
            Some(name) => Some(id_header(&headers, name)?),
            None => None,
        };
        Ok(Head { timestamp, id })
    }

    fn read_body<'b, const N: usize>(
        &self,
        body: &'b [u8],
        _candidates: &mut Candidates<N>,
        pace: impl Pace,
    ) -> Result<BodyFields<'b>, VerifyError> {
        if !self.body_timestamp {
            return Ok(BodyFields::default());
        }
        Ok(BodyFields {
            millis: Some(linear_millis(body, pace)?),
            ..BodyFields::default()
        })
    }

    fn sign(
        &self,
        with: &SignWith<'_>,
        body: &[u8],
        fields: &SignFields<'_>,
    ) -> Result<Signed, SignError> {
        // Linear signs its timestamp inside the body: write the signing time there.
        let rewritten = if self.body_timestamp {
            Some(with_json_field(body, LINEAR_TIMESTAMP, fields.timestamp)?)
        } else {
            None
        };
        let body = rewritten.as_deref().unwrap_or(body);
        let mut message = Vec::new();
        self.content
            .message(fields.content(), body)
            .write_into(&mut message);
        let signature = (with.sign)(&message);

        let mut headers = Vec::with_capacity(4);
        if let Some(name) = &self.id {
            headers.push((name.as_str().to_owned(), fields.id.to_owned()));
        }
        if let Some((name, _)) = &self.timestamp {
            headers.push((name.as_str().to_owned(), fields.timestamp.to_owned()));
        }
        if let Some((name, value)) = &self.version {
            headers.push((name.as_str().to_owned(), (*value).to_owned()));
        }
        headers.push((self.signature.as_str().to_owned(), self.encode(&signature)));
        Ok(Signed {
            headers,
            body: rewritten,
        })
    }
}

/// Linear's signed timestamp field.
const LINEAR_TIMESTAMP: &str = "webhookTimestamp";

/// What of a Linear body is read: its timestamp, which must be a JSON integer (a string or a
/// float is refused, as Linear's SDK does). Every other field is skipped without being kept.
#[derive(serde::Deserialize)]
struct LinearBody {
    #[serde(rename = "webhookTimestamp", default)]
    timestamp: Option<serde_json::Value>,
}

/// The millisecond timestamp of a Linear body, telling `pace` how far the reading has got.
fn linear_millis(body: &[u8], pace: impl Pace) -> Result<u64, VerifyError> {
    // serde reads a struct from a JSON array too; Linear sends objects.
    if body.trim_ascii_start().first() != Some(&b'{') {
        return Err(VerifyError::MalformedBody {
            expected: "a JSON object",
        });
    }
    plain_linear_millis(body, pace).unwrap_or_else(|| serde_linear_millis(body))
}

/// Linear's timestamp, read by `serde_json`.
pub(super) fn serde_linear_millis(body: &[u8]) -> Result<u64, VerifyError> {
    let parsed: LinearBody =
        serde_json::from_slice(body).map_err(|_| VerifyError::MalformedBody {
            expected: "a JSON object",
        })?;
    let field = LINEAR_TIMESTAMP;
    let value = parsed
        .timestamp
        .filter(|value| !value.is_null())
        .ok_or(VerifyError::MissingField { field })?;
    value.as_u64().ok_or(VerifyError::MalformedField {
        field,
        problem: Malformation::InvalidTimestamp,
    })
}

/// Linear's timestamp, found without `serde_json` when the body is plain (see
/// [`json`](super::json)); `None` when `serde_json` must decide.
pub(super) fn plain_linear_millis(
    body: &[u8],
    pace: impl Pace,
) -> Option<Result<u64, VerifyError>> {
    let mut millis = None;
    let mut seen = false;
    let mut json = Cursor::paced(body, pace);
    json.members([LINEAR_TIMESTAMP.as_bytes()], |json, which| {
        if which.is_none() {
            return json.skip();
        }
        // `serde_json` refuses a repeated field.
        if std::mem::replace(&mut seen, true) {
            return None;
        }
        millis = match json.plain()? {
            Plain::Null => None,
            Plain::Digits(digits) => Some(crate::timestamp::parse(digits).ok()?),
            Plain::Text(_) => return None,
        };
        Some(())
    })?;
    json.end()?;
    Some(millis.ok_or(VerifyError::MissingField {
        field: LINEAR_TIMESTAMP,
    }))
}

/// `body`, a JSON object, with `field` set to the number `value`.
fn with_json_field(body: &[u8], field: &str, value: &str) -> Result<Vec<u8>, SignError> {
    let unsignable = SignError::UnsignableBody {
        expected: "a JSON object",
    };
    let mut object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(body).map_err(|_| unsignable.clone())?;
    let number: u64 = value.parse().map_err(|_| unsignable.clone())?;
    object.insert(field.to_owned(), number.into());
    serde_json::to_vec(&object).map_err(|_| unsignable)
}

/// Builds a generic HMAC [`Scheme`]; start with [`Scheme::hmac`].
///
/// Defaults: no prefix, [`Algorithm::Sha256`], [`Encoding::Hex`], no timestamp or id header,
/// timestamps in [`TimestampFormat::UnixSeconds`], and the body alone as the signed content.
///
/// # Examples
///
/// ```
/// use hookverify_core::{Encoding, Part, Scheme, SignOptions, Verifier};
/// use std::time::{Duration, UNIX_EPOCH};
///
/// // A provider that signs `{timestamp}.{body}` and sends base64 in `X-Signature`.
/// let scheme = Scheme::hmac("X-Signature")
///     .encoding(Encoding::Base64)
///     .timestamp_header("X-Timestamp")
///     .signed_content([Part::Timestamp, Part::literal("."), Part::Body])
///     .build()?;
/// let verifier = Verifier::builder(scheme).secret("test-only-secret").build()?;
///
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let headers = verifier.sign(b"{}", &SignOptions::at(now))?;
/// assert!(verifier.verify(&headers, b"{}", now).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct HmacSchemeBuilder {
    name: String,
    signature: String,
    prefix: Option<String>,
    algorithm: Algorithm,
    encoding: Encoding,
    timestamp: Option<String>,
    timestamp_format: TimestampFormat,
    id: Option<String>,
    content: Vec<Part>,
}

impl HmacSchemeBuilder {
    pub(super) fn new(signature: String) -> Self {
        Self {
            name: "hmac".to_owned(),
            signature,
            prefix: None,
            algorithm: Algorithm::Sha256,
            encoding: Encoding::Hex,
            timestamp: None,
            timestamp_format: TimestampFormat::UnixSeconds,
            id: None,
            content: vec![Part::Body],
        }
    }

    /// The name reported in [`Verified::scheme`](crate::Verified::scheme) and logs. Default
    /// `hmac`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Text that precedes the encoded tag in the signature header, such as `sha256=`. It must
    /// match exactly (case-sensitively).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// The hash function. Default SHA-256.
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// How the tag is written. Default hex.
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// The header that carries the delivery's timestamp. Deliveries must then carry it, and it
    /// is checked against the verifier's tolerance in both directions.
    pub fn timestamp_header(mut self, name: impl Into<String>) -> Self {
        self.timestamp = Some(name.into());
        self
    }

    /// How the timestamp header is written. Default Unix seconds.
    pub fn timestamp_format(mut self, format: TimestampFormat) -> Self {
        self.timestamp_format = format;
        self
    }

    /// The header that carries the delivery's id. Deliveries must then carry it.
    pub fn id_header(mut self, name: impl Into<String>) -> Self {
        self.id = Some(name.into());
        self
    }

    /// The signed content: the parts the provider concatenates, in order. It must contain
    /// [`Part::Body`] exactly once. Default: the body alone. With [`Part::Method`] or
    /// [`Part::Url`], deliveries must be verified with their [`Request`](crate::Request).
    pub fn signed_content(mut self, parts: impl IntoIterator<Item = Part>) -> Self {
        self.content = parts.into_iter().collect();
        self
    }

    /// Checks the configuration and builds the scheme.
    ///
    /// # Errors
    ///
    /// - [`ConfigError::InvalidHeaderName`] for a header name that is not an HTTP token;
    /// - [`ConfigError::InvalidPrefix`] for a prefix that is not printable ASCII or that starts
    ///   or ends with whitespace;
    /// - [`ConfigError::TemplateBody`] when the signed content lacks the body or repeats it;
    /// - [`ConfigError::TemplateTimestampWithoutHeader`] or
    ///   [`ConfigError::TemplateIdWithoutHeader`] when the content uses a header that is not
    ///   configured;
    /// - [`ConfigError::TimestampNotSigned`] or [`ConfigError::IdNotSigned`] when a timestamp or
    ///   id header is configured but the content does not sign it.
    pub fn build(self) -> Result<Scheme, ConfigError> {
        let signature = header_name(self.signature)?;
        // Header values are trimmed and must be printable ASCII, so a prefix that is not, or
        // that starts or ends with whitespace, could never match.
        if let Some(prefix) = &self.prefix {
            let printable = prefix.bytes().all(|b| (b' '..=b'~').contains(&b));
            if !printable || prefix.trim() != prefix {
                return Err(ConfigError::InvalidPrefix);
            }
        }
        let timestamp = self.timestamp.map(header_name).transpose()?;
        let id = self.id.map(header_name).transpose()?;
        let content = Content::from_parts(self.content).ok_or(ConfigError::TemplateBody)?;

        if timestamp.is_none() && content.uses(&Piece::Timestamp) {
            return Err(ConfigError::TemplateTimestampWithoutHeader);
        }
        if id.is_none() && content.uses(&Piece::Id) {
            return Err(ConfigError::TemplateIdWithoutHeader);
        }
        // A timestamp or id that is read but not signed could be rewritten by anyone: its
        // freshness check or its use for deduplication would prove nothing. (Found by the
        // `roundtrip` fuzz target.)
        if timestamp.is_some() && !content.uses(&Piece::Timestamp) {
            return Err(ConfigError::TimestampNotSigned);
        }
        if id.is_some() && !content.uses(&Piece::Id) {
            return Err(ConfigError::IdNotSigned);
        }

        let header = Header {
            signature,
            alternate: None,
            prefix: self.prefix.map(Arc::from),
            encoding: self.encoding,
            kind: Kind::Tag,
            len: self.algorithm.tag_len(),
            timestamp: timestamp.map(|name| (name, self.timestamp_format)),
            id,
            version: None,
            body_timestamp: false,
            public_key: None,
            content,
        };
        Ok(Scheme::from_family(
            Name::Custom(Arc::from(self.name)),
            super::family::Families::Header(header),
            Primitive::Hmac(self.algorithm),
            None,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_without_a_body_is_rejected() {
        let err = Scheme::hmac("X-Sig")
            .signed_content([Part::literal("x")])
            .build()
            .unwrap_err();
        assert_eq!(err, ConfigError::TemplateBody);
    }

    #[test]
    fn content_with_two_bodies_is_rejected() {
        let err = Scheme::hmac("X-Sig")
            .signed_content([Part::Body, Part::Body])
            .build()
            .unwrap_err();
        assert_eq!(err, ConfigError::TemplateBody);
    }

    #[test]
    fn content_using_an_unconfigured_header_is_rejected() {
        let err = Scheme::hmac("X-Sig")
            .signed_content([Part::Timestamp, Part::Body])
            .build()
            .unwrap_err();
        assert_eq!(err, ConfigError::TemplateTimestampWithoutHeader);
        let err = Scheme::hmac("X-Sig")
            .signed_content([Part::Body, Part::Id])
            .build()
            .unwrap_err();
        assert_eq!(err, ConfigError::TemplateIdWithoutHeader);
    }

    #[test]
    fn a_timestamp_or_id_header_must_be_signed() {
        // Regression: fuzz/corpus/roundtrip/regression-timestamp-header-not-signed. A timestamp
        // that is checked but not signed can be moved by anyone, so freshness proves nothing.
        let err = Scheme::hmac("X-Sig")
            .timestamp_header("X-Ts")
            .build()
            .unwrap_err();
        assert_eq!(err, ConfigError::TimestampNotSigned);
        let err = Scheme::hmac("X-Sig").id_header("X-Id").build().unwrap_err();
        assert_eq!(err, ConfigError::IdNotSigned);
    }

    #[test]
    fn invalid_header_names_are_rejected() {
        for name in ["", "X Sig", "X-Sig:", "X-Sïg"] {
            let err = Scheme::hmac(name).build().unwrap_err();
            assert_eq!(err, ConfigError::InvalidHeaderName(name.to_owned()));
        }
    }

    #[test]
    fn prefixes_that_could_never_match_are_rejected() {
        for prefix in [" v0=", "v0= ", "sig\u{e9}=", "a\tb"] {
            let err = Scheme::hmac("X-Sig").prefix(prefix).build().unwrap_err();
            assert_eq!(err, ConfigError::InvalidPrefix, "{prefix:?}");
        }
        assert!(Scheme::hmac("X-Sig").prefix("").build().is_ok());
        assert!(Scheme::hmac("X-Sig").prefix("v1 sig=").build().is_ok());
    }

    #[test]
    fn linear_timestamps_are_json_integers() {
        assert_eq!(
            linear_millis(
                br#"{"a":[1,{"b":"\u00e9"}],"webhookTimestamp":1700000000000}"#,
                ()
            ),
            Ok(1_700_000_000_000)
        );
        for (body, error) in [
            (&br#"{"webhookTimestamp":"1700000000000"}"#[..], "malformed"),
            (br#"{"webhookTimestamp":1.7e12}"#, "malformed"),
            (br#"{"webhookTimestamp":-1}"#, "malformed"),
            (br#"{"webhookTimestamp":null}"#, "missing"),
            (br#"{"other":1}"#, "missing"),
            (b"[1]", "body"),
            (b"not json", "body"),
        ] {
            let got = linear_millis(body, ()).unwrap_err();
            let kind = match got {
                VerifyError::MalformedField { .. } => "malformed",
                VerifyError::MissingField { .. } => "missing",
                VerifyError::MalformedBody { .. } => "body",
                _ => "other",
            };
            assert_eq!(kind, error, "{}", String::from_utf8_lossy(body));
        }
    }
}
