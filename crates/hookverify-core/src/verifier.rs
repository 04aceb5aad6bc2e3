//! [`Verifier`]: a scheme with its keys, prepared once; verification, one-shot or streamed.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use arrayvec::ArrayVec;

use crate::BufferedVerification;
use crate::handshake::Handshakes;
use crate::key::{Key, Keyring, Proof, Running};
use crate::scheme::family::{BodyFields, BodyUse, Family as _, Head, Stamp as HeadStamp};
use crate::scheme::json::Pace;
use crate::scheme::{Fields, KeyKind, Name, Tolerance};
use crate::signature::Candidates;
use crate::timestamp;
use crate::{
    Clock, ConfigError, Handshake, HandshakeAnswer, Headers, IntoRequest, MAX_ID_LEN, MAX_SECRETS,
    MAX_SIGNATURES, PublicKey, PublicUrl, Request, Scheme, Secret, SignError, SignOptions,
    SignedDelivery, Signer, SystemClock, VerifyError,
};

/// The tolerance of schemes of the builder: five minutes, the value Stripe, Standard Webhooks
/// and Slack document. Presets start from their provider's own (see
/// [`Scheme::default_tolerance`]).
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The length from which [`Verifier::verify`] feeds a body that is both signed and read to the
/// keys as it is read (see `Inner::read_and_prove`); a shorter one is read, then MAC'd, without
/// building running states. Measured on Linear's bodies (pinned runs of the `instructions`
/// bench binary): at 2 KiB following costs 3% more than reading first, at 4 KiB the same, at
/// 6 KiB it saves 1%.
const FOLLOWED_FROM: usize = 4 * 1024;

/// Verifies deliveries of one [`Scheme`] with one or more keys.
///
/// A `Verifier` prepares each key once, when it is built (an HMAC's key schedule, a parsed
/// public key); verifying a delivery of an HMAC scheme clones those states and never allocates.
/// It is cheap to clone (one `Arc`) and can be shared across threads. Every preset has a
/// shortcut taking one key, such as [`Verifier::github`]; [`Verifier::builder`] takes several
/// (rotation) and other options.
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
    keys: Keyring,
    /// The tolerance as configured, for `Debug`; `None` when the check is skipped.
    tolerance: Option<Duration>,
    /// The largest distance from the clock that passes, in milliseconds.
    tolerance_ms: Option<u64>,
    /// Where the public URL comes from, for schemes that sign it.
    public_url: Option<PublicUrl>,
    /// What "now" is for the adapters, which ask [`Verifier::now`].
    clock: Arc<dyn Clock>,
    handshakes: Handshakes,
}

impl Verifier {
    /// Starts building a verifier for `scheme`.
    pub fn builder(scheme: Scheme) -> VerifierBuilder {
        VerifierBuilder {
            tolerance: ToleranceSetting::Default,
            keys: Vec::new(),
            error: None,
            public_url: None,
            clock: Arc::new(SystemClock),
            handshakes: Handshakes::new(scheme.handshakes()),
            scheme,
        }
    }

    /// The scheme this verifier checks.
    #[must_use]
    pub fn scheme(&self) -> &Scheme {
        &self.inner.scheme
    }

    /// The freshness tolerance, or `None` for schemes without a timestamp and when the check
    /// was switched off with [`VerifierBuilder::insecure_skip_timestamp_check`].
    #[must_use]
    pub fn tolerance(&self) -> Option<Duration> {
        self.inner.tolerance
    }

    /// The current time by the verifier's clock ([`VerifierBuilder::with_clock`]; the system
    /// clock by default). The adapters check timestamps against it; callers of
    /// [`verify`](Self::verify) and [`begin`](Self::begin) pass it, or any other time.
    #[must_use]
    pub fn now(&self) -> SystemTime {
        self.inner.clock.now()
    }

    /// The handshakes this verifier answers (see [`Handshake`]).
    #[must_use]
    pub fn handshakes(&self) -> &[Handshake] {
        self.inner.handshakes.enabled()
    }

