//! [`Verifier`]: a scheme with its secrets, keyed once; verification and signing.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::mac::{KeyedMac, MAX_TAG_LEN, any_matches};
use crate::scheme::{Name, Parsed};
use crate::signature::Tags;
use crate::timestamp::{self, TimestampUnit};
use crate::{
    ConfigError, Headers, MAX_ID_LEN, MAX_SECRETS, MAX_SIGNATURES, Scheme, Secret, SignError,
    VerifyError,
};

/// The tolerance a verifier starts with: five minutes, the value Stripe, Standard Webhooks and
/// Slack document.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Verifies (and signs) deliveries of one [`Scheme`] with one or more secrets.
///
/// A `Verifier` computes each secret's HMAC key schedule once, when it is built; verifying a
/// delivery clones those states and never allocates. It is cheap to clone (one `Arc`) and can be
/// shared across threads.
///
/// # Examples
///
/// ```
/// use std::time::SystemTime;
/// use hookverify_core::Verifier;
///
/// let verifier = Verifier::github("It's a Secret to Everybody")?;
/// let headers = [(
///     "X-Hub-Signature-256",
///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
/// )];
/// let verified = verifier.verify(&headers, b"Hello, World!", SystemTime::now())?;
/// assert_eq!(verified.scheme(), "github");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

struct Inner {
    scheme: Scheme,
    /// One pre-keyed MAC per secret, in the order given; signing uses the first.
    keys: Vec<KeyedMac>,
    /// The tolerance as configured, for `Debug`; `None` when the check is skipped.
    tolerance: Option<Duration>,
    /// The tolerance in the scheme's timestamp unit.
    tolerance_units: Option<u64>,
}

impl Verifier {
    /// Starts building a verifier for `scheme`.
    pub fn builder(scheme: Scheme) -> VerifierBuilder {
        VerifierBuilder {
            scheme,
            secrets: Vec::new(),
            error: None,
            tolerance: Some(DEFAULT_TOLERANCE),
        }
    }

    /// A GitHub verifier ([`Scheme::github`]) with one secret, as shown in the webhook settings.
    ///
    /// # Errors
    ///
    /// [`ConfigError::EmptySecret`] for an empty secret.
    pub fn github(secret: &str) -> Result<Self, ConfigError> {
        Self::builder(Scheme::github()).secret(secret).build()
    }

    /// A Stripe verifier ([`Scheme::stripe`]) with one endpoint secret (`whsec_…`, used as-is)
    /// and the default five-minute tolerance.
    ///
    /// # Errors
    ///
    /// [`ConfigError::EmptySecret`] for an empty secret.
    pub fn stripe(secret: &str) -> Result<Self, ConfigError> {
        Self::builder(Scheme::stripe()).secret(secret).build()
    }

    /// A Standard Webhooks verifier ([`Scheme::standard_webhooks`]) with one `whsec_<base64>`
    /// secret and the default five-minute tolerance.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidStandardWebhooksSecret`] when the secret is not base64, and
    /// [`ConfigError::EmptySecret`] when it is empty.
    pub fn standard_webhooks(secret: &str) -> Result<Self, ConfigError> {
        Self::builder(Scheme::standard_webhooks())
            .secret(secret)
            .build()
    }

    /// The scheme this verifier checks.
    #[must_use]
    pub fn scheme(&self) -> &Scheme {
        &self.inner.scheme
    }

    /// The freshness tolerance, or `None` when the check was switched off with
    /// [`VerifierBuilder::insecure_skip_timestamp_check`].
    #[must_use]
    pub fn tolerance(&self) -> Option<Duration> {
        self.inner.tolerance
    }

    /// Checks a whole delivery at once: [`begin`](Self::begin), one
    /// [`update`](Verification::update) with `body`, then [`finish`](Verification::finish).
    ///
    /// `body` must be the raw bytes as received, before any parsing or re-encoding.
    ///
    /// # Errors
    ///
    /// Any [`VerifyError`]: a missing, duplicated or malformed header, a stale or future
    /// timestamp, or a signature that matches no secret.
    pub fn verify<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, VerifyError> {
        let inner = &*self.inner;
        if inner.scheme.has_single_signature() {
            inner.verify::<1, H>(headers, body, now)
        } else {
            inner.verify::<MAX_SIGNATURES, H>(headers, body, now)
        }
    }

