//! Endpoint handshakes: the checks providers make of a webhook endpoint before and while they
//! deliver, decided here and written by the adapters.
//!
//! A handshake is never a delivery: the handler does not see it. Signed handshakes (Slack,
//! Zoom, Twitch, Discord) are answered only once the request verified, from its verified body;
//! unsigned ones (Meta, Dropbox, Microsoft Graph) only on their exact method and query, before
//! any verification. Every echoed value is bounded, printable and sent as `text/plain` with
//! `X-Content-Type-Options: nosniff` (or inside JSON), never as HTML.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use subtle::ConstantTimeEq as _;

use crate::{Encoding, Headers, Secret, VerifyError};

/// The longest challenge echoed back, in bytes; longer ones are refused (400). Providers send
/// a few dozen characters.
pub const MAX_CHALLENGE_LEN: usize = 512;

/// The largest body looked at as a possible signed handshake. The handshakes' bodies are a few
/// hundred bytes; anything larger is a delivery, and is not parsed a second time to find out.
const MAX_HANDSHAKE_BODY: usize = 16 * 1024;

/// A provider's check of a webhook endpoint, answered by hookverify instead of the handler.
///
/// Each preset that needs one answers its provider's by default
/// ([`Scheme::handshakes`](crate::Scheme::handshakes)); a verifier can add others or turn them
/// off ([`VerifierBuilder::handshake`](crate::VerifierBuilder::handshake),
/// [`VerifierBuilder::without_handshakes`](crate::VerifierBuilder::without_handshakes)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Handshake {
    /// Slack Events API `url_verification`: a signed `POST` of
    /// `{"type":"url_verification","challenge":…}`, answered `200` with
    /// `{"challenge":…}` as JSON (what Slack's Bolt SDKs send).
    SlackUrlVerification,
    /// Zoom `endpoint.url_validation`: a signed `POST` of
    /// `{"event":"endpoint.url_validation","payload":{"plainToken":…}}`, answered `200` with
    /// `{"plainToken":…,"encryptedToken":…}`, the lower-case hex HMAC-SHA256 of the plain token
    /// with the secret token that verified the request. Zoom repeats it every 72 hours.
    ZoomUrlValidation,
    /// Twitch EventSub `webhook_callback_verification`: a signed `POST` whose
    /// `Twitch-Eventsub-Message-Type` says so, answered `200` with the raw `challenge` of its
    /// body as `text/plain`.
    TwitchCallbackVerification,
    /// Discord's PINGs, signed like every request: an interactions PING (`{"type":1}`, no
    /// `event`) is answered `200` with `{"type":1}` as JSON; a webhook-events PING
    /// (`{"type":0}`) is answered `204`.
    DiscordPing,
    /// Meta's (Facebook, Instagram, WhatsApp) verification request: an unsigned
    /// `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`, answered `200` with the
    /// challenge as `text/plain` when the verify token matches the one configured
    /// ([`VerifierBuilder::meta_verify_token`](crate::VerifierBuilder::meta_verify_token)),
    /// compared in constant time; `403` otherwise, and always when none is configured.
    MetaSubscription,
    /// Dropbox's verification request: an unsigned `GET ?challenge=…`, answered `200` with the
    /// challenge as `text/plain` and `X-Content-Type-Options: nosniff`, as Dropbox asks.
    DropboxChallenge,
    /// Microsoft Graph's notification URL validation: an unsigned `POST ?validationToken=…`,
    /// answered `200` with the URL-decoded token as `text/plain`.
    GraphValidation,
}

impl Handshake {
    /// The provider's name for it, as logs and the CLI say it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::SlackUrlVerification => "slack url_verification",
            Self::ZoomUrlValidation => "zoom endpoint.url_validation",
            Self::TwitchCallbackVerification => "twitch webhook_callback_verification",
            Self::DiscordPing => "discord ping",
            Self::MetaSubscription => "meta hub.challenge",
            Self::DropboxChallenge => "dropbox challenge",
            Self::GraphValidation => "microsoft graph validationToken",
        }
    }

    /// Whether it is signed, and so answered only after verification.
    #[must_use]
    pub const fn is_signed(self) -> bool {
        !matches!(
            self,
            Self::MetaSubscription | Self::DropboxChallenge | Self::GraphValidation
        )
    }
}