    /// Whether a request is an unsigned handshake (Meta's, Dropbox's or Microsoft Graph's),
    /// decided from its method and query (the part of the URL after `?`) alone, before any
    /// verification; the answer to write if it is. `None` means the request is not one and is
    /// verified as a delivery.
    ///
    /// # Errors
    ///
    /// [`VerifyError::HandshakeTokenMismatch`] (403) for a Meta request whose verify token does
    /// not match, and [`VerifyError::MalformedHandshake`] (400) for a handshake whose
    /// parameters are missing, repeated or too long.
    ///
    /// # Examples
    ///
    /// ```
    /// use hookverify_core::{Scheme, Verifier};
    ///
    /// let verifier = Verifier::builder(Scheme::meta())
    ///     .secret("test-only-app-secret")
    ///     .meta_verify_token("test-only-verify-token")
    ///     .build()?;
    /// let query = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=test-only-verify-token";
    /// let answer = verifier.unsigned_handshake("GET", Some(query)).unwrap()?;
    /// assert_eq!((answer.status(), answer.body()), (200, &b"1158201444"[..]));
    /// assert!(verifier.unsigned_handshake("POST", Some(query)).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn unsigned_handshake(
        &self,
        method: &str,
        query: Option<&str>,
    ) -> Option<Result<HandshakeAnswer, VerifyError>> {
        self.inner.handshakes.unsigned(method, query)
    }

    /// Whether a request that verified is a signed handshake (Slack's, Zoom's, Twitch's,
    /// Discord's), decided from its headers and verified body; the answer to write if it is.
    /// `None` means it is a delivery for the handler. Zoom's answer is signed with the key that
    /// verified the request. Handshake bodies are small: a body over 16 KiB is a delivery, and
    /// is not parsed a second time to find out.
    ///
    /// # Errors
    ///
    /// [`VerifyError::MalformedHandshake`] (400) for a handshake without a usable challenge.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use hookverify_core::{SignOptions, Verifier};
    ///
    /// let verifier = Verifier::slack("test-only-signing-secret")?;
    /// let body = br#"{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    /// let now = SystemTime::now();
    /// let headers = verifier.sign(body, &SignOptions::at(now))?;
    /// let verified = verifier.verify(&headers, body, now)?;
    /// let answer = verifier.signed_handshake(&verified, &headers, body).unwrap()?;
    /// assert_eq!(answer.body(), br#"{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn signed_handshake<H: Headers + ?Sized>(
        &self,
        verified: &Verified,
        headers: &H,
        body: &[u8],
    ) -> Option<Result<HandshakeAnswer, VerifyError>> {
        let key = self.inner.keys.get(verified.secret_index());
        self.inner.handshakes.signed(headers, body, |message| {
            key.and_then(|key| key.sign(message))
        })
    }

    /// What a verified delivery says about its subscription rather than an event: a Twitch
    /// revocation (see [`Notice`](crate::Notice)); `None` for everything else, and for every
    /// scheme but Twitch's.
    #[must_use]
    pub fn notice<H: Headers + ?Sized>(&self, headers: &H, body: &[u8]) -> Option<crate::Notice> {
        (self.inner.scheme.name() == "twitch")
            .then(|| crate::handshake::twitch_notice(headers, body))
            .flatten()
    }

    /// Where the public URL of a delivery comes from, if configured
    /// ([`VerifierBuilder::public_url`]).
    #[must_use]
    pub fn public_url(&self) -> Option<&PublicUrl> {
        self.inner.public_url.as_ref()
    }

    /// Checks a whole delivery at once: [`begin`](Self::begin), one
    /// [`update`](Verification::update) with `body`, then [`finish`](Verification::finish).
    ///
    /// `request` is the headers (any `&H` where `H: Headers`), or a [`Request`] with the method
    /// and public URL for schemes that sign them. `body` must be the raw bytes as received,
    /// before any parsing or re-encoding.
    ///
    /// # Errors
    ///
    /// Any [`VerifyError`]: a missing, duplicated or malformed header or body field, a stale or
    /// future timestamp, or a signature that matches no key.
    pub fn verify<'a, R: IntoRequest<'a>>(
        &self,
        request: R,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, VerifyError> {
        let request = request.into_request();
        let inner = &*self.inner;
        if inner.scheme.family().max_candidates() == 1 {
            inner.verify::<1, _>(&request, body, now)
        } else {
            inner.verify::<MAX_SIGNATURES, _>(&request, body, now)
        }
    }

    /// Checks the head of a delivery and starts verifying its body.
    ///
    /// Everything that can be judged without the body is judged here: the signature, timestamp
    /// and id headers are parsed and bounded, and the timestamp is checked against the
    /// tolerance at `now`. An unsigned, malformed or stale delivery fails before a single body
    /// byte is read (except for schemes that keep their signature or timestamp inside the
    /// body: Mailgun, Linear). The returned [`Verification`] owns its state, so it can be kept
    /// across `await` points while the body streams in.
    ///
    /// # Errors
    ///
    /// - [`VerifyError::MissingSignature`] when the signature header is absent;
    /// - [`VerifyError::MissingHeader`], [`VerifyError::DuplicateHeader`],
    ///   [`VerifyError::HeaderTooLong`], [`VerifyError::MalformedHeader`],
    ///   [`VerifyError::TooManySignatures`] or [`VerifyError::NoSupportedSignature`] for
    ///   headers that cannot be trusted;
    /// - [`VerifyError::TimestampTooOld`] or [`VerifyError::TimestampInFuture`] outside the
    ///   tolerance;
    /// - [`VerifyError::MissingRequestUrl`] for a scheme that signs the request's URL when none
    ///   was given.
    pub fn begin<'a, R: IntoRequest<'a>>(
        &self,
        request: R,
        now: SystemTime,
    ) -> Result<Verification, VerifyError> {
        // Built first and filled in place: the candidates are written where they will stay.
        let mut verification = Verification::blank(&self.inner, now);
        verification.read_head(&request.into_request())?;
        Ok(verification)
    }

    /// [`begin`](Self::begin) and [`buffered`](Verification::buffered) at once: what a
    /// middleware calls on a request's head.
    ///
    /// The verification state is written straight into its place on the heap instead of being
    /// built and then moved there, which saves copying its kilobytes on every delivery.
    ///
    /// # Errors
    ///
    /// Those of [`begin`](Self::begin), then [`VerifyError::BodyTooLarge`] when `announced`
    /// exceeds `limit`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use bytes::Bytes;
    /// use hookverify_core::{SignOptions, Verifier};
    ///
    /// let verifier = Verifier::github("test-only-secret")?;
    /// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// let headers = verifier.sign(b"hello", &SignOptions::at(now))?;
    ///
    /// let mut body = verifier.begin_buffered(&headers, now, 1024, Some(5))?;
    /// body.push(Bytes::from_static(b"hello"))?;
    /// assert_eq!(body.finish()?.1, "hello");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn begin_buffered<'a, R: IntoRequest<'a>>(
        &self,
        request: R,
        now: SystemTime,
        limit: usize,
        announced: Option<u64>,
    ) -> Result<BufferedVerification, VerifyError> {
        let mut verification = Box::new(Verification::blank(&self.inner, now));
        verification.read_head(&request.into_request())?;
        BufferedVerification::new(verification, limit, announced)
    }

    /// Signs `body` the way the provider would, with the first key, which must be a secret
    /// (for Ed25519 or P-256 schemes, sign with a [`Signer`] holding a
    /// [`SigningKey`](crate::SigningKey)).
    ///
    /// Returns the header name/value pairs to send, in the provider's spelling. The pairs
    /// implement [`Headers`], so they can be verified directly.
    ///
    /// # Errors
    ///
    /// [`SignError::MissingId`] when the scheme signs an id and `options` has none,
    /// [`SignError::InvalidId`] for an id that is empty, too long or not printable ASCII,
    /// [`SignError::TimestampBeforeEpoch`] for a timestamp before 1970,
    /// [`SignError::MissingUrl`] for a scheme that signs the URL when `options` has none, and
    /// [`SignError::SignatureInBody`] for Mailgun and Linear, whose signed fields are in the
    /// body: use [`sign_delivery`](Self::sign_delivery).
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
        let delivery = self.sign_delivery(body, options)?;
        if delivery.body().is_some() {
            return Err(SignError::SignatureInBody);
        }
        Ok(delivery.into_parts().0)
    }

    /// Signs `body` the way the provider would, with the first key: the headers to send, and
    /// for schemes that sign inside the body (Mailgun's fields, Linear's timestamp), the body to
    /// send instead of `body`.
    ///
    /// # Errors
    ///
    /// As [`sign`](Self::sign), and [`SignError::UnsignableBody`] when the body cannot carry
    /// the signature (Mailgun needs a JSON object or a form, Linear a JSON object).
    pub fn sign_delivery(
        &self,
        body: &[u8],
        options: &SignOptions<'_>,
    ) -> Result<SignedDelivery, SignError> {
        let key = self.inner.keys.first().ok_or(SignError::NeedsSigningKey)?;
        Signer::from_key(self.inner.scheme.clone(), key)?.sign(body, options)
    }
}

