//! Errors: [`VerifyError`] at request time, [`ConfigError`] at construction time, [`SignError`]
//! when signing.

use std::sync::Arc;

/// Why a delivery was rejected.
///
/// Every variant is a request-time failure caused by the delivery itself, and
/// [`status_code`](Self::status_code) gives the HTTP status an adapter answers with. Messages are
/// lowercase, name the header at fault, and never contain the secret, the expected tag or the
/// received signature.
///
/// The enum is `#[non_exhaustive]`: new schemes may bring new ways for a delivery to be wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The signature header is absent: the delivery is unsigned. HTTP 401.
    #[error("missing signature header `{header}`")]
    MissingSignature {
        /// The header that was looked for.
        header: Arc<str>,
    },

    /// A header the scheme needs besides the signature (timestamp or message id) is absent.
    /// HTTP 400.
    #[error("missing header `{header}`")]
    MissingHeader {
        /// The header that was looked for.
        header: Arc<str>,
    },

    /// A header the scheme reads appears more than once, so it is ambiguous which to trust.
    /// HTTP 400.
    #[error("header `{header}` appears more than once")]
    DuplicateHeader {
        /// The repeated header.
        header: Arc<str>,
    },

    /// A header is longer than [`MAX_HEADER_LEN`](crate::MAX_HEADER_LEN) bytes. HTTP 400.
    #[error("header `{header}` is {len} bytes long, more than the {max} allowed")]
    HeaderTooLong {
        /// The offending header.
        header: Arc<str>,
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },

    /// A header is present but cannot be parsed. HTTP 400.
    #[error("header `{header}` is malformed: {problem}")]
    MalformedHeader {
        /// The offending header.
        header: Arc<str>,
        /// What is wrong with it.
        problem: Malformation,
    },

    /// The signature header lists more signatures than
    /// [`MAX_SIGNATURES`](crate::MAX_SIGNATURES). HTTP 400.
    #[error("header `{header}` carries more than {max} signatures")]
    TooManySignatures {
        /// The offending header.
        header: Arc<str>,
        /// The limit.
        max: usize,
    },

    /// The signature header is well formed but carries no signature of the version this scheme
    /// verifies (for example a Stripe header with only `v0` entries), so nothing can be checked.
    /// HTTP 400.
    #[error("header `{header}` has no {version} signature")]
    NoSupportedSignature {
        /// The offending header.
        header: Arc<str>,
        /// The version that was looked for, such as `v1`.
        version: &'static str,
    },

    /// The timestamp is older than the tolerance allows: a stale or replayed delivery. HTTP 401.
    #[error("timestamp {timestamp} is {age} s old, outside the {tolerance} s tolerance")]
    TimestampTooOld {
        /// The timestamp as sent, in the scheme's unit (seconds unless configured otherwise).
        timestamp: u64,
        /// How old it is, in whole seconds.
        age: u64,
        /// The tolerance in whole seconds.
        tolerance: u64,
    },

    /// The timestamp is further in the future than the tolerance allows. HTTP 401.
    #[error(
        "timestamp {timestamp} is {ahead} s in the future, outside the {tolerance} s tolerance"
    )]
    TimestampInFuture {
        /// The timestamp as sent, in the scheme's unit (seconds unless configured otherwise).
        timestamp: u64,
        /// How far ahead of the clock it is, in whole seconds.
        ahead: u64,
        /// The tolerance in whole seconds.
        tolerance: u64,
    },

    /// No signature in the delivery matches any configured secret: the body, timestamp or id was
    /// changed, or it was signed with another secret. HTTP 401.
    #[error("no signature matches")]
    SignatureMismatch,

    /// No signature matches for a scheme that signs the request's URL. The URL that was used is
    /// named: when it is not the one the provider called (a proxy, a different public origin),
    /// every delivery fails this way. HTTP 401.
    #[error("no signature matches the URL `{url}`")]
    SignatureMismatchForUrl {
        /// The URL the signature was checked against.
        url: Arc<str>,
    },

    /// The scheme signs the request's method and public URL, and neither the caller gave the
    /// URL ([`Request::url`](crate::Request::url)) nor the verifier was configured with a
    /// [`PublicUrl`](crate::PublicUrl) to build it from. A server misconfiguration, not a bad
    /// delivery. HTTP 500.
    #[error(
        "this scheme signs the request's URL, and no public URL is configured \
         (`VerifierBuilder::public_url`)"
    )]
    MissingRequestUrl,

    /// A scheme whose signature is inside the body (Mailgun) found no signature there: the
    /// delivery is unsigned. HTTP 401.
    #[error("the body has no `{field}` signature field")]
    MissingSignatureField {
        /// The field that was looked for.
        field: &'static str,
    },

    /// A field the scheme reads from the body (a timestamp or token) is absent. HTTP 400.
    #[error("the body has no `{field}` field")]
    MissingField {
        /// The field that was looked for.
        field: &'static str,
    },

    /// A field the scheme reads from the body is present but cannot be used. HTTP 400.
    #[error("the body field `{field}` is malformed: {problem}")]
    MalformedField {
        /// The offending field.
        field: &'static str,
        /// What is wrong with it.
        problem: Malformation,
    },

    /// The scheme reads the body (form parameters, JSON fields) and it is not in a format the
    /// scheme defines. HTTP 400.
    #[error("the body is not {expected}")]
    MalformedBody {
        /// What the body should have been, such as `a JSON object`.
        expected: &'static str,
    },

    /// The body is larger than the limit: a [`BufferedVerification`](crate::BufferedVerification)
    /// (what the adapters read bodies with) returns it when the announced `Content-Length` or
    /// the bytes received so far pass its limit. HTTP 413.
    #[error("body is larger than the {limit} byte limit")]
    BodyTooLarge {
        /// The limit in bytes.
        limit: u64,
    },

    /// The body stream failed before its end (the client went away, or sent less than its
    /// `Content-Length` announced). Only adapters produce it: core never reads a stream.
    /// HTTP 400.
    #[error("the body could not be read to its end")]
    BodyUnreadable,

    /// The body did not arrive within the deadline an adapter enforces (a slow or stalled
    /// client); its buffer is freed. Only adapters produce it. HTTP 408.
    #[error("the body was not received within {timeout_ms} ms")]
    BodyTimeout {
        /// The deadline, in milliseconds.
        timeout_ms: u64,
    },

    /// A handshake's verify token (Meta's `hub.verify_token`) does not match the one configured,
    /// or none is configured. HTTP 403.
    #[error("the handshake's verify token does not match")]
    HandshakeTokenMismatch,

    /// A handshake's field (a challenge, a token, `hub.mode`) is missing, repeated, empty,
    /// longer than [`MAX_CHALLENGE_LEN`](crate::MAX_CHALLENGE_LEN) or not text. HTTP 400.
    #[error("handshake field `{field}` is missing or malformed")]
    MalformedHandshake {
        /// The field.
        field: &'static str,
    },

    /// The delivery cannot be buffered now: the bytes held by all deliveries in flight fill the
    /// shared [`BodyBudget`](crate::BodyBudget), or memory for the body could not be allocated.
    /// Nothing is wrong with the delivery itself; the provider retries. HTTP 503.
    #[error("the server is busy: {reason}")]
    Overloaded {
        /// What ran out.
        reason: Overload,
    },

    /// The delivery names no tenant the service knows (a multi-tenant route asked its
    /// resolver, which has no keys for it). Said like a forged delivery, so that a stranger
    /// cannot list the tenants. Only adapters produce it. HTTP 401.
    #[error("no keys verify this delivery")]
    UnknownTenant,

    /// The tenant's keys could not be loaded now: the resolver failed or took too long.
    /// Nothing is known to be wrong with the delivery; the provider retries. Only adapters
    /// produce it. HTTP 503.
    #[error("the keys for this delivery are unavailable")]
    KeysUnavailable,
}