impl fmt::Display for Handshake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The exact answer to a handshake: a status, a content type, headers and a body, for an
/// adapter to write as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeAnswer {
    handshake: Handshake,
    status: u16,
    content_type: Option<&'static str>,
    body: String,
}

impl HandshakeAnswer {
    fn text(handshake: Handshake, body: &str) -> Self {
        Self {
            handshake,
            status: 200,
            content_type: Some("text/plain; charset=utf-8"),
            body: body.to_owned(),
        }
    }

    fn json(handshake: Handshake, body: &serde_json::Value) -> Self {
        Self {
            handshake,
            status: 200,
            content_type: Some("application/json"),
            body: body.to_string(),
        }
    }

    /// Which handshake this answers.
    #[must_use]
    pub const fn handshake(&self) -> Handshake {
        self.handshake
    }

    /// The HTTP status.
    #[must_use]
    pub const fn status(&self) -> u16 {
        self.status
    }

    /// The headers to send, `Content-Type` first: every answer carries
    /// `X-Content-Type-Options: nosniff` and `Cache-Control: no-store`.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        self.content_type
            .map(|content_type| ("Content-Type", content_type))
            .into_iter()
            .chain([
                ("X-Content-Type-Options", "nosniff"),
                ("Cache-Control", "no-store"),
            ])
    }

    /// The body: always UTF-8 text (a challenge, or JSON).
    #[must_use]
    pub fn body(&self) -> &[u8] {
        self.body.as_bytes()
    }

    /// The body, owned.
    #[must_use]
    pub fn into_body(self) -> String {
        self.body
    }
}

/// What a verified delivery says about the subscription itself rather than an event: today,
/// that Twitch revoked it. The adapters put it in the request's extensions beside
/// [`Verified`](crate::Verified), and the handler decides what to do (Twitch wants a 2xx).
///
/// It is read from the verified body (a `subscription` with its `status` and no `event`), and
/// only when the `Twitch-Eventsub-Message-Type` header agrees: the header alone is not signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notice {
    /// Twitch revoked the EventSub subscription; `reason` is its status, such as
    /// `authorization_revoked`, `user_removed`, `notification_failures_exceeded` or
    /// `version_removed`.
    Revocation {
        /// Why, in Twitch's words.
        reason: String,
    },
}

/// The handshakes a verifier answers, and the secret an unsigned one is checked with.
#[derive(Clone, Default)]
pub(crate) struct Handshakes {
    enabled: Vec<Handshake>,
    meta_verify_token: Option<Secret>,
}