impl Inner {
    /// [`Verifier::verify`], with room for `N` candidates.
    ///
    /// The same steps as begin/update/finish, without building a `Verification`: its kilobytes
    /// of per-key states and candidates would only be copied around here.
    fn verify<const N: usize, H: Headers + ?Sized>(
        &self,
        request: &Request<'_, H>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, VerifyError> {
        let now_ms = self.now_ms(now);
        let family = self.scheme.family();
        let mut candidates = Candidates::<N>::new(self.keys.has_public_keys());
        let head = self.read(request, &mut candidates, now_ms)?;
        let (method, url) = self.method_and_url(request)?;
        let fields = Self::fields(&head, method, &url);
        if family.body_use() == BodyUse::SignedAndRead && body.len() >= FOLLOWED_FROM {
            let (read, proved) = self.read_and_prove(&fields, body, &mut candidates, now_ms)?;
            return self.settle(proved, &fields, &read, &head);
        }
        let read = self.read_body(body, &mut candidates, now_ms, ())?;
        let proved = match family.body_use() {
            BodyUse::Signed | BodyUse::SignedAndRead => {
                let message = family.content().message(fields, body);
                self.keys
                    .first_match(&message, &candidates)
                    .or_else(|error| self.retry_or(error, &fields, body, &candidates))
            }
            unstreamed => self.prove_whole(unstreamed, &fields, &read, body, &candidates),
        };
        self.settle(proved, &fields, &read, &head)
    }

