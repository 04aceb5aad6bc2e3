//! Signature schemes: how a provider lays out its signature and what bytes it signs.
//!
//! A [`Scheme`] is configuration only. Take a provider's preset ([`Scheme::github`],
//! [`Scheme::stripe`], … — every one is listed by [`Scheme::presets`]), or build an HMAC layout
//! of your own with [`Scheme::hmac`], then give it keys through
//! [`Verifier::builder`](crate::Verifier::builder).
//!
//! Inside, a scheme is a *family* (how the signature is carried: one header, a keyed list, the
//! Standard Webhooks list, Box's pair of headers, Twilio's URL and form, Mailgun's body fields, a
//! token), a *primitive* (HMAC, a plain hash, Ed25519, ECDSA P-256, a token) and a default
//! tolerance. Each family is one file of this module; each preset is one function in
//! `presets.rs` and one row of the registry there.

mod box_signatures;
mod content;
pub(crate) mod family;
mod header;
pub(crate) mod json;
mod keyed_list;
mod mailgun;
mod presets;
mod read;
mod standard_webhooks;
mod token;
pub(crate) mod twilio;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub(crate) use self::content::Fields;
pub use self::content::Part;
use self::family::{Families, Family as _};
pub use self::header::HmacSchemeBuilder;
pub use self::presets::Preset;
pub(crate) use self::presets::Tolerance;
use crate::key::Primitive;
use crate::timestamp::TimestampFormat;
use crate::{Algorithm, ConfigError, PublicKey, Secret};

/// A provider's signing format: where the signature, timestamp and id are, how they are
/// encoded, which primitive signs, and what bytes are signed.
///
/// Cheap to clone (one `Arc`).
///
/// # Examples
///
/// ```
/// use hookverify_core::Scheme;
///
/// let slack = Scheme::slack();
/// assert_eq!(slack.name(), "slack");
/// assert!(slack.has_timestamp());
///
/// // Presets can also be looked up by name, as the CLI does.
/// assert_eq!(Scheme::preset("shopify").map(|s| s.name().to_owned()).as_deref(), Some("shopify"));
/// assert!(Scheme::presets().iter().any(|preset| preset.name() == "twilio"));
/// ```
#[derive(Clone)]
pub struct Scheme {
    inner: Arc<Inner>,
}

struct Inner {
    name: Name,
    family: Families,
    primitive: Primitive,
    tolerance: Option<Tolerance>,
    /// Whether the method and URL are signed; asked on every verification.
    signs_request: bool,
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

/// What a scheme's verifier is given: a secret shared with the provider, or the provider's
/// public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyKind {
    /// A secret shared with the provider (a signing secret, an app secret, a token).
    Secret,
    /// The provider's public key (Discord, SendGrid, Standard Webhooks `v1a`).
    PublicKey,
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Secret => "a shared secret",
            Self::PublicKey => "the provider's public key",
        })
    }
}

impl Scheme {
    pub(crate) fn from_family(
        name: Name,
        family: Families,
        primitive: Primitive,
        tolerance: Option<Tolerance>,
    ) -> Self {
        let signs_request =
            matches!(family, Families::Twilio(_)) || family.content().signs_request();
        Self {
            inner: Arc::new(Inner {
                name,
                family,
                primitive,
                tolerance,
                signs_request,
            }),
        }
    }