impl fmt::Debug for Handshakes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handshakes")
            .field("enabled", &self.enabled)
            .field(
                "meta_verify_token",
                &self.meta_verify_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

impl Handshakes {
    pub(crate) fn new(enabled: &[Handshake]) -> Self {
        Self {
            enabled: enabled.to_vec(),
            meta_verify_token: None,
        }
    }

    pub(crate) fn add(&mut self, handshake: Handshake) {
        if !self.enabled.contains(&handshake) {
            self.enabled.push(handshake);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.enabled.clear();
    }

    pub(crate) fn set_meta_verify_token(&mut self, token: Secret) {
        self.meta_verify_token = Some(token);
    }

    pub(crate) fn enabled(&self) -> &[Handshake] {
        &self.enabled
    }

    fn has(&self, handshake: Handshake) -> bool {
        self.enabled.contains(&handshake)
    }

    /// The answer to an unsigned handshake, decided from the method and the query alone;
    /// `None` when the request is not one (it is then verified as a delivery).
    pub(crate) fn unsigned(
        &self,
        method: &str,
        query: Option<&str>,
    ) -> Option<Result<HandshakeAnswer, VerifyError>> {
        let query = query?;
        if method == "GET"
            && self.has(Handshake::MetaSubscription)
            && let Some(mode) = parameter(query, "hub.mode")
        {
            return Some(self.meta(mode, query));
        }
        if method == "GET"
            && self.has(Handshake::DropboxChallenge)
            && let Some(challenge) = parameter(query, "challenge")
        {
            return Some(echo(Handshake::DropboxChallenge, "challenge", challenge));
        }
        if method == "POST"
            && self.has(Handshake::GraphValidation)
            && let Some(token) = parameter(query, "validationToken")
        {
            return Some(echo(Handshake::GraphValidation, "validationToken", token));
        }
        None
    }

    fn meta(
        &self,
        mode: Result<Cow<'_, str>, VerifyError>,
        query: &str,
    ) -> Result<HandshakeAnswer, VerifyError> {
        if mode? != "subscribe" {
            return Err(malformed("hub.mode"));
        }
        let challenge = parameter(query, "hub.challenge").ok_or(malformed("hub.challenge"))??;
        let token = parameter(query, "hub.verify_token").ok_or(malformed("hub.verify_token"))??;
        let expected = self
            .meta_verify_token
            .as_ref()
            .map_or(&[][..], Secret::expose);
        // An empty configured token never matches, and lengths are not secret.
        let matches = !expected.is_empty() && bool::from(expected.ct_eq(token.as_bytes()));
        if !matches {
            return Err(VerifyError::HandshakeTokenMismatch);
        }
        echo(Handshake::MetaSubscription, "hub.challenge", Ok(challenge))
    }

    /// The answer to a signed handshake, from a request that verified; `None` when the request
    /// is a delivery for the handler.
    ///
    /// `sign` computes the HMAC Zoom asks for with the key that verified the request.
    pub(crate) fn signed<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        sign: impl FnOnce(&[u8]) -> Option<Vec<u8>>,
    ) -> Option<Result<HandshakeAnswer, VerifyError>> {
        if self.has(Handshake::TwitchCallbackVerification) {
            let kind = headers.get_all("Twitch-Eventsub-Message-Type").next();
            if kind == Some(b"webhook_callback_verification".as_slice()) {
                return Some(twitch(body));
            }
        }
        let wanted = [
            Handshake::SlackUrlVerification,
            Handshake::ZoomUrlValidation,
            Handshake::DiscordPing,
        ];
        if body.len() > MAX_HANDSHAKE_BODY || !wanted.iter().any(|handshake| self.has(*handshake)) {
            return None;
        }
        // Only a JSON object can be one of these; anything else is the handler's.
        let probe: Probe<'_> = serde_json::from_slice(body).ok()?;
        if self.has(Handshake::SlackUrlVerification)
            && probe.kind.as_ref().and_then(Value::as_str) == Some("url_verification")
        {
            return Some(slack(body));
        }
        if self.has(Handshake::ZoomUrlValidation)
            && probe.event.as_ref().and_then(Value::as_str) == Some("endpoint.url_validation")
        {
            return Some(zoom(body, sign));
        }
        if self.has(Handshake::DiscordPing) {
            match probe.kind.as_ref().and_then(Value::as_u64) {
                Some(1) if probe.event.is_none() => {
                    return Some(Ok(HandshakeAnswer::json(
                        Handshake::DiscordPing,
                        &serde_json::json!({ "type": 1 }),
                    )));
                }
                Some(0) => {
                    return Some(Ok(HandshakeAnswer {
                        handshake: Handshake::DiscordPing,
                        status: 204,
                        content_type: None,
                        body: String::new(),
                    }));
                }
                _ => {}
            }
        }
        None
    }
}

/// A Twitch revocation, from a verified request whose header says so and whose body agrees.
pub(crate) fn twitch_notice<H: Headers + ?Sized>(headers: &H, body: &[u8]) -> Option<Notice> {
    #[derive(Deserialize)]
    struct Message<'a> {
        #[serde(borrow)]
        subscription: Option<Subscription<'a>>,
        #[serde(borrow)]
        event: Option<Value<'a>>,
    }
    #[derive(Deserialize)]
    struct Subscription<'a> {
        #[serde(borrow)]
        status: Option<Cow<'a, str>>,
    }
    let kind = headers.get_all("Twitch-Eventsub-Message-Type").next()?;
    if kind != b"revocation" {
        return None;
    }
    let message: Message<'_> = serde_json::from_slice(body).ok()?;
    if message.event.is_some() {
        return None;
    }
    let reason = message.subscription?.status?;
    (!reason.is_empty() && reason.len() <= MAX_CHALLENGE_LEN).then(|| Notice::Revocation {
        reason: reason.into_owned(),
    })
}