    /// [`verify`](Self::verify)'s reading and proving of a long body that is both signed and
    /// read (Linear's): the keys follow the reading, fed each stretch of the body as soon as it
    /// has been read, so the processor computes the MAC's blocks and reads the next stretch
    /// side by side instead of one pass after the other (64 KiB: 1.08× → 1.02× of the MAC
    /// alone; `BENCHMARKS.md`). Box, signed and read too, reads only when it retries: its
    /// reading here is empty and its body is fed after it, the same work as before.
    fn read_and_prove<'b, const N: usize>(
        &self,
        fields: &Fields<'_>,
        body: &'b [u8],
        candidates: &mut Candidates<N>,
        now_ms: u64,
    ) -> Result<(BodyFields<'b>, Result<Proof, VerifyError>), VerifyError> {
        let family = self.scheme.family();
        let content = family.content();
        let mut running = None;
        let running = self.keys.start(&mut running);
        content.write_before(fields, &mut |data| running.update(data));
        let mut fed = 0;
        let read = self.read_body(body, candidates, now_ms, |read: usize| {
            // Whole 64-byte stretches: whole blocks of the MAC when nothing precedes the body
            // (Linear's), which it compresses without buffering them.
            let upto = read - (read - fed) % 64;
            running.update(body.get(fed..upto).unwrap_or_default());
            fed = upto;
        })?;
        running.update(body.get(fed..).unwrap_or_default());
        content.write_after(fields, &mut |data| running.update(data));
        let proved = running
            .finish(&self.keys, candidates)
            .or_else(|error| self.retry_or(error, fields, body, candidates));
        Ok((read, proved))
    }

    /// After the first form of a delivery failed with `error`: the proof of another form the
    /// provider may have signed (Box's escaped body; `Family::retry`), or `error`.
    fn retry_or<const N: usize>(
        &self,
        error: VerifyError,
        fields: &Fields<'_>,
        body: &[u8],
        candidates: &Candidates<N>,
    ) -> Result<Proof, VerifyError> {
        self.scheme
            .family()
            .retry(&self.keys, fields, body, candidates)
            .ok_or(error)
    }

    /// Reads what the family keeps in the body, telling `pace` how far the reading has got, and
    /// checks a timestamp found there.
    fn read_body<'b, const N: usize>(
        &self,
        body: &'b [u8],
        candidates: &mut Candidates<N>,
        now_ms: u64,
        pace: impl Pace,
    ) -> Result<BodyFields<'b>, VerifyError> {
        let family = self.scheme.family();
        if !matches!(family.body_use(), BodyUse::SignedAndRead | BodyUse::Read) {
            return Ok(BodyFields::default());
        }
        let read = family.read_body(body, candidates, pace)?;
        if let Some(millis) = read.millis {
            self.check_fresh(millis, now_ms)?;
        }
        Ok(read)
    }

    /// The verdict of a family that does not stream the body through its keys.
    fn prove_whole<const N: usize>(
        &self,
        body_use: BodyUse,
        fields: &Fields<'_>,
        read: &BodyFields<'_>,
        body: &[u8],
        candidates: &Candidates<N>,
    ) -> Result<Proof, VerifyError> {
        match body_use {
            BodyUse::Read => self
                .scheme
                .family()
                .prove(&self.keys, fields, read, body, candidates),
            _ => self.keys.first_match(&crate::mac::Whole(&[]), candidates),
        }
    }

    /// The outcome, from which key proved the delivery: the timestamp and id come from the body
    /// for families that keep them there, from the head otherwise.
    fn settle(
        &self,
        proved: Result<Proof, VerifyError>,
        fields: &Fields<'_>,
        read: &BodyFields<'_>,
        head: &Head<'_>,
    ) -> Result<Verified, VerifyError> {
        let proof = proved.map_err(|error| self.for_url(error, fields.url))?;
        let timestamp = read
            .millis
            .or_else(|| head.timestamp.map(|stamp| stamp.millis));
        let id = read.id.as_deref().or(head.id);
        Ok(self.verified(timestamp, id, proof))
    }

    /// Reads the head into `candidates` and checks freshness at `now` (milliseconds).
    #[inline]
    fn read<'r, H: Headers + ?Sized, const N: usize>(
        &'r self,
        request: &Request<'r, H>,
        candidates: &mut Candidates<N>,
        now: u64,
    ) -> Result<Head<'r>, VerifyError> {
        let head = self.scheme.family().read_head(request, candidates)?;
        if let Some(stamp) = head.timestamp {
            self.check_fresh(stamp.millis, now)?;
        }
        Ok(head)
    }

    /// `now` in milliseconds since the epoch, for [`check_fresh`](Self::check_fresh): only
    /// converted where a tolerance will read it, and 0, never read, where none will (schemes
    /// without timestamps, such as GitHub's and GitLab's, whose verification is short enough
    /// for the conversion to show, and verifiers built without a tolerance).
    fn now_ms(&self, now: SystemTime) -> u64 {
        if self.tolerance_ms.is_some() {
            timestamp::millis(now)
        } else {
            0
        }
    }

    fn check_fresh(&self, millis: u64, now: u64) -> Result<(), VerifyError> {
        match self.tolerance_ms {
            Some(tolerance) => timestamp::check_fresh(millis, now, tolerance),
            None => Ok(()),
        }
    }

    /// The method and public URL, for schemes that sign them (empty for the others): the URL
    /// the caller gave, else the one the configured [`PublicUrl`] makes of the request.
    #[inline]
    fn method_and_url<'r, H: Headers + ?Sized>(
        &'r self,
        request: &Request<'r, H>,
    ) -> Result<(&'r str, Cow<'r, str>), VerifyError> {
        if !self.scheme.signs_request() {
            return Ok(("", Cow::Borrowed("")));
        }
        let url = match (request.url_text(), &self.public_url) {
            (Some(url), _) => Cow::Borrowed(url),
            (None, Some(public)) => public.resolve(
                request.target_text(),
                request.headers(),
                request.peer_addr(),
            )?,
            (None, None) => return Err(VerifyError::MissingRequestUrl),
        };
        Ok((request.method_text().unwrap_or("POST"), url))
    }

    /// What fills the signed content: the head's values, and the method and URL.
    #[inline]
    fn fields<'f>(head: &Head<'f>, method: &'f str, url: &'f str) -> Fields<'f> {
        Fields {
            timestamp: head.timestamp.map_or(&[], |stamp| stamp.text),
            id: head.id.unwrap_or_default(),
            method: method.as_bytes(),
            url: url.as_bytes(),
        }
    }

    /// A mismatch of a scheme that signs the URL names the URL.
    fn for_url(&self, error: VerifyError, url: &[u8]) -> VerifyError {
        match error {
            VerifyError::SignatureMismatch if self.scheme.signs_request() => {
                VerifyError::SignatureMismatchForUrl {
                    url: String::from_utf8_lossy(url).into(),
                }
            }
            other => other,
        }
    }

    #[inline]
    fn verified(&self, timestamp: Option<u64>, id: Option<&[u8]>, proof: Proof) -> Verified {
        Verified {
            scheme: self.scheme.shared_name(),
            timestamp_ms: timestamp,
            id: id.map(Inline::new),
            proof,
        }
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("scheme", &self.inner.scheme)
            .field("keys", &self.inner.keys.len())
            .field("tolerance", &self.inner.tolerance)
            .field("public_url", &self.inner.public_url)
            .field("handshakes", &self.inner.handshakes)
            .finish()
    }
}