impl VerifyError {
    /// The HTTP status an adapter should answer with.
    ///
    /// `401` for an unsigned, forged or stale delivery, `400` for a malformed or ambiguous header,
    /// body field or handshake, or an unreadable body, `403` for a handshake whose verify token
    /// does not match, `408` for a body that arrived too slowly, `413` for an oversized body,
    /// `503` when the server cannot buffer the body or load the tenant's keys now, `500` when the server did not give a
    /// URL-signing scheme the request's URL.
    ///
    /// # Examples
    ///
    /// ```
    /// use hookverify_core::VerifyError;
    ///
    /// assert_eq!(VerifyError::SignatureMismatch.status_code(), 401);
    /// ```
    #[must_use]
    pub const fn status_code(&self) -> u16 {
        match self {
            Self::MissingSignature { .. }
            | Self::MissingSignatureField { .. }
            | Self::TimestampTooOld { .. }
            | Self::TimestampInFuture { .. }
            | Self::SignatureMismatch
            | Self::SignatureMismatchForUrl { .. }
            | Self::UnknownTenant => 401,
            Self::MissingHeader { .. }
            | Self::DuplicateHeader { .. }
            | Self::HeaderTooLong { .. }
            | Self::MalformedHeader { .. }
            | Self::TooManySignatures { .. }
            | Self::NoSupportedSignature { .. }
            | Self::MissingField { .. }
            | Self::MalformedField { .. }
            | Self::MalformedBody { .. }
            | Self::MalformedHandshake { .. }
            | Self::BodyUnreadable => 400,
            Self::HandshakeTokenMismatch => 403,
            Self::BodyTimeout { .. } => 408,
            Self::BodyTooLarge { .. } => 413,
            Self::Overloaded { .. } | Self::KeysUnavailable => 503,
            Self::MissingRequestUrl => 500,
        }
    }