/// The fields that tell a signed handshake from a delivery.
#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<Value<'a>>,
    #[serde(borrow, default)]
    event: Option<Value<'a>>,
}

/// A JSON value seen only for what it is: a string, an unsigned integer, or anything else.
#[derive(Deserialize)]
#[serde(untagged)]
enum Value<'a> {
    Text(#[serde(borrow)] Cow<'a, str>),
    Number(u64),
    Other(serde::de::IgnoredAny),
}

impl Value<'_> {
    fn as_str(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            _ => None,
        }
    }

    fn as_u64(&self) -> Option<u64> {
        match self {
            Self::Number(number) => Some(*number),
            _ => None,
        }
    }
}

fn slack(body: &[u8]) -> Result<HandshakeAnswer, VerifyError> {
    #[derive(Deserialize)]
    struct UrlVerification<'a> {
        #[serde(borrow)]
        challenge: Option<Cow<'a, str>>,
    }
    let parsed: UrlVerification<'_> =
        serde_json::from_slice(body).map_err(|_| malformed("challenge"))?;
    let challenge = checked("challenge", parsed.challenge)?;
    Ok(HandshakeAnswer::json(
        Handshake::SlackUrlVerification,
        &serde_json::json!({ "challenge": challenge }),
    ))
}

fn zoom(
    body: &[u8],
    sign: impl FnOnce(&[u8]) -> Option<Vec<u8>>,
) -> Result<HandshakeAnswer, VerifyError> {
    #[derive(Deserialize)]
    struct Payload<'a> {
        #[serde(rename = "plainToken", borrow)]
        plain_token: Option<Cow<'a, str>>,
    }
    #[derive(Deserialize)]
    struct UrlValidation<'a> {
        #[serde(borrow)]
        payload: Option<Payload<'a>>,
    }
    let parsed: UrlValidation<'_> =
        serde_json::from_slice(body).map_err(|_| malformed("plainToken"))?;
    let plain = checked("plainToken", parsed.payload.and_then(|p| p.plain_token))?;
    let tag = sign(plain.as_bytes()).ok_or(VerifyError::SignatureMismatch)?;
    Ok(HandshakeAnswer::json(
        Handshake::ZoomUrlValidation,
        &serde_json::json!({
            "plainToken": plain,
            "encryptedToken": Encoding::Hex.encode(&tag),
        }),
    ))
}

fn twitch(body: &[u8]) -> Result<HandshakeAnswer, VerifyError> {
    #[derive(Deserialize)]
    struct Verification<'a> {
        #[serde(borrow)]
        challenge: Option<Cow<'a, str>>,
    }
    let parsed: Verification<'_> =
        serde_json::from_slice(body).map_err(|_| malformed("challenge"))?;
    let challenge = checked("challenge", parsed.challenge)?;
    Ok(HandshakeAnswer::text(
        Handshake::TwitchCallbackVerification,
        &challenge,
    ))
}

/// An unsigned challenge echoed as `text/plain`.
fn echo(
    handshake: Handshake,
    field: &'static str,
    value: Result<Cow<'_, str>, VerifyError>,
) -> Result<HandshakeAnswer, VerifyError> {
    let value = checked(field, Some(value?))?;
    Ok(HandshakeAnswer::text(handshake, &value))
}

/// A challenge that may be echoed: present, at most [`MAX_CHALLENGE_LEN`] bytes, without
/// control characters.
fn checked<'a>(
    field: &'static str,
    value: Option<Cow<'a, str>>,
) -> Result<Cow<'a, str>, VerifyError> {
    let value = value.ok_or(malformed(field))?;
    if value.is_empty() || value.len() > MAX_CHALLENGE_LEN || value.chars().any(char::is_control) {
        return Err(malformed(field));
    }
    Ok(value)
}