/// What a verifier will be given, before it is prepared.
enum KeyMaterial {
    Secret(Secret),
    Public(PublicKey),
}

/// The tolerance a builder will use.
#[derive(Debug, Clone, Copy)]
enum ToleranceSetting {
    Default,
    Given(Duration),
    Skipped,
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
    keys: Vec<KeyMaterial>,
    /// The first error met while adding keys, reported by `build`.
    error: Option<ConfigError>,
    tolerance: ToleranceSetting,
    public_url: Option<PublicUrl>,
    clock: Arc<dyn Clock>,
    handshakes: Handshakes,
}

impl VerifierBuilder {
    /// Adds a shared secret exactly as the provider shows it (see [`Scheme::parse_secret`]).
    /// The first key signs; all of them verify.
    pub fn secret(self, secret: &str) -> Self {
        let parsed = self.scheme.parse_secret(secret);
        self.add(parsed.map(KeyMaterial::Secret))
    }

    /// Adds the provider's public key exactly as the provider shows it (see
    /// [`Scheme::parse_public_key`]).
    pub fn public_key(self, key: &str) -> Self {
        let parsed = self.scheme.parse_public_key(key);
        self.add(parsed.map(KeyMaterial::Public))
    }

    /// Adds a key of the kind the scheme takes ([`Scheme::key_kind`]): a secret, or the
    /// provider's public key.
    pub fn key(self, key: &str) -> Self {
        match self.scheme.key_kind() {
            KeyKind::PublicKey => self.public_key(key),
            KeyKind::Secret => self.secret(key),
        }
    }

    /// Adds a secret given as raw key bytes.
    pub fn raw_secret(self, secret: Secret) -> Self {
        self.add(Ok(KeyMaterial::Secret(secret)))
    }

    /// Adds a parsed public key.
    pub fn raw_public_key(self, key: PublicKey) -> Self {
        self.add(Ok(KeyMaterial::Public(key)))
    }

    fn add(mut self, key: Result<KeyMaterial, ConfigError>) -> Self {
        match key {
            Ok(key) => self.keys.push(key),
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        self
    }

    /// How far a delivery's timestamp may be from the clock, in either direction, inclusive.
    /// Default: the scheme's ([`Scheme::default_tolerance`]); ignored by schemes without a
    /// timestamp.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = ToleranceSetting::Given(tolerance);
        self
    }

    /// Where the public URL of a delivery comes from, for the schemes that sign it (Twilio,
    /// Square, HubSpot v2 and v3); see [`PublicUrl`]. Ignored by every other scheme. Without
    /// it, such a scheme verifies only requests given their URL with
    /// [`Request::url`](crate::Request::url), and the adapters answer 500.
    pub fn public_url(mut self, public_url: PublicUrl) -> Self {
        self.public_url = Some(public_url);
        self
    }