    /// Whether the delivery was rejected for its timestamp being outside the tolerance.
    #[must_use]
    pub const fn is_timestamp_error(&self) -> bool {
        matches!(
            self,
            Self::TimestampTooOld { .. } | Self::TimestampInFuture { .. }
        )
    }

    /// A short, fixed description of the failure that holds no value from the request or the
    /// server (no timestamp, URL or header value): what the adapters log, since rejections are
    /// frequent on a public endpoint and their details are chosen by whoever sends them.
    ///
    /// # Examples
    ///
    /// ```
    /// use hookverify_core::VerifyError;
    ///
    /// let error = VerifyError::TimestampTooOld { timestamp: 1, age: 3600, tolerance: 300 };
    /// assert_eq!(error.reason(), "timestamp outside the tolerance");
    /// ```
    #[must_use]
    pub const fn reason(&self) -> &'static str {
        match self {
            Self::MissingSignature { .. } => "missing signature header",
            Self::MissingHeader { .. } => "missing header",
            Self::DuplicateHeader { .. } => "repeated header",
            Self::HeaderTooLong { .. } => "header too long",
            Self::MalformedHeader { .. } => "malformed header",
            Self::TooManySignatures { .. } => "too many signatures",
            Self::NoSupportedSignature { .. } => "no supported signature version",
            Self::TimestampTooOld { .. } | Self::TimestampInFuture { .. } => {
                "timestamp outside the tolerance"
            }
            Self::SignatureMismatch | Self::SignatureMismatchForUrl { .. } => {
                "no signature matches"
            }
            Self::MissingRequestUrl => "no public URL configured",
            Self::MissingSignatureField { .. } => "missing signature field",
            Self::MissingField { .. } => "missing body field",
            Self::MalformedField { .. } => "malformed body field",
            Self::MalformedBody { .. } => "malformed body",
            Self::BodyTooLarge { .. } => "body too large",
            Self::BodyUnreadable => "body unreadable",
            Self::BodyTimeout { .. } => "body too slow",
            Self::Overloaded { .. } => "overloaded",
            Self::UnknownTenant => "unknown tenant",
            Self::KeysUnavailable => "keys unavailable",
            Self::HandshakeTokenMismatch => "handshake verify token mismatch",
            Self::MalformedHandshake { .. } => "malformed handshake",
        }
    }

    /// The header (or body field) the failure is about, as the scheme names it: never a value
    /// from the request, so logs can say which one.
    ///
    /// # Examples
    ///
    /// ```
    /// use hookverify_core::VerifyError;
    ///
    /// let error = VerifyError::MissingHeader { header: "webhook-id".into() };
    /// assert_eq!(error.header(), Some("webhook-id"));
    /// assert_eq!(VerifyError::SignatureMismatch.header(), None);
    /// ```
    #[must_use]
    pub fn header(&self) -> Option<&str> {
        match self {
            Self::MissingSignature { header }
            | Self::MissingHeader { header }
            | Self::DuplicateHeader { header }
            | Self::HeaderTooLong { header, .. }
            | Self::MalformedHeader { header, .. }
            | Self::TooManySignatures { header, .. }
            | Self::NoSupportedSignature { header, .. } => Some(header),
            Self::MissingSignatureField { field }
            | Self::MissingField { field }
            | Self::MalformedField { field, .. }
            | Self::MalformedHandshake { field } => Some(field),
            _ => None,
        }
    }

    /// The message to send back to the client: [`Display`](std::fmt::Display)'s, except where
    /// that would tell a stranger what it must not learn. A timestamp error does not say how
    /// far off the timestamp is (that gives away the server's clock), and a mismatch does not
    /// name the URL the server computed (that gives away its configuration). The full error
    /// stays available to the server (the adapters put it in the response's extensions).
    ///
    /// # Examples
    ///
    /// ```
    /// use hookverify_core::VerifyError;
    ///
    /// let error = VerifyError::TimestampInFuture { timestamp: 2_000_000_000, ahead: 600, tolerance: 300 };
    /// assert_eq!(error.public_message(), "timestamp outside the tolerance");
    /// assert_eq!(VerifyError::SignatureMismatch.public_message(), "no signature matches");
    /// ```
    #[must_use]
    pub fn public_message(&self) -> std::borrow::Cow<'static, str> {
        match self {
            Self::TimestampTooOld { .. }
            | Self::TimestampInFuture { .. }
            | Self::SignatureMismatchForUrl { .. } => self.reason().into(),
            other => other.to_string().into(),
        }
    }
}