/// The one value of `name` in a query, form-decoded (`+` is a space, invalid UTF-8 replaced);
/// `None` when absent, an error when repeated.
fn parameter<'q>(query: &'q str, name: &'static str) -> Option<Result<Cow<'q, str>, VerifyError>> {
    let mut found = None;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if key == name {
            if found.is_some() {
                return Some(Err(malformed(name)));
            }
            found = Some(value);
        }
    }
    found.map(Ok)
}

/// A handshake whose `field` is missing, repeated, empty, too long or not text.
const fn malformed(field: &'static str) -> VerifyError {
    VerifyError::MalformedHandshake { field }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::{Scheme, SignOptions, Verifier};

    fn meta(token: Option<&str>) -> Verifier {
        let builder = Verifier::builder(Scheme::meta()).secret("app-secret");
        match token {
            Some(token) => builder.meta_verify_token(token),
            None => builder,
        }
        .build()
        .unwrap()
    }

    #[test]
    fn meta_echoes_the_challenge_only_for_its_verify_token() {
        let verifier = meta(Some("meatyhamhock"));
        let query = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock";
        let answer = verifier
            .unsigned_handshake("GET", Some(query))
            .unwrap()
            .unwrap();
        assert_eq!(answer.status(), 200);
        assert_eq!(answer.body(), b"1158201444");
        let headers: Vec<_> = answer.headers().collect();
        assert!(headers.contains(&("Content-Type", "text/plain; charset=utf-8")));
        assert!(headers.contains(&("X-Content-Type-Options", "nosniff")));

        for (query, status) in [
            (
                "hub.mode=subscribe&hub.challenge=1&hub.verify_token=meatyhamhocK",
                403,
            ),
            ("hub.mode=subscribe&hub.challenge=1&hub.verify_token=", 403),
            ("hub.mode=subscribe&hub.challenge=1", 400),
            (
                "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=meatyhamhock",
                400,
            ),
            (
                "hub.mode=subscribe&hub.challenge=1&hub.challenge=2&hub.verify_token=meatyhamhock",
                400,
            ),
            (
                "hub.mode=subscribe&hub.challenge=&hub.verify_token=meatyhamhock",
                400,
            ),
            (
                "hub.mode=subscribe&hub.challenge=%0A1&hub.verify_token=meatyhamhock",
                400,
            ),
        ] {
            let error = verifier
                .unsigned_handshake("GET", Some(query))
                .unwrap()
                .unwrap_err();
            assert_eq!(error.status_code(), status, "{query}");
        }
        let long = format!(
            "hub.mode=subscribe&hub.verify_token=meatyhamhock&hub.challenge={}",
            "1".repeat(MAX_CHALLENGE_LEN + 1)
        );
        assert!(
            verifier
                .unsigned_handshake("GET", Some(&long))
                .unwrap()
                .is_err()
        );
        // Only a GET with `hub.mode` is a handshake; anything else is verified as a delivery.
        assert!(verifier.unsigned_handshake("POST", Some(query)).is_none());
        assert!(verifier.unsigned_handshake("HEAD", Some(query)).is_none());
        assert!(verifier.unsigned_handshake("GET", Some("a=1")).is_none());
        assert!(verifier.unsigned_handshake("GET", None).is_none());
    }

    #[test]
    fn meta_without_a_verify_token_refuses_every_handshake() {
        let query = "hub.mode=subscribe&hub.challenge=1&hub.verify_token=";
        let error = meta(None)
            .unsigned_handshake("GET", Some(query))
            .unwrap()
            .unwrap_err();
        assert_eq!(error, VerifyError::HandshakeTokenMismatch);
        // An empty verify token is a configuration error, not a token that matches nothing.
        let empty = Verifier::builder(Scheme::meta())
            .secret("app-secret")
            .meta_verify_token("")
            .build();
        assert_eq!(empty.unwrap_err(), crate::ConfigError::EmptySecret);
    }

    #[test]
    fn dropbox_and_graph_echo_their_decoded_challenges() {
        let dropbox = Verifier::dropbox("app-secret").unwrap();
        let answer = dropbox
            .unsigned_handshake("GET", Some("challenge=abc123"))
            .unwrap()
            .unwrap();
        assert_eq!(answer.body(), b"abc123");
        assert!(
            dropbox
                .unsigned_handshake("POST", Some("challenge=abc123"))
                .is_none()
        );
        // Graph is not a preset's: a verifier opts in.
        assert!(
            dropbox
                .unsigned_handshake("POST", Some("validationToken=x"))
                .is_none()
        );
        let graph = Verifier::builder(Scheme::github())
            .secret("client-state")
            .handshake(Handshake::GraphValidation)
            .build()
            .unwrap();
        let query = "validationToken=Validation%3a+Testing+client+application+reachability";
        let answer = graph
            .unsigned_handshake("POST", Some(query))
            .unwrap()
            .unwrap();
        assert_eq!(
            answer.body(),
            b"Validation: Testing client application reachability"
        );
        assert!(graph.unsigned_handshake("GET", Some(query)).is_none());
    }

    /// Signs `body` for `verifier`'s scheme and returns its signed handshake answer.
    fn signed(
        verifier: &Verifier,
        extra: &[(&str, &str)],
        body: &[u8],
    ) -> Option<Result<HandshakeAnswer, VerifyError>> {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = verifier
            .sign(body, &SignOptions::at(now).id("msg-1"))
            .unwrap();
        headers.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        let verified = verifier.verify(&headers, body, now).unwrap();
        verifier.signed_handshake(&verified, &headers, body)
    }

    #[test]
    fn zoom_answers_with_the_hmac_of_the_matching_secret() {
        // The second secret signs: the answer must use it, not the first.
        let verifier = Verifier::builder(Scheme::zoom())
            .secret("my-secret-token")
            .build()
            .unwrap();
        let rotated = Verifier::builder(Scheme::zoom())
            .secret("another-token")
            .secret("my-secret-token")
            .build()
            .unwrap();
        let body = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let headers = verifier.sign(body, &SignOptions::at(now)).unwrap();
        let verified = rotated.verify(&headers, body, now).unwrap();
        assert_eq!(verified.secret_index(), 1);
        let answer = rotated
            .signed_handshake(&verified, &headers, body)
            .unwrap()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(answer.body()).unwrap();
        assert_eq!(json["plainToken"], "qgg8vlvZRS6UYooatFL8Aw");
        // HMAC-SHA256("my-secret-token", plainToken), computed with Python's hmac and openssl.
        assert_eq!(
            json["encryptedToken"],
            "62c5bd994d6f16a31ed17cd4f6a92f719b878bdef541f05275c37e98d597ba2e"
        );
        assert_eq!(
            answer.headers().next(),
            Some(("Content-Type", "application/json"))
        );
        assert!(signed(&verifier, &[], br#"{"event":"meeting.started"}"#).is_none());
        assert!(
            signed(&verifier, &[], br#"{"event":"endpoint.url_validation"}"#)
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn slack_twitch_and_discord_answer_their_own_shapes() {
        let slack = Verifier::slack("signing-secret").unwrap();
        let answer = signed(
            &slack,
            &[],
            br#"{"type":"url_verification","challenge":"c\"1"}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(answer.body(), br#"{"challenge":"c\"1"}"#);
        assert!(signed(&slack, &[], br#"{"type":"event_callback"}"#).is_none());
        assert!(signed(&slack, &[], b"token=x&command=/weather").is_none());

        let twitch = Verifier::twitch("twitch-secret").unwrap();
        let body = br#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{}}"#;
        let kind = [(
            "Twitch-Eventsub-Message-Type",
            "webhook_callback_verification",
        )];
        let answer = signed(&twitch, &kind, body).unwrap().unwrap();
        assert_eq!(answer.body(), b"pogchamp-kappa-360noscope-vohiyo");
        assert_eq!(
            answer.headers().next(),
            Some(("Content-Type", "text/plain; charset=utf-8"))
        );
        let notification = [("Twitch-Eventsub-Message-Type", "notification")];
        assert!(signed(&twitch, &notification, body).is_none());
        assert!(
            signed(&twitch, &kind, br#"{"subscription":{}}"#)
                .unwrap()
                .is_err()
        );
    }

    #[cfg(feature = "ed25519")]
    #[test]
    fn discord_answers_both_pings_and_nothing_else() {
        let key = crate::SigningKey::ed25519_hex(&"01".repeat(32)).unwrap();
        let signer = crate::Signer::with_signing_key(Scheme::discord(), &key).unwrap();
        let verifier = Verifier::builder(Scheme::discord())
            .raw_public_key(key.public_key())
            .build()
            .unwrap();
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let answer = |body: &[u8]| {
            let (headers, _) = signer
                .sign(body, &SignOptions::at(now))
                .unwrap()
                .into_parts();
            let verified = verifier.verify(&headers, body, now).unwrap();
            verifier.signed_handshake(&verified, &headers, body)
        };
        let ping = answer(br#"{"id":"1","application_id":"2","type":1,"token":"t","version":1}"#)
            .unwrap()
            .unwrap();
        assert_eq!((ping.status(), ping.body()), (200, &br#"{"type":1}"#[..]));
        let webhook_ping = answer(br#"{"version":1,"application_id":"2","type":0}"#)
            .unwrap()
            .unwrap();
        assert_eq!(
            (webhook_ping.status(), webhook_ping.body()),
            (204, &b""[..])
        );
        assert_eq!(
            webhook_ping.headers().next(),
            Some(("X-Content-Type-Options", "nosniff"))
        );
        // A webhook event (type 1 with an `event`) and a command (type 2) are the handler's.
        assert!(
            answer(br#"{"version":1,"type":1,"event":{"type":"APPLICATION_AUTHORIZED"}}"#)
                .is_none()
        );
        assert!(answer(br#"{"type":2,"data":{"name":"ping"}}"#).is_none());
    }

    #[test]
    fn twitch_revocations_are_notices_when_header_and_body_agree() {
        let twitch = Verifier::twitch("twitch-secret").unwrap();
        let revoked = br#"{"subscription":{"type":"channel.follow","status":"user_removed"}}"#;
        let event = br#"{"subscription":{"status":"enabled"},"event":{"user_name":"x"}}"#;
        let header = |kind: &'static str| [("Twitch-Eventsub-Message-Type", kind)];
        assert_eq!(
            twitch.notice(&header("revocation"), revoked),
            Some(Notice::Revocation {
                reason: "user_removed".to_owned()
            })
        );
        assert_eq!(twitch.notice(&header("notification"), revoked), None);
        assert_eq!(twitch.notice(&header("revocation"), event), None);
        assert_eq!(twitch.notice(&header("revocation"), b"not json"), None);
        // A revocation is a delivery: no handshake answers it.
        assert!(signed(&twitch, &header("revocation"), revoked).is_none());
        let slack = Verifier::slack("signing-secret").unwrap();
        assert_eq!(slack.notice(&header("revocation"), revoked), None);
    }

    #[test]
    fn large_bodies_are_deliveries_without_a_second_parse() {
        let slack = Verifier::slack("signing-secret").unwrap();
        let padding = "x".repeat(MAX_HANDSHAKE_BODY);
        let body = format!(r#"{{"type":"url_verification","challenge":"c","pad":"{padding}"}}"#);
        assert!(signed(&slack, &[], body.as_bytes()).is_none());
    }

    #[test]
    fn without_handshakes_nothing_is_answered() {
        let slack = Verifier::builder(Scheme::slack())
            .secret("signing-secret")
            .without_handshakes()
            .build()
            .unwrap();
        assert!(slack.handshakes().is_empty());
        assert!(
            signed(
                &slack,
                &[],
                br#"{"type":"url_verification","challenge":"c"}"#
            )
            .is_none()
        );
        let dropbox = Verifier::builder(Scheme::dropbox())
            .secret("app-secret")
            .without_handshakes()
            .build()
            .unwrap();
        assert!(
            dropbox
                .unsigned_handshake("GET", Some("challenge=1"))
                .is_none()
        );
    }
}