    /// Also answers `handshake`, besides the scheme's own ([`Scheme::handshakes`]); for
    /// example [`Handshake::GraphValidation`] on a route Microsoft Graph notifies.
    pub fn handshake(mut self, handshake: Handshake) -> Self {
        self.handshakes.add(handshake);
        self
    }

    /// Answers no handshake at all, not even the scheme's own: every request is verified as a
    /// delivery, and the handler answers the provider's checks itself.
    pub fn without_handshakes(mut self) -> Self {
        self.handshakes.clear();
        self
    }

    /// The verify token typed into Meta's App Dashboard, which Meta's verification request
    /// (`GET ?hub.verify_token=…`) must carry for [`Handshake::MetaSubscription`] to be
    /// answered. Without one, or with an empty one, every such request is refused (403).
    pub fn meta_verify_token(mut self, token: &str) -> Self {
        match Secret::from_bytes(token) {
            Ok(token) => self.handshakes.set_meta_verify_token(token),
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        self
    }

    /// The clock [`Verifier::now`] reads, which the adapters check timestamps against (default
    /// [`SystemClock`]). Tests fix it.
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Accepts deliveries whatever their timestamp's age, which lets a captured delivery be
    /// replayed forever. Only for checking old captures in tests and tools, never for a live
    /// endpoint. The timestamp is still required and still signed.
    pub fn insecure_skip_timestamp_check(mut self) -> Self {
        self.tolerance = ToleranceSetting::Skipped;
        self
    }

    /// Prepares every key and builds the verifier.
    ///
    /// # Errors
    ///
    /// [`ConfigError::NoSecret`] without keys, [`ConfigError::TooManySecrets`] beyond
    /// [`MAX_SECRETS`], [`ConfigError::ZeroTolerance`] for a zero tolerance,
    /// [`ConfigError::WrongKeyKind`] for a key the scheme does not take, or the first error met
    /// while reading a key.
    pub fn build(self) -> Result<Verifier, ConfigError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.keys.is_empty() {
            return Err(ConfigError::NoSecret);
        }
        if self.keys.len() > MAX_SECRETS {
            return Err(ConfigError::TooManySecrets {
                count: self.keys.len(),
                max: MAX_SECRETS,
            });
        }
        let scheme = self.scheme;
        let primitive = scheme.primitive();
        let keys = self
            .keys
            .iter()
            .map(|key| match key {
                KeyMaterial::Secret(secret) => Key::from_secret(primitive, secret)
                    .ok_or_else(|| wrong_key(&scheme, KeyKind::Secret)),
                KeyMaterial::Public(public)
                    if scheme.family().public_key_kind() == Some(public.kind()) =>
                {
                    Ok(Key::from_public_key(public))
                }
                KeyMaterial::Public(_) => Err(wrong_key(&scheme, KeyKind::PublicKey)),
            })
            .collect::<Result<Vec<_>, _>>()?;

        let tolerance: Option<Tolerance> = match self.tolerance {
            _ if !scheme.has_timestamp() => None,
            ToleranceSetting::Default => scheme.tolerance(),
            ToleranceSetting::Given(Duration::ZERO) => return Err(ConfigError::ZeroTolerance),
            ToleranceSetting::Given(duration) => Some(Tolerance {
                duration,
                inclusive: true,
            }),
            ToleranceSetting::Skipped => None,
        };
        let tolerance_ms = tolerance.map(|tolerance| {
            let millis = u64::try_from(tolerance.duration.as_millis()).unwrap_or(u64::MAX);
            if tolerance.inclusive {
                millis
            } else {
                millis.saturating_sub(1)
            }
        });
        Ok(Verifier {
            inner: Arc::new(Inner {
                scheme,
                keys: Keyring::new(keys),
                tolerance: tolerance.map(|tolerance| tolerance.duration),
                tolerance_ms,
                public_url: self.public_url,
                clock: self.clock,
                handshakes: self.handshakes,
            }),
        })
    }
}

fn wrong_key(scheme: &Scheme, given: KeyKind) -> ConfigError {
    ConfigError::WrongKeyKind {
        scheme: match scheme.shared_name() {
            Name::Preset(name) => name,
            Name::Custom(_) => "hmac",
        },
        expected: match given {
            KeyKind::Secret => KeyKind::PublicKey,
            KeyKind::PublicKey => KeyKind::Secret,
        },
        given,
    }
}

impl fmt::Debug for VerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifierBuilder")
            .field("scheme", &self.scheme)
            .field("keys", &self.keys.len())
            .field("tolerance", &self.tolerance)
            .field("public_url", &self.public_url)
            .field("handshakes", &self.handshakes)
            .finish_non_exhaustive()
    }
}

/// A request's method and URL, kept for schemes that sign them.
struct RequestText {
    method: String,
    url: String,
}

/// A verification in progress: the head passed, the body is streaming in.
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
    /// Every key's state, for schemes that stream the body.
    running: Option<Running>,
    candidates: Candidates,
    timestamp: Option<Stamp>,
    id: Option<Inline<MAX_ID_LEN>>,
    request: Option<Box<RequestText>>,
    /// The body, for schemes that read it whole, when it was fed through `update`.
    kept: Option<Vec<u8>>,
    now_ms: u64,
}