/// What ran out when a delivery could not be buffered, carried by
/// [`VerifyError::Overloaded`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Overload {
    /// The bodies of the deliveries in flight fill the shared
    /// [`BodyBudget`](crate::BodyBudget).
    #[error("the bodies in flight fill the body budget")]
    BodyBudget,
    /// The allocator refused memory for the body buffer.
    #[error("no memory could be allocated for the body")]
    OutOfMemory,
}

/// What is wrong with a malformed header, carried by [`VerifyError::MalformedHeader`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Malformation {
    /// The value is empty or only whitespace.
    #[error("it is empty")]
    Empty,
    /// The value holds bytes outside printable ASCII.
    #[error("it is not printable ASCII")]
    NotAscii,
    /// The signature does not start with the scheme's prefix (such as `sha256=`).
    #[error("the signature does not start with the scheme's prefix")]
    MissingPrefix,
    /// A signature is not valid hex.
    #[error("a signature is not valid hex")]
    InvalidHex,
    /// A signature is not valid (canonical) base64.
    #[error("a signature is not valid base64")]
    InvalidBase64,
    /// A signature decodes to a tag of the wrong length for the algorithm.
    #[error("a signature decodes to {actual} bytes where {expected} are expected")]
    WrongTagLength {
        /// The tag length of the scheme's algorithm.
        expected: usize,
        /// The decoded length.
        actual: usize,
    },
    /// A timestamp is not an unsigned decimal integer, or does not fit in 64 bits.
    #[error("the timestamp is not an unsigned integer")]
    InvalidTimestamp,
    /// A Stripe-style header has no `t=` element.
    #[error("it has no `t=` timestamp")]
    MissingTimestamp,
    /// A Stripe-style header has more than one `t=` element.
    #[error("it has more than one `t=` timestamp")]
    DuplicateTimestamp,
    /// An element of a list-valued header is not of the form `key=value`.
    #[error("an element is not of the form `key=value`")]
    InvalidElement,
    /// A message id is longer than [`MAX_ID_LEN`](crate::MAX_ID_LEN) bytes.
    #[error("the id is longer than {} bytes", crate::MAX_ID_LEN)]
    IdTooLong,
    /// A header that names the signature's version or algorithm (Box, HubSpot, Twilio) names one
    /// the scheme does not verify.
    #[error("it names a signature version or algorithm this scheme does not verify")]
    UnsupportedVersion,
    /// A field the scheme reads appears more than once, so it is ambiguous which to trust.
    #[error("it appears more than once")]
    Repeated,
    /// A signature is not a valid DER-encoded ECDSA signature.
    #[error("a signature is not a valid DER-encoded ECDSA signature")]
    InvalidDer,
    /// A forwarded header from a trusted proxy (`X-Forwarded-Proto`, `X-Forwarded-Host`) is not
    /// a URL scheme or a host, so the public URL cannot be built.
    #[error("it is not a URL scheme (`http`, `https`) or a host")]
    InvalidUrlPart,
}