    /// Checks the headers of a delivery and starts verifying its body.
    ///
    /// Everything that can be judged without the body is judged here: the signature, timestamp
    /// and id headers are parsed and bounded, and the timestamp is checked against the
    /// tolerance at `now`. An unsigned, malformed or stale delivery fails before a single body
    /// byte is read. The returned [`Verification`] owns its state, so it can be kept across
    /// `await` points while the body streams in.
    ///
    /// # Errors
    ///
    /// - [`VerifyError::MissingSignature`] when the signature header is absent;
    /// - [`VerifyError::MissingHeader`], [`VerifyError::DuplicateHeader`],
    ///   [`VerifyError::HeaderTooLong`], [`VerifyError::MalformedHeader`],
    ///   [`VerifyError::TooManySignatures`] or [`VerifyError::NoSupportedSignature`] for
    ///   headers that cannot be trusted;
    /// - [`VerifyError::TimestampTooOld`] or [`VerifyError::TimestampInFuture`] outside the
    ///   tolerance.
    pub fn begin<H: Headers + ?Sized>(
        &self,
        headers: &H,
        now: SystemTime,
    ) -> Result<Verification, VerifyError> {
        let inner = &self.inner;
        // Built first and filled in place: the tags are written where they will stay.
        let mut verification = Verification {
            verifier: Arc::clone(inner),
            macs: Default::default(),
            tags: inner.scheme.new_tags(),
            timestamp: None,
            id: None,
        };
        let parsed = inner.parse(headers, &mut verification.tags, now)?;
        let (timestamp, id) = (parsed.timestamp_text(), parsed.id_text());
        for (slot, key) in verification.macs.iter_mut().zip(&inner.keys) {
            let mut mac = key.clone();
            inner.scheme.absorb_before(&mut mac, timestamp, id);
            *slot = Some(mac);
        }
        verification.timestamp = parsed.timestamp.map(|(text, value)| Stamp {
            text: Inline::new(text),
            value,
        });
        verification.id = parsed.id.map(Inline::new);
        Ok(verification)
    }

    /// Signs `body` the way the provider would, with the first secret.
    ///
    /// Returns the header name/value pairs to send, in the provider's spelling. The pairs
    /// implement [`Headers`], so they can be verified directly.
    ///
    /// # Errors
    ///
    /// [`SignError::MissingId`] when the scheme signs an id and `options` has none,
    /// [`SignError::InvalidId`] for an id that is empty, too long or not printable ASCII, and
    /// [`SignError::TimestampBeforeEpoch`] for a timestamp before 1970.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::{SignOptions, Verifier};
    ///
    /// let verifier = Verifier::standard_webhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    /// let at = UNIX_EPOCH + Duration::from_secs(1_614_265_330);
    /// let body = br#"{"test": 2432232314}"#;
    /// let headers = verifier.sign(body, &SignOptions::at(at).id("msg_p5jXN8AQM9LWM0D4loKWxJek"))?;
    /// assert_eq!(headers[2], (
    ///     "webhook-signature".to_owned(),
    ///     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=".to_owned(),
    /// ));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign(
        &self,
        body: &[u8],
        options: &SignOptions<'_>,
    ) -> Result<Vec<(String, String)>, SignError> {
        let scheme = &self.inner.scheme;
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
        let timestamp = scheme.timestamp_unit().count(options.timestamp).to_string();

        let mut tag = [0u8; MAX_TAG_LEN];
        let message = scheme.message(timestamp.as_bytes(), id.as_bytes(), body);
        let len = self
            .inner
            .keys
            .first()
            .map_or(0, |key| key.tag_of(&message, &mut tag));
        Ok(scheme.render(tag.get(..len).unwrap_or_default(), &timestamp, id))
    }
}

