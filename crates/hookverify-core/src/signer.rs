//! [`Signer`]: signing deliveries as a provider would, for tests, the CLI and senders.

#![cfg_attr(
    not(any(feature = "ed25519", feature = "p256")),
    allow(
        unused,
        unreachable_code,
        reason = "without a public-key feature, the public-key paths are compiled out"
    )
)]

use std::fmt;
use std::time::SystemTime;

use crate::key::Key;
use crate::public_key::SigningKeyInner;
use crate::scheme::family::{Family as _, SignFields, SignWith};
use crate::signature::Kind;
use crate::{ConfigError, KeyKind, MAX_ID_LEN, Scheme, SignError, SigningKey};

/// What to sign besides the body: the timestamp, the message id for schemes that sign one,
/// and the method and public URL for schemes that sign those.
///
/// # Examples
///
/// ```
/// use std::time::SystemTime;
/// use hookverify_core::SignOptions;
///
/// let options = SignOptions::at(SystemTime::now())
///     .id("msg_2b1mrbFbVWTYo8WbMvmoj3gSgvg")
///     .url("https://hooks.example.com/twilio");
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Copy)]
#[must_use]
pub struct SignOptions<'a> {
    timestamp: SystemTime,
    id: Option<&'a str>,
    method: Option<&'a str>,
    url: Option<&'a str>,
}

impl<'a> SignOptions<'a> {
    /// Signs as of `timestamp` (ignored by schemes without one).
    pub const fn at(timestamp: SystemTime) -> Self {
        Self {
            timestamp,
            id: None,
            method: None,
            url: None,
        }
    }

    /// The message id to sign (ignored by schemes without one): 1 to [`MAX_ID_LEN`] bytes of
    /// printable ASCII without spaces. Mailgun's token is its id.
    pub const fn id(mut self, id: &'a str) -> Self {
        self.id = Some(id);
        self
    }

    /// The request method to sign, for schemes that sign it (default `POST`).
    pub const fn method(mut self, method: &'a str) -> Self {
        self.method = Some(method);
        self
    }

    /// The public URL to sign, for schemes that sign it (Twilio, Square, HubSpot).
    pub const fn url(mut self, url: &'a str) -> Self {
        self.url = Some(url);
        self
    }
}

/// A signed delivery: the headers to send and, when the signature lives inside the body
/// (Mailgun) or the body carries a signed field (Linear's timestamp), the body to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedDelivery {
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

impl SignedDelivery {
    /// The headers to send, in the provider's spelling.
    #[must_use]
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The body to send instead of the one given, for schemes that sign inside it.
    #[must_use]
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// The headers and the rewritten body.
    #[must_use]
    pub fn into_parts(self) -> (Vec<(String, String)>, Option<Vec<u8>>) {
        (self.headers, self.body)
    }
}