/// Why a [`Verifier`](crate::Verifier) or a generic [`Scheme`](crate::Scheme) could not be built.
///
/// Construction failures are mistakes in configuration, never in a delivery, so they have no
/// HTTP status: they should stop a service from starting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No secret was given.
    #[error("no secret was given")]
    NoSecret,
    /// A secret is empty.
    #[error("a secret is empty")]
    EmptySecret,
    /// More secrets were given than a verifier holds.
    #[error("{count} secrets were given, at most {max} are supported")]
    TooManySecrets {
        /// How many were given.
        count: usize,
        /// The limit, [`MAX_SECRETS`](crate::MAX_SECRETS).
        max: usize,
    },
    /// A Standard Webhooks secret is not `whsec_` followed by base64.
    #[error("a Standard Webhooks secret must be `whsec_` followed by base64")]
    InvalidStandardWebhooksSecret,
    /// The tolerance is zero. A zero never means "off": to skip the freshness check, call
    /// [`VerifierBuilder::insecure_skip_timestamp_check`](crate::VerifierBuilder::insecure_skip_timestamp_check).
    #[error("the tolerance must be greater than zero")]
    ZeroTolerance,
    /// A header name is empty or holds characters that are not allowed in header names.
    #[error("`{0}` is not a valid header name")]
    InvalidHeaderName(String),
    /// A signature prefix is not printable ASCII, or starts or ends with whitespace, so no
    /// delivery could ever match it.
    #[error("the signature prefix must be printable ASCII without surrounding whitespace")]
    InvalidPrefix,
    /// The signed-content template has no body part, or more than one.
    #[error("the signed content must contain the body exactly once")]
    TemplateBody,
    /// The signed-content template uses the timestamp but no timestamp header is configured.
    #[error("the signed content uses the timestamp, but no timestamp header is configured")]
    TemplateTimestampWithoutHeader,
    /// A timestamp header is configured but the signed content does not include the timestamp,
    /// so anyone could change it and the freshness check would prove nothing.
    #[error("the timestamp header is not part of the signed content")]
    TimestampNotSigned,
    /// An id header is configured but the signed content does not include the id, so anyone
    /// could change it.
    #[error("the id header is not part of the signed content")]
    IdNotSigned,
    /// The signed-content template uses the message id but no id header is configured.
    #[error("the signed content uses the message id, but no id header is configured")]
    TemplateIdWithoutHeader,
    /// A public key is not valid for its algorithm.
    #[error("the public key is not valid")]
    InvalidPublicKey,
    /// An Ed25519 public key of small order, which would accept forged signatures.
    #[error("the public key is of small order and would accept forged signatures")]
    WeakPublicKey,
    /// A private signing key is not valid for its algorithm.
    #[error("the signing key is not valid")]
    InvalidSigningKey,
    /// A key of the wrong kind for the scheme: a secret for a scheme that verifies with the
    /// provider's public key, or a public key for one that shares a secret.
    #[error("`{scheme}` verifies with {expected}, not with {given}")]
    WrongKeyKind {
        /// The scheme.
        scheme: &'static str,
        /// What it takes.
        expected: crate::KeyKind,
        /// What was given.
        given: crate::KeyKind,
    },
    /// No preset has this name (see [`Scheme::presets`](crate::Scheme::presets)).
    #[error("no scheme is named `{0}`")]
    UnknownScheme(String),
    /// A [`PublicUrl`](crate::PublicUrl) is not of the form it must have; the text says why.
    #[error("the public URL is not usable: {0}")]
    InvalidPublicUrl(&'static str),
    /// A trusted peer of a [`PublicUrl`](crate::PublicUrl) is neither an IP address nor a
    /// network in CIDR notation.
    #[error("`{0}` is not an IP address or a network such as `10.0.0.0/8`")]
    InvalidTrustedPeer(String),
}