impl Verification {
    /// A verification of nothing yet, by `verifier`'s keys at `now`: filled by
    /// [`read_head`](Self::read_head) where it will stay (on the stack, or boxed by
    /// [`Verifier::begin_buffered`]), since moving its kilobytes costs more than filling them.
    fn blank(verifier: &Arc<Inner>, now: SystemTime) -> Self {
        Self {
            verifier: Arc::clone(verifier),
            running: None,
            candidates: Candidates::new(verifier.keys.has_public_keys()),
            timestamp: None,
            id: None,
            request: None,
            kept: None,
            now_ms: verifier.now_ms(now),
        }
    }

    /// [`Verifier::begin`]'s work, in place.
    fn read_head<H: Headers + ?Sized>(
        &mut self,
        request: &Request<'_, H>,
    ) -> Result<(), VerifyError> {
        let inner = &*self.verifier;
        let family = inner.scheme.family();
        let head = inner.read(request, &mut self.candidates, self.now_ms)?;
        let (method, url) = inner.method_and_url(request)?;
        let fields = Inner::fields(&head, method, &url);
        if matches!(family.body_use(), BodyUse::Signed | BodyUse::SignedAndRead) {
            let running = inner.keys.start(&mut self.running);
            family
                .content()
                .write_before(&fields, &mut |data| running.update(data));
        }
        // Kept for what is signed after the body and for the error that names the URL.
        if inner.scheme.signs_request() {
            self.request = Some(Box::new(RequestText {
                method: String::from_utf8_lossy(fields.method).into_owned(),
                url: String::from_utf8_lossy(fields.url).into_owned(),
            }));
        }
        self.timestamp = head.timestamp.map(|stamp| Stamp {
            text: Inline::new(stamp.text),
            millis: stamp.millis,
        });
        self.id = head.id.map(Inline::new);
        Ok(())
    }

    /// Feeds the next chunk of the body.
    ///
    /// Schemes that read the body whole (Twilio, Mailgun, Linear, Box) keep a copy of it here;
    /// every other scheme only feeds it through its keys.
    pub fn update(&mut self, chunk: &[u8]) {
        self.absorb(chunk);
        if self.keeps_body() {
            self.kept
                .get_or_insert_with(Vec::new)
                .extend_from_slice(chunk);
        }
    }

    /// Compares what the keys computed over the whole delivery against every signature it
    /// carries.
    ///
    /// Every key is checked against every candidate in constant time, whichever matches.
    ///
    /// # Errors
    ///
    /// [`VerifyError::SignatureMismatch`] when no candidate matches any key; for schemes that
    /// read the body, any error of a body field or a stale body timestamp.
    pub fn finish(mut self) -> Result<Verified, VerifyError> {
        let kept = self.kept.take();
        self.conclude(Some(kept.as_deref().unwrap_or_default()))
    }

    /// The scheme being verified.
    #[must_use]
    pub fn scheme(&self) -> &Scheme {
        &self.verifier.scheme
    }

    /// Whether this scheme needs the whole body at the end.
    pub(crate) fn keeps_body(&self) -> bool {
        self.verifier.scheme.reads_body()
    }

    /// Feeds a chunk to the keys only; the caller keeps the body.
    pub(crate) fn absorb(&mut self, chunk: &[u8]) {
        if let Some(running) = &mut self.running {
            running.update(chunk);
        }
    }

    /// [`finish`](Self::finish) in place, for a verification kept behind a pointer, with the
    /// whole body for schemes that read it: the states are taken out, so it concludes once.
    pub(crate) fn conclude(&mut self, body: Option<&[u8]>) -> Result<Verified, VerifyError> {
        let inner = Arc::clone(&self.verifier);
        let family = inner.scheme.family();
        let body = body.unwrap_or_default();
        let read = inner.read_body(body, &mut self.candidates, self.now_ms, ())?;
        let (method, url) = self.request.as_deref().map_or((&b""[..], &b""[..]), |r| {
            (r.method.as_bytes(), r.url.as_bytes())
        });
        let head = Head {
            timestamp: self.timestamp.as_ref().map(|stamp| HeadStamp {
                text: stamp.text.as_bytes(),
                millis: stamp.millis,
            }),
            id: self.id.as_ref().map(Inline::as_bytes),
        };
        let fields = Fields {
            timestamp: head.timestamp.map_or(&[][..], |stamp| stamp.text),
            id: head.id.unwrap_or_default(),
            method,
            url,
        };
        let proved = match family.body_use() {
            BodyUse::Signed | BodyUse::SignedAndRead => {
                let running = self
                    .running
                    .as_mut()
                    .ok_or(VerifyError::SignatureMismatch)?;
                family
                    .content()
                    .write_after(&fields, &mut |data| running.update(data));
                running
                    .finish(&inner.keys, &self.candidates)
                    .or_else(|error| inner.retry_or(error, &fields, body, &self.candidates))
            }
            unstreamed => inner.prove_whole(unstreamed, &fields, &read, body, &self.candidates),
        };
        inner.settle(proved, &fields, &read, &head)
    }
}