    /// Every preset, in the order of the registry (see [`Preset`]).
    #[must_use]
    pub fn presets() -> &'static [Preset] {
        presets::PRESETS
    }

    /// The preset named `name` (or one of its aliases, such as `standard` for
    /// `standard-webhooks`), as the CLI's `--scheme` takes it.
    #[must_use]
    pub fn preset(name: &str) -> Option<Self> {
        Preset::named(name).map(Preset::scheme)
    }

    /// Starts a generic HMAC scheme whose signature is in the header `signature_header`.
    ///
    /// See [`HmacSchemeBuilder`] for the options and their defaults.
    pub fn hmac(signature_header: impl Into<String>) -> HmacSchemeBuilder {
        HmacSchemeBuilder::new(signature_header.into())
    }

    /// GitHub's legacy `X-Hub-Signature: sha1=<hex>`; the same as [`Scheme::github_sha1`].
    #[must_use]
    pub fn github_legacy_sha1() -> Self {
        Self::github_sha1()
    }

    /// The scheme's name, as reported in [`Verified::scheme`](crate::Verified::scheme) and logs:
    /// the preset's name, or the name given to the builder.
    #[must_use]
    pub fn name(&self) -> &str {
        self.inner.name.as_str()
    }

    /// The registry row of a preset; `None` for schemes of the builder.
    #[must_use]
    pub fn info(&self) -> Option<&'static Preset> {
        match self.inner.name {
            Name::Preset(name) => Preset::named(name),
            Name::Custom(_) => None,
        }
    }

    /// The endpoint checks a verifier of this scheme answers by default: its provider's
    /// handshakes (see [`Handshake`](crate::Handshake)); none for schemes of the builder.
    #[must_use]
    pub fn handshakes(&self) -> &'static [crate::Handshake] {
        self.info().map_or(&[], Preset::handshakes)
    }

    /// The HMAC's hash function, for HMAC schemes.
    #[must_use]
    pub fn algorithm(&self) -> Option<Algorithm> {
        match self.inner.primitive {
            Primitive::Hmac(algorithm) => Some(algorithm),
            Primitive::HmacSha1OrSha256 => Some(Algorithm::Sha1),
            Primitive::PrefixedSha256 | Primitive::Token | Primitive::PublicKey => None,
        }
    }

    /// What the scheme's verifier is given.
    #[must_use]
    pub fn key_kind(&self) -> KeyKind {
        match self.inner.primitive {
            Primitive::PublicKey => KeyKind::PublicKey,
            _ => KeyKind::Secret,
        }
    }

    /// The tolerance a verifier of this scheme starts with: the provider's own where it has
    /// one; `None` for schemes without a timestamp.
    #[must_use]
    pub fn default_tolerance(&self) -> Option<Duration> {
        self.tolerance().map(|tolerance| tolerance.duration)
    }

    /// The default tolerance with its boundary; five minutes, inclusive, for schemes of the
    /// builder that have a timestamp.
    pub(crate) fn tolerance(&self) -> Option<Tolerance> {
        self.has_timestamp().then(|| {
            self.inner.tolerance.unwrap_or(Tolerance {
                duration: crate::DEFAULT_TOLERANCE,
                inclusive: true,
            })
        })
    }

    /// Whether deliveries of this scheme carry a timestamp, and so are checked for freshness.
    #[must_use]
    pub fn has_timestamp(&self) -> bool {
        self.inner.family.has_timestamp()
    }

    /// Whether this scheme signs a message id, which [`SignOptions::id`](crate::SignOptions::id)
    /// must then provide.
    #[must_use]
    pub fn has_id(&self) -> bool {
        self.inner.family.has_id()
    }

    /// Whether this scheme signs the request's method and URL, which must then be given with a
    /// [`Request`](crate::Request).
    #[must_use]
    pub fn signs_request(&self) -> bool {
        self.inner.signs_request
    }

    /// Whether verification needs the whole body at the end (Twilio's form parameters, Mailgun's
    /// fields, Linear's timestamp, Box's escaped form): a [`Verification`](crate::Verification)
    /// then keeps what [`update`](crate::Verification::update) feeds it. Every other scheme only
    /// streams the body through its keys.
    #[must_use]
    pub fn reads_body(&self) -> bool {
        matches!(
            self.inner.family.body_use(),
            family::BodyUse::SignedAndRead | family::BodyUse::Read
        )
    }

    /// Interprets a secret exactly as the provider shows it to its user.
    ///
    /// Standard Webhooks secrets (and Svix's and GitLab's signing tokens) are `whsec_` followed
    /// by base64 and the key is the decoded bytes. For every other scheme, Stripe's `whsec_…`
    /// and Paddle's `pdl_ntfset_…` included, the key is the text's bytes as-is.
    ///
    /// # Errors
    ///
    /// [`ConfigError::EmptySecret`] for an empty secret,
    /// [`ConfigError::InvalidStandardWebhooksSecret`] for a Standard Webhooks secret that is not
    /// base64, and [`ConfigError::WrongKeyKind`] for a scheme that verifies with a public key.
    pub fn parse_secret(&self, text: &str) -> Result<Secret, ConfigError> {
        if self.key_kind() == KeyKind::PublicKey {
            return Err(self.wrong_key(KeyKind::Secret));
        }
        self.inner.family.parse_secret(text)
    }

    /// Interprets a public key exactly as the provider shows it: hex for Discord, `whpk_` and
    /// base64 for Standard Webhooks, base64 SubjectPublicKeyInfo for SendGrid.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidPublicKey`] or [`ConfigError::WeakPublicKey`] for a key that is not
    /// usable, and [`ConfigError::WrongKeyKind`] for a scheme that shares a secret.
    pub fn parse_public_key(&self, text: &str) -> Result<PublicKey, ConfigError> {
        self.inner
            .family
            .parse_public_key(text)
            .unwrap_or_else(|| Err(self.wrong_key(KeyKind::PublicKey)))
    }

    fn wrong_key(&self, given: KeyKind) -> ConfigError {
        let expected = match given {
            KeyKind::Secret => KeyKind::PublicKey,
            KeyKind::PublicKey => KeyKind::Secret,
        };
        ConfigError::WrongKeyKind {
            scheme: match self.inner.name {
                Name::Preset(name) => name,
                Name::Custom(_) => "hmac",
            },
            expected,
            given,
        }
    }

    pub(crate) fn family(&self) -> &Families {
        &self.inner.family
    }

    pub(crate) fn primitive(&self) -> Primitive {
        self.inner.primitive
    }

    pub(crate) fn timestamp_format(&self) -> TimestampFormat {
        self.inner.family.timestamp_format()
    }

    /// The name, to be kept by a [`Verified`](crate::Verified).
    pub(crate) fn shared_name(&self) -> Name {
        self.inner.name.clone()
    }
}

impl fmt::Debug for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scheme")
            .field("name", &self.name())
            .field("key_kind", &self.key_kind())
            .finish_non_exhaustive()
    }
}