impl Inner {
    /// [`Verifier::verify`] with room for `N` candidate tags.
    ///
    /// The same steps as begin/update/finish, without building a `Verification`: its kilobytes
    /// of per-secret MAC states and tags would only be copied around here.
    fn verify<const N: usize, H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, VerifyError> {
        let mut tags = self.scheme.new_tags::<N>();
        let parsed = self.parse(headers, &mut tags, now)?;
        let message = self
            .scheme
            .message(parsed.timestamp_text(), parsed.id_text(), body);
        let secret_index = first_match(&tags, self.keys.iter(), |key, tag| {
            key.tag_of(&message, tag)
        })?;
        Ok(self.verified(
            parsed.timestamp.map(|(_, value)| value),
            parsed.id,
            secret_index,
        ))
    }

    /// Parses the headers into `tags` and checks freshness at `now`.
    fn parse<'h, H: Headers + ?Sized, const N: usize>(
        &'h self,
        headers: &'h H,
        tags: &mut Tags<N>,
        now: SystemTime,
    ) -> Result<Parsed<'h>, VerifyError> {
        let parsed = self.scheme.parse(headers, tags)?;
        if let (Some((_, value)), Some(tolerance)) = (parsed.timestamp, self.tolerance_units) {
            let unit = self.scheme.timestamp_unit();
            timestamp::check_fresh(value, unit.count(now), tolerance, unit)?;
        }
        Ok(parsed)
    }

    #[inline]
    fn verified(&self, timestamp: Option<u64>, id: Option<&[u8]>, secret_index: usize) -> Verified {
        let unit = self.scheme.timestamp_unit();
        Verified {
            scheme: self.scheme.shared_name(),
            timestamp: timestamp.and_then(|value| unit.time(value)),
            id: id.map(Inline::new),
            secret_index,
        }
    }
}

/// The position of the first secret whose tag is among the candidate `tags`. `tag_of` writes
/// the tag of one secret's MAC (given in the secrets' order) and returns its length.
///
/// Every secret's tag is compared, in constant time, with every candidate, whichever matched
/// before: how long this takes says nothing about which secret or candidate matched.
fn first_match<const N: usize, M>(
    tags: &Tags<N>,
    macs: impl Iterator<Item = M>,
    mut tag_of: impl FnMut(M, &mut [u8; MAX_TAG_LEN]) -> usize,
) -> Result<usize, VerifyError> {
    let mut matched = None;
    for (index, mac) in macs.enumerate() {
        let mut tag = [0u8; MAX_TAG_LEN];
        let len = tag_of(mac, &mut tag);
        let found = any_matches(tag.get(..len).unwrap_or_default(), tags.iter());
        if found && matched.is_none() {
            matched = Some(index);
        }
    }
    matched.ok_or(VerifyError::SignatureMismatch)
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("scheme", &self.inner.scheme)
            .field("secrets", &self.inner.keys.len())
            .field("tolerance", &self.inner.tolerance)
            .finish()
    }
}

/// Builds a [`Verifier`]; start with [`Verifier::builder`].
///
/// # Examples
///
/// Secret rotation: deliveries signed with either secret verify, and [`Verified::secret_index`]
/// tells which one matched.
///
/// ```
/// use std::time::Duration;
/// use hookverify_core::{Scheme, Verifier};
///
/// let verifier = Verifier::builder(Scheme::stripe())
///     .secret("whsec_new-test-only-secret")
///     .secret("whsec_old-test-only-secret")
///     .tolerance(Duration::from_secs(120))
///     .build()?;
/// assert_eq!(verifier.tolerance(), Some(Duration::from_secs(120)));
/// # Ok::<(), hookverify_core::ConfigError>(())
/// ```
#[must_use]
pub struct VerifierBuilder {
    scheme: Scheme,
    secrets: Vec<Secret>,
    /// The first error met while adding secrets, reported by `build`.
    error: Option<ConfigError>,
    tolerance: Option<Duration>,
}

impl VerifierBuilder {
    /// Adds a secret exactly as the provider shows it (see [`Scheme::parse_secret`]). The first
    /// secret signs; all of them verify.
    pub fn secret(mut self, secret: &str) -> Self {
        match self.scheme.parse_secret(secret) {
            Ok(secret) => self.secrets.push(secret),
            Err(err) => {
                self.error.get_or_insert(err);
            }
        }
        self
    }

