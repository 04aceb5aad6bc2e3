//! The generic HMAC scheme: one signature in one header, configured by a builder. GitHub is a
//! preset of it.

use std::sync::Arc;

use super::{
    Format, Name, Parsed, Part, Scheme, check_id, header_name, malformed, present_signature,
    printable, required, timestamp_header,
};
use crate::headers::HeaderKey;
use crate::signature::Tags;
use crate::timestamp::TimestampUnit;
use crate::{Algorithm, ConfigError, Encoding, Headers, Malformation, VerifyError};

/// Builds a generic HMAC [`Scheme`]; start with [`Scheme::hmac`].
///
/// Defaults: no prefix, [`Algorithm::Sha256`], [`Encoding::Hex`], no timestamp or id header,
/// timestamps in [`TimestampUnit::Seconds`], and the body alone as the signed content.
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
    timestamp_unit: TimestampUnit,
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
            timestamp_unit: TimestampUnit::Seconds,
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

    /// The unit of the timestamp header. Default seconds.
    pub fn timestamp_unit(mut self, unit: TimestampUnit) -> Self {
        self.timestamp_unit = unit;
        self
    }

    /// The header that carries the delivery's id. Deliveries must then carry it.
    pub fn id_header(mut self, name: impl Into<String>) -> Self {
        self.id = Some(name.into());
        self
    }

    /// The signed content: the parts the provider concatenates, in order. It must contain
    /// [`Part::Body`] exactly once. Default: the body alone.
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

        let mut before = self.content;
        let Some(body_at) = before.iter().position(|part| *part == Part::Body) else {
            return Err(ConfigError::TemplateBody);
        };
        let after = before.split_off(body_at + 1);
        before.truncate(body_at);
        if after.contains(&Part::Body) {
            return Err(ConfigError::TemplateBody);
        }
        let all = || before.iter().chain(&after);
        if timestamp.is_none() && all().any(|part| *part == Part::Timestamp) {
            return Err(ConfigError::TemplateTimestampWithoutHeader);
        }
        if id.is_none() && all().any(|part| *part == Part::Id) {
            return Err(ConfigError::TemplateIdWithoutHeader);
        }
        // A timestamp or id that is read but not signed could be rewritten by anyone: its
        // freshness check or its use for deduplication would prove nothing. (Found by the
        // `roundtrip` fuzz target.)
        if timestamp.is_some() && !all().any(|part| *part == Part::Timestamp) {
            return Err(ConfigError::TimestampNotSigned);
        }
        if id.is_some() && !all().any(|part| *part == Part::Id) {
            return Err(ConfigError::IdNotSigned);
        }

        Ok(Scheme {
            name: Name::Custom(Arc::from(self.name)),
            format: Format::Single {
                signature,
                prefix: self.prefix.map(Arc::from),
                encoding: self.encoding,
                timestamp,
                id,
            },
            algorithm: self.algorithm,
            before,
            after,
            timestamp_unit: self.timestamp_unit,
        })
    }
}

pub(super) fn github() -> Scheme {
    preset(
        "github",
        "X-Hub-Signature-256",
        "sha256=",
        Algorithm::Sha256,
    )
}

pub(super) fn github_legacy_sha1() -> Scheme {
    preset("github-sha1", "X-Hub-Signature", "sha1=", Algorithm::Sha1)
}

/// A body-only, hex-encoded preset. Its names are constants, so it skips validation.
fn preset(name: &'static str, header: &str, prefix: &str, algorithm: Algorithm) -> Scheme {
    Scheme {
        name: Name::Preset(name),
        format: Format::Single {
            signature: HeaderKey::new(header),
            prefix: Some(Arc::from(prefix)),
            encoding: Encoding::Hex,
            timestamp: None,
            id: None,
        },
        algorithm,
        before: Vec::new(),
        after: Vec::new(),
        timestamp_unit: TimestampUnit::Seconds,
    }
}

/// The headers a [`Format::Single`] scheme reads.
pub(super) struct Fields<'s> {
    pub(super) signature: &'s HeaderKey,
    pub(super) prefix: Option<&'s str>,
    pub(super) encoding: Encoding,
    pub(super) timestamp: Option<&'s HeaderKey>,
    pub(super) id: Option<&'s HeaderKey>,
}

pub(super) fn parse<'h, H: Headers + ?Sized, const N: usize>(
    headers: &'h H,
    fields: &Fields<'h>,
    tags: &mut Tags<N>,
) -> Result<Parsed<'h>, VerifyError> {
    let name = fields.signature;
    let value = present_signature(headers, name)?;
    let prefix = fields.prefix.unwrap_or_default().as_bytes();
    // Fast path: a value that is exactly the prefix and a well-formed tag is printable and has
    // nothing to trim, since the builder keeps whitespace off the prefix's ends. Anything else
    // is checked step by step, for a precise error.
    let decoded = value
        .strip_prefix(prefix)
        .is_some_and(|encoded| tags.push(fields.encoding, encoded) == Ok(true));
    if !decoded {
        let value = printable(name, value)?;
        let encoded = value
            .strip_prefix(prefix)
            .ok_or_else(|| malformed(name, Malformation::MissingPrefix))?;
        tags.push(fields.encoding, encoded)
            .map_err(|problem| malformed(name, problem))?;
    }

    let timestamp = match fields.timestamp {
        Some(name) => Some(timestamp_header(headers, name)?),
        None => None,
    };
    let id = match fields.id {
        Some(name) => Some(check_id(name, required(headers, name)?)?),
        None => None,
    };
    Ok(Parsed { timestamp, id })
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
    fn content_is_split_around_the_body() {
        let scheme = Scheme::hmac("X-Sig")
            .timestamp_header("X-Ts")
            .signed_content([Part::literal("a"), Part::Body, Part::Timestamp])
            .build()
            .unwrap();
        assert_eq!(scheme.before, [Part::literal("a")]);
        assert_eq!(scheme.after, [Part::Timestamp]);
    }
}