/// Why a delivery could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The scheme signs a message id and none was given.
    #[error("this scheme signs a message id, and none was given")]
    MissingId,
    /// The message id is empty, too long, or not printable ASCII.
    #[error(
        "the message id must be 1 to {} bytes of printable ASCII",
        crate::MAX_ID_LEN
    )]
    InvalidId,
    /// The timestamp is before the Unix epoch.
    #[error("the timestamp is before the Unix epoch")]
    TimestampBeforeEpoch,
    /// The scheme signs the request's method and URL, and none were given (see
    /// [`SignOptions::url`](crate::SignOptions::url)).
    #[error("this scheme signs the request URL and method, and none were given")]
    MissingUrl,
    /// The scheme signs inside the body (Mailgun's fields, Linear's timestamp): use
    /// [`Verifier::sign_delivery`](crate::Verifier::sign_delivery), which returns the body too.
    #[error("this scheme signs inside the body; use `sign_delivery`, which returns the body")]
    SignatureInBody,
    /// The scheme signs with the provider's private key: sign with a
    /// [`SigningKey`](crate::SigningKey) through [`Signer`](crate::Signer).
    #[error("this scheme signs with a private key; sign through `Signer` with a `SigningKey`")]
    NeedsSigningKey,
    /// The body cannot carry this scheme's signature (Mailgun signs inside a JSON or form body;
    /// Twilio signs form parameters).
    #[error("the body is not {expected}")]
    UnsignableBody {
        /// What the body should be.
        expected: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_follow_the_documented_mapping() {
        let header: Arc<str> = Arc::from("x");
        assert_eq!(
            VerifyError::MissingSignature {
                header: header.clone()
            }
            .status_code(),
            401
        );
        assert_eq!(
            VerifyError::MalformedHeader {
                header: header.clone(),
                problem: Malformation::InvalidHex
            }
            .status_code(),
            400
        );
        assert_eq!(VerifyError::DuplicateHeader { header }.status_code(), 400);
        assert_eq!(
            VerifyError::TimestampTooOld {
                timestamp: 1,
                age: 2,
                tolerance: 1
            }
            .status_code(),
            401
        );
        assert_eq!(VerifyError::BodyTooLarge { limit: 1 }.status_code(), 413);
        assert_eq!(
            VerifyError::BodyTimeout { timeout_ms: 1 }.status_code(),
            408
        );
        assert_eq!(
            VerifyError::Overloaded {
                reason: Overload::OutOfMemory
            }
            .status_code(),
            503
        );
        assert_eq!(VerifyError::UnknownTenant.status_code(), 401);
        assert_eq!(VerifyError::KeysUnavailable.status_code(), 503);
    }

    #[test]
    fn messages_name_what_was_wrong() {
        let err = VerifyError::TimestampTooOld {
            timestamp: 1_492_774_577,
            age: 48_533,
            tolerance: 300,
        };
        assert_eq!(
            err.to_string(),
            "timestamp 1492774577 is 48533 s old, outside the 300 s tolerance"
        );
        let err = VerifyError::NoSupportedSignature {
            header: Arc::from("Stripe-Signature"),
            version: "v1",
        };
        assert_eq!(
            err.to_string(),
            "header `Stripe-Signature` has no v1 signature"
        );
    }
}