    /// Adds a secret given as raw key bytes.
    pub fn raw_secret(mut self, secret: Secret) -> Self {
        self.secrets.push(secret);
        self
    }

    /// How far a delivery's timestamp may be from the clock, in either direction. Default five
    /// minutes ([`DEFAULT_TOLERANCE`]); ignored by schemes without a timestamp.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = Some(tolerance);
        self
    }

    /// Accepts deliveries whatever their timestamp's age, which lets a captured delivery be
    /// replayed forever. Only for checking old captures in tests and tools, never for a live
    /// endpoint. The timestamp is still required and still signed.
    pub fn insecure_skip_timestamp_check(mut self) -> Self {
        self.tolerance = None;
        self
    }

    /// Keys every secret and builds the verifier.
    ///
    /// # Errors
    ///
    /// [`ConfigError::NoSecret`] without secrets, [`ConfigError::TooManySecrets`] beyond
    /// [`MAX_SECRETS`], [`ConfigError::ZeroTolerance`] for a zero tolerance, or the first error
    /// met while reading a secret.
    pub fn build(self) -> Result<Verifier, ConfigError> {
        if let Some(err) = self.error {
            return Err(err);
        }
        if self.secrets.is_empty() {
            return Err(ConfigError::NoSecret);
        }
        if self.secrets.len() > MAX_SECRETS {
            return Err(ConfigError::TooManySecrets {
                count: self.secrets.len(),
                max: MAX_SECRETS,
            });
        }
        if self.tolerance == Some(Duration::ZERO) {
            return Err(ConfigError::ZeroTolerance);
        }
        let algorithm = self.scheme.algorithm();
        let keys = self
            .secrets
            .iter()
            .map(|secret| KeyedMac::new(algorithm, secret))
            .collect();
        let unit = self.scheme.timestamp_unit();
        let tolerance_units = self.tolerance.map(|tolerance| match unit {
            TimestampUnit::Milliseconds => u64::try_from(tolerance.as_millis()).unwrap_or(u64::MAX),
            TimestampUnit::Seconds => tolerance.as_secs(),
        });
        Ok(Verifier {
            inner: Arc::new(Inner {
                scheme: self.scheme,
                keys,
                tolerance: self.tolerance,
                tolerance_units,
            }),
        })
    }
}

impl fmt::Debug for VerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifierBuilder")
            .field("scheme", &self.scheme)
            .field("secrets", &self.secrets.len())
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

/// A verification in progress: the headers passed, the body is streaming in.
///
/// Made by [`Verifier::begin`]. Feed the body with [`update`](Self::update) in chunks of any
/// size, then call [`finish`](Self::finish). The result does not depend on how the body was
/// split.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use hookverify_core::{SignOptions, Verifier};
///
/// let verifier = Verifier::stripe("whsec_test-only-secret")?;
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let headers = verifier.sign(b"{\"id\":\"evt_1\"}", &SignOptions::at(now))?;
///
/// let mut verification = verifier.begin(&headers, now)?;
/// for chunk in [&b"{\"id\""[..], b":\"evt_1\"}"] {
///     verification.update(chunk);
/// }
/// let verified = verification.finish()?;
/// assert_eq!(verified.secret_index(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Verification {
    verifier: Arc<Inner>,
    /// One MAC state per secret, in the secrets' order from the first slot on; the rest `None`.
    macs: [Option<KeyedMac>; MAX_SECRETS],
    tags: Tags,
    timestamp: Option<Stamp>,
    id: Option<Inline<MAX_ID_LEN>>,
}

impl Verification {
    /// Feeds the next chunk of the body.
    pub fn update(&mut self, chunk: &[u8]) {
        for mac in self.macs.iter_mut().flatten() {
            mac.update(chunk);
        }
    }

    /// Compares the MAC of the whole delivery against every signature it carries.
    ///
    /// Every secret is checked against every candidate in constant time, whichever matches.
    ///
    /// # Errors
    ///
    /// [`VerifyError::SignatureMismatch`] when no candidate matches any secret.
    pub fn finish(mut self) -> Result<Verified, VerifyError> {
        self.conclude()
    }