impl fmt::Debug for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verification")
            .field("scheme", &self.verifier.scheme.name())
            .field("candidates", &self.candidates.len())
            .finish_non_exhaustive()
    }
}

/// What a successful verification tells about the delivery.
///
/// Adapters put it in the request's extensions, so handlers can read it.
#[derive(Clone, PartialEq, Eq)]
pub struct Verified {
    scheme: Name,
    /// Milliseconds since the epoch; made a `SystemTime` when asked for, not on every delivery.
    timestamp_ms: Option<u64>,
    id: Option<Inline<MAX_ID_LEN>>,
    /// The key that proved it, and the MAC or signature that did: what a replay is known by.
    proof: Proof,
}

impl Verified {
    /// The name of the scheme that verified the delivery, such as `github` or `stripe`.
    #[must_use]
    pub fn scheme(&self) -> &str {
        self.scheme.as_str()
    }

    /// The signed timestamp, for schemes that have one.
    #[must_use]
    pub fn timestamp(&self) -> Option<SystemTime> {
        self.timestamp_ms.and_then(timestamp::time)
    }

    /// The signed message id, for schemes that have one (`webhook-id` for Standard Webhooks,
    /// Twitch's message id, Mailgun's token). Use it to drop duplicate deliveries.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_ref().map(Inline::as_str)
    }

    /// The position of the key that matched, in the order the keys were given.
    #[must_use]
    pub const fn secret_index(&self) -> usize {
        self.proof.key
    }

    /// What proved the delivery, for [`replay`](crate::replay) keys.
    pub(crate) const fn proof(&self) -> &Proof {
        &self.proof
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("scheme", &self.scheme.as_str())
            .field("timestamp", &self.timestamp_ms.and_then(timestamp::time))
            .field("id", &self.id())
            .field("secret_index", &self.proof.key)
            .finish()
    }
}

/// A timestamp as sent (the signed text) and its value in milliseconds.
#[derive(Clone)]
struct Stamp {
    text: Inline<40>,
    millis: u64,
}

/// Up to `N` bytes of printable ASCII stored inline, so that verification never allocates
/// (and only the bytes there are copied: nothing is zeroed).
#[derive(Clone, PartialEq, Eq)]
struct Inline<const N: usize>(ArrayVec<u8, N>);

impl<const N: usize> Inline<N> {
    /// Copies `text`, which the parsers have already bounded to `N` bytes of printable ASCII;
    /// anything beyond `N` is cut.
    fn new(text: &[u8]) -> Self {
        let text = text.get(..N).unwrap_or(text);
        Self(ArrayVec::try_from(text).unwrap_or_default())
    }

    fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    fn as_str(&self) -> &str {
        // Printable ASCII is UTF-8; the fallback is unreachable.
        std::str::from_utf8(&self.0).unwrap_or_default()
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
    fn key_count_is_bounded() {
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
    fn keys_of_the_wrong_kind_are_refused() {
        assert!(matches!(
            Verifier::builder(Scheme::github()).public_key("00").build(),
            Err(ConfigError::WrongKeyKind { .. })
        ));
        #[cfg(feature = "ed25519")]
        assert!(matches!(
            Verifier::builder(Scheme::discord()).secret("s").build(),
            Err(ConfigError::WrongKeyKind { .. })
        ));
    }

    #[test]
    fn presets_start_from_their_providers_tolerance() {
        let paddle = Verifier::paddle("pdl_ntfset_test").unwrap();
        assert_eq!(paddle.tolerance(), Some(Duration::from_secs(5)));
        let github = Verifier::github("s").unwrap();
        assert_eq!(github.tolerance(), None);
        let custom = Verifier::builder(Scheme::paddle())
            .secret("s")
            .tolerance(Duration::from_secs(60))
            .build()
            .unwrap();
        assert_eq!(custom.tolerance(), Some(Duration::from_secs(60)));
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
    fn every_path_reports_the_key_that_matched() {
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

    #[test]
    fn a_url_signing_scheme_needs_the_url() {
        let verifier = Verifier::square("key").unwrap();
        let now = SystemTime::now();
        let headers = verifier
            .sign(b"{}", &SignOptions::at(now).url("https://example.com/hook"))
            .unwrap();
        assert_eq!(
            verifier.verify(&headers, b"{}", now).unwrap_err(),
            VerifyError::MissingRequestUrl
        );
        let request = Request::new(&headers).url("https://example.com/hook");
        assert!(verifier.verify(request, b"{}", now).is_ok());
        let elsewhere = Request::new(&headers).url("https://example.com/other");
        assert_eq!(
            verifier.verify(elsewhere, b"{}", now).unwrap_err(),
            VerifyError::SignatureMismatchForUrl {
                url: "https://example.com/other".into()
            }
        );
    }
}