/// Signs deliveries of one [`Scheme`] with one key: a shared secret, or for Ed25519 and P-256
/// schemes a private [`SigningKey`].
///
/// [`Verifier::sign`](crate::Verifier::sign) signs with a verifier's first secret; a `Signer`
/// also signs as Discord, SendGrid or a Standard Webhooks `v1a` sender does.
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "ed25519")] {
/// use std::time::{Duration, UNIX_EPOCH};
/// use hookverify_core::{Scheme, SignOptions, Signer, SigningKey, Verifier};
///
/// let key = SigningKey::ed25519_hex(&"01".repeat(32))?;
/// let signer = Signer::with_signing_key(Scheme::discord(), &key)?;
/// let now = UNIX_EPOCH + Duration::from_secs(1_614_265_330);
/// let signed = signer.sign(br#"{"type":1}"#, &SignOptions::at(now))?;
///
/// let verifier = Verifier::builder(Scheme::discord()).raw_public_key(key.public_key()).build()?;
/// verifier.verify(signed.headers(), br#"{"type":1}"#, now)?;
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Signer {
    scheme: Scheme,
    key: SignerKey,
}

enum SignerKey {
    Shared(Box<Key>),
    Private(Box<SigningKey>),
}

impl Signer {
    /// A signer with a shared secret, exactly as the provider shows it.
    ///
    /// # Errors
    ///
    /// As [`Scheme::parse_secret`].
    pub fn new(scheme: Scheme, secret: &str) -> Result<Self, ConfigError> {
        let parsed = scheme.parse_secret(secret)?;
        let key =
            Key::from_secret(scheme.primitive(), &parsed).ok_or(ConfigError::WrongKeyKind {
                scheme: "hmac",
                expected: KeyKind::PublicKey,
                given: KeyKind::Secret,
            })?;
        Ok(Self {
            scheme,
            key: SignerKey::Shared(Box::new(key)),
        })
    }

    /// A signer with the provider's private key, for Discord, SendGrid and Standard Webhooks
    /// `v1a`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::WrongKeyKind`] when the scheme does not sign with this kind of key.
    pub fn with_signing_key(scheme: Scheme, key: &SigningKey) -> Result<Self, ConfigError> {
        if scheme.family().public_key_kind() != Some(key.public_key().kind()) {
            return Err(ConfigError::WrongKeyKind {
                scheme: "this scheme",
                expected: KeyKind::Secret,
                given: KeyKind::PublicKey,
            });
        }
        Ok(Self {
            scheme,
            key: SignerKey::Private(Box::new(key.clone())),
        })
    }

    /// A signer with a verifier's prepared key.
    pub(crate) fn from_key(scheme: Scheme, key: &Key) -> Result<Self, SignError> {
        if key.sign(b"").is_none() {
            return Err(SignError::NeedsSigningKey);
        }
        Ok(Self {
            scheme,
            key: SignerKey::Shared(Box::new(key.clone())),
        })
    }

    /// The scheme this signer signs.
    #[must_use]
    pub const fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// Signs `body` the way the provider would.
    ///
    /// # Errors
    ///
    /// [`SignError::MissingId`] when the scheme signs an id and `options` has none,
    /// [`SignError::InvalidId`] for an id that is empty, too long or not printable ASCII,
    /// [`SignError::TimestampBeforeEpoch`] for a timestamp before 1970,
    /// [`SignError::MissingUrl`] for a scheme that signs the URL when `options` has none, and
    /// [`SignError::UnsignableBody`] when the body cannot carry the signature.
    pub fn sign(
        &self,
        body: &[u8],
        options: &SignOptions<'_>,
    ) -> Result<SignedDelivery, SignError> {
        self.sign_observed(body, options, &|_| {})
    }

    /// [`sign`](Self::sign), showing `observe` the exact bytes signed (for the benchmarks'
    /// floor, which must hash the same bytes).
    pub(crate) fn sign_observed(
        &self,
        body: &[u8],
        options: &SignOptions<'_>,
        observe: &dyn Fn(&[u8]),
    ) -> Result<SignedDelivery, SignError> {
        let scheme = &self.scheme;
        let id = if scheme.has_id() {
            let id = options.id.ok_or(SignError::MissingId)?;
            let valid = !id.is_empty()
                && id.len() <= MAX_ID_LEN
                && id.bytes().all(|b| b.is_ascii_graphic());
            if !valid {
                return Err(SignError::InvalidId);
            }
            id
        } else {
            ""
        };
        if options.timestamp < SystemTime::UNIX_EPOCH {
            return Err(SignError::TimestampBeforeEpoch);
        }
        let (method, url) = if scheme.signs_request() {
            (
                options.method.unwrap_or("POST"),
                options.url.ok_or(SignError::MissingUrl)?,
            )
        } else {
            ("", "")
        };
        let timestamp = scheme.timestamp_format().format(options.timestamp);
        let fields = SignFields {
            timestamp: &timestamp,
            id,
            method,
            url,
        };

        let sign_shared = |key: &Key, message: &[u8]| key.sign(message).unwrap_or_default();
        let signed = match &self.key {
            SignerKey::Shared(key) => scheme.family().sign(
                &SignWith {
                    kind: Kind::Tag,
                    sign: &|message| {
                        observe(message);
                        sign_shared(key, message)
                    },
                    token: key.token(),
                },
                body,
                &fields,
            )?,
            SignerKey::Private(key) => scheme.family().sign(
                &SignWith {
                    kind: key.public_key().kind(),
                    sign: &|message| {
                        observe(message);
                        sign_private(key, message)
                    },
                    token: None,
                },
                body,
                &fields,
            )?,
        };
        Ok(SignedDelivery {
            headers: signed.headers,
            body: signed.body,
        })
    }
}

/// A private key's signature of `message`: Ed25519's 64 bytes, or P-256's `r ‖ s`.
fn sign_private(key: &SigningKey, message: &[u8]) -> Vec<u8> {
    match key.0 {
        #[cfg(feature = "ed25519")]
        SigningKeyInner::Ed25519(ref key) => {
            use ed25519_dalek::Signer as _;
            key.sign(message).to_bytes().to_vec()
        }
        #[cfg(feature = "p256")]
        SigningKeyInner::P256(ref key) => {
            use p256::ecdsa::signature::Signer as _;
            let signature: p256::ecdsa::Signature = key.sign(message);
            signature.to_bytes().to_vec()
        }
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("scheme", &self.scheme)
            .finish_non_exhaustive()
    }
}