    /// [`finish`](Self::finish) in place, for a verification kept behind a pointer: the MAC
    /// states are taken out of their slots, so it can conclude once.
    pub(crate) fn conclude(&mut self) -> Result<Verified, VerifyError> {
        let inner = &*self.verifier;
        let timestamp = self
            .timestamp
            .as_ref()
            .map_or(&[][..], |t| t.text.as_bytes());
        let id = self.id.as_ref().map_or(&[][..], Inline::as_bytes);
        let secret_index = first_match(
            &self.tags,
            self.macs.iter_mut().map_while(Option::take),
            |mut mac, tag| {
                inner.scheme.absorb_after(&mut mac, timestamp, id);
                mac.finalize_into(tag)
            },
        )?;
        Ok(inner.verified(
            self.timestamp.as_ref().map(|t| t.value),
            self.id.as_ref().map(Inline::as_bytes),
            secret_index,
        ))
    }

    /// The scheme being verified.
    #[must_use]
    pub fn scheme(&self) -> &Scheme {
        &self.verifier.scheme
    }
}

impl fmt::Debug for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verification")
            .field("scheme", &self.verifier.scheme.name())
            .finish_non_exhaustive()
    }
}

/// What a successful verification tells about the delivery.
///
/// Adapters put it in the request's extensions, so handlers can read it.
#[derive(Clone, PartialEq, Eq)]
pub struct Verified {
    scheme: Name,
    timestamp: Option<SystemTime>,
    id: Option<Inline<MAX_ID_LEN>>,
    secret_index: usize,
}

impl Verified {
    /// The name of the scheme that verified the delivery, such as `github` or `stripe`.
    #[must_use]
    pub fn scheme(&self) -> &str {
        self.scheme.as_str()
    }

    /// The signed timestamp, for schemes that have one.
    #[must_use]
    pub const fn timestamp(&self) -> Option<SystemTime> {
        self.timestamp
    }

    /// The signed message id (`webhook-id` for Standard Webhooks), for schemes that have one.
    /// Use it to drop duplicate deliveries.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_ref().map(Inline::as_str)
    }

    /// The position of the secret that matched, in the order the secrets were given.
    #[must_use]
    pub const fn secret_index(&self) -> usize {
        self.secret_index
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("scheme", &self.scheme.as_str())
            .field("timestamp", &self.timestamp)
            .field("id", &self.id())
            .field("secret_index", &self.secret_index)
            .finish()
    }
}

/// What to sign besides the body: the timestamp, and the message id for schemes that sign one.
///
/// # Examples
///
/// ```
/// use std::time::SystemTime;
/// use hookverify_core::SignOptions;
///
/// let options = SignOptions::at(SystemTime::now()).id("msg_2b1mrbFbVWTYo8WbMvmoj3gSgvg");
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Copy)]
#[must_use]
pub struct SignOptions<'a> {
    timestamp: SystemTime,
    id: Option<&'a str>,
}

impl<'a> SignOptions<'a> {
    /// Signs as of `timestamp` (ignored by schemes without one).
    pub const fn at(timestamp: SystemTime) -> Self {
        Self {
            timestamp,
            id: None,
        }
    }

    /// The message id to sign (ignored by schemes without one): 1 to
    /// [`MAX_ID_LEN`] bytes of printable ASCII without spaces.
    pub const fn id(mut self, id: &'a str) -> Self {
        self.id = Some(id);
        self
    }
}

/// A timestamp as sent (text, signed as-is) and its value.
#[derive(Clone)]
struct Stamp {
    text: Inline<20>,
    value: u64,
}

/// Up to `N` bytes of printable ASCII stored inline, so that verification never allocates.
#[derive(Clone, PartialEq, Eq)]
struct Inline<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Inline<N> {
    /// Copies `text`, which the header parsers have already bounded to `N` bytes of printable
    /// ASCII; anything beyond `N` is cut.
    fn new(text: &[u8]) -> Self {
        let mut bytes = [0; N];
        let len = text.len().min(N);
        if let (Some(dst), Some(src)) = (bytes.get_mut(..len), text.get(..len)) {
            dst.copy_from_slice(src);
        }
        Self { bytes, len }
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }

    fn as_str(&self) -> &str {
        // Printable ASCII is UTF-8; the fallback is unreachable.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}
    fn assert_send<T: Send + 'static>() {}

    #[test]
    fn verifier_is_send_sync_clone_and_static() {
        assert_send_sync_clone::<Verifier>();
        assert_send_sync_clone::<Verified>();
        assert_send::<Verification>();
    }

    #[test]
    fn debug_never_shows_secrets() {
        let verifier = Verifier::builder(Scheme::stripe())
            .secret("whsec_very-secret-value")
            .build()
            .unwrap();
        let debug = format!("{verifier:?}");
        assert!(!debug.contains("very-secret"), "{debug}");
        assert!(debug.contains("stripe"), "{debug}");
    }

    #[test]
    fn zero_tolerance_is_a_config_error() {
        let err = Verifier::builder(Scheme::stripe())
            .secret("whsec_x")
            .tolerance(Duration::ZERO)
            .build()
            .unwrap_err();
        assert_eq!(err, ConfigError::ZeroTolerance);
    }

    #[test]
    fn secret_count_is_bounded() {
        assert_eq!(
            Verifier::builder(Scheme::github()).build().unwrap_err(),
            ConfigError::NoSecret
        );
        let mut builder = Verifier::builder(Scheme::github());
        for _ in 0..=MAX_SECRETS {
            builder = builder.secret("s");
        }
        assert_eq!(
            builder.build().unwrap_err(),
            ConfigError::TooManySecrets {
                count: MAX_SECRETS + 1,
                max: MAX_SECRETS
            }
        );
    }

    #[test]
    fn ids_of_every_allowed_length_are_kept() {
        let verifier =
            Verifier::standard_webhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        for len in [1, 64, MAX_ID_LEN] {
            let id = "i".repeat(len);
            let headers = verifier.sign(b"{}", &SignOptions::at(now).id(&id)).unwrap();
            let verified = verifier.verify(&headers, b"{}", now).unwrap();
            assert_eq!(verified.id(), Some(id.as_str()), "{len}");
            let mut streamed = verifier.begin(&headers, now).unwrap();
            streamed.update(b"{}");
            assert_eq!(streamed.finish().unwrap(), verified);
        }
    }

    #[test]
    fn every_path_reports_the_secret_that_matched() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let rotating = Verifier::builder(Scheme::stripe())
            .secret("whsec_new")
            .secret("whsec_old")
            .build()
            .unwrap();
        for (signer, index) in [("whsec_new", 0), ("whsec_old", 1)] {
            let signer = Verifier::stripe(signer).unwrap();
            let headers = signer.sign(b"{}", &SignOptions::at(now)).unwrap();
            let verified = rotating.verify(&headers, b"{}", now).unwrap();
            assert_eq!(verified.secret_index(), index);
            let mut streamed = rotating.begin(&headers, now).unwrap();
            streamed.update(b"{}");
            assert_eq!(streamed.finish().unwrap().secret_index(), index);
            let mut buffered = rotating
                .begin(&headers, now)
                .unwrap()
                .buffered(2, None)
                .unwrap();
            buffered.push(bytes::Bytes::from_static(b"{}")).unwrap();
            assert_eq!(buffered.finish().unwrap().0.secret_index(), index);
        }
        let stranger = Verifier::stripe("whsec_other").unwrap();
        let headers = stranger.sign(b"{}", &SignOptions::at(now)).unwrap();
        assert_eq!(
            rotating.verify(&headers, b"{}", now),
            Err(VerifyError::SignatureMismatch)
        );
        let mut streamed = rotating.begin(&headers, now).unwrap();
        streamed.update(b"{}");
        assert_eq!(streamed.finish(), Err(VerifyError::SignatureMismatch));
    }

    #[test]
    fn bad_secret_is_reported_by_build() {
        let err = Verifier::standard_webhooks("whsec_!!!").unwrap_err();
        assert_eq!(err, ConfigError::InvalidStandardWebhooksSecret);
    }
}
