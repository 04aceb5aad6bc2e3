//! Every provider's preset: one function each, and one registry row each, from which the
//! `Scheme::github()`-style constructors, the `Verifier::github(key)` shortcuts and
//! [`Scheme::presets`] are generated. A preset cannot be added without its row, and the row
//! carries what the CLI, the README table and the tests read: its name, headers, what it signs,
//! its documentation and its tolerance.

#![cfg_attr(
    not(any(feature = "ed25519", feature = "p256")),
    allow(
        unused,
        unreachable_code,
        reason = "without a public-key feature, the public-key paths are compiled out"
    )
)]

use std::time::Duration;

use super::box_signatures::BoxSignatures;
use super::content::Piece;
use super::family::Families;
use super::header::{Header, KeyText};
use super::keyed_list::KeyedList;
use super::mailgun::Mailgun;
use super::standard_webhooks::StandardWebhooks;
use super::token::Token;
use super::twilio::Twilio;
use super::{KeyKind, Name, Scheme};
use crate::key::Primitive;
use crate::signature::Kind;
use crate::timestamp::TimestampFormat;
use crate::{Algorithm, ConfigError, Encoding, Handshake, Verifier};

/// A preset's registry row: what it is called, what it reads and signs, where the provider
/// documents it, and how fresh its deliveries must be.
///
/// # Examples
///
/// ```
/// use hookverify_core::{KeyKind, Scheme};
///
/// for preset in Scheme::presets() {
///     println!("{:22} {:?} {}", preset.name(), preset.headers(), preset.documentation());
/// }
/// let paddle = Scheme::presets().iter().find(|p| p.name() == "paddle").unwrap();
/// assert_eq!(paddle.default_tolerance(), Some(std::time::Duration::from_secs(5)));
/// assert_eq!(paddle.key_kind(), KeyKind::Secret);
/// ```
#[derive(Debug)]
pub struct Preset {
    name: &'static str,
    aliases: &'static [&'static str],
    headers: &'static [&'static str],
    signed: &'static str,
    documentation: &'static str,
    key: KeyKind,
    tolerance: Option<Tolerance>,
    handshakes: &'static [Handshake],
    scheme: fn() -> Scheme,
}

/// A default tolerance, and whether a delivery exactly that old passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tolerance {
    pub(crate) duration: Duration,
    pub(crate) inclusive: bool,
}

impl Tolerance {
    /// A tolerance a delivery exactly `seconds` old passes.
    const fn inclusive(seconds: u64) -> Self {
        Self {
            duration: Duration::from_secs(seconds),
            inclusive: true,
        }
    }

    /// A tolerance a delivery exactly `seconds` old fails.
    const fn exclusive(seconds: u64) -> Self {
        Self {
            duration: Duration::from_secs(seconds),
            inclusive: false,
        }
    }
}

impl Preset {
    /// The name, as `Verified::scheme` reports it and the CLI's `--scheme` takes it.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Other names the CLI accepts for it.
    #[must_use]
    pub const fn aliases(&self) -> &'static [&'static str] {
        self.aliases
    }

    /// The headers a delivery carries its signature (and timestamp, id) in; empty when the
    /// signature is inside the body.
    #[must_use]
    pub const fn headers(&self) -> &'static [&'static str] {
        self.headers
    }

    /// What is signed, and with what, in words.
    #[must_use]
    pub const fn signed_content(&self) -> &'static str {
        self.signed
    }

    /// Where the provider documents its signatures.
    #[must_use]
    pub const fn documentation(&self) -> &'static str {
        self.documentation
    }

    /// What the verifier is given.
    #[must_use]
    pub const fn key_kind(&self) -> KeyKind {
        self.key
    }

    /// The tolerance a verifier starts with; `None` without a timestamp.
    #[must_use]
    pub fn default_tolerance(&self) -> Option<Duration> {
        self.tolerance.map(|tolerance| tolerance.duration)
    }

    /// Whether a delivery exactly [`default_tolerance`](Self::default_tolerance) old still
    /// passes (it does for every provider but HubSpot).
    #[must_use]
    pub fn tolerance_is_inclusive(&self) -> bool {
        self.tolerance.is_none_or(|tolerance| tolerance.inclusive)
    }

    /// The endpoint checks its verifiers answer by default (see [`Handshake`]).
    #[must_use]
    pub const fn handshakes(&self) -> &'static [Handshake] {
        self.handshakes
    }

    /// The scheme.
    #[must_use]
    pub fn scheme(&self) -> Scheme {
        (self.scheme)()
    }

    /// The row named `name`, or with `name` among its aliases.
    pub(crate) fn named(name: &str) -> Option<&'static Self> {
        PRESETS
            .iter()
            .find(|preset| preset.name == name || preset.aliases.contains(&name))
    }
}

/// Generates [`PRESETS`], a `Scheme::NAME()` constructor and a `Verifier::NAME(key)` shortcut
/// for every row.
macro_rules! registry {
    ($(
        $(#[doc = $doc:expr])*
        $(#[cfg($cfg:meta)])?
        $function:ident: $name:literal $(or $alias:literal)* {
            headers: [$($header:literal),* $(,)?],
            signed: $signed:literal,
            documentation: $documentation:literal,
            key: $key:ident,
            tolerance: $tolerance:expr,
            $(handshakes: [$($handshake:ident),* $(,)?],)?
            build: $build:expr,
        }
    )*) => {
        /// The registry: every preset, in the order the docs list them.
        pub(crate) static PRESETS: &[Preset] = &[$(
            $(#[cfg($cfg)])?
            Preset {
                name: $name,
                aliases: &[$($alias),*],
                headers: &[$($header),*],
                signed: $signed,
                documentation: $documentation,
                key: KeyKind::$key,
                tolerance: $tolerance,
                handshakes: &[$($(Handshake::$handshake),*)?],
                scheme: Scheme::$function,
            },
        )*];

        impl Scheme {$(
            $(#[doc = $doc])*
            $(#[cfg($cfg)])?
            $(#[cfg_attr(docsrs, doc(cfg($cfg)))])?
            #[must_use]
            pub fn $function() -> Self {
                let (family, primitive): (Families, Primitive) = $build;
                let tolerance: Option<Tolerance> = $tolerance;
                Self::from_family(Name::Preset($name), family, primitive, tolerance)
            }
        )*}

        impl Verifier {$(
            #[doc = concat!(
                "A verifier for [`Scheme::", stringify!($function), "`] with one key, exactly as the ",
                "provider shows it, and the preset's default tolerance.\n\n# Errors\n\n",
                "A [`ConfigError`] when the key is not usable for the scheme."
            )]
            $(#[cfg($cfg)])?
            $(#[cfg_attr(docsrs, doc(cfg($cfg)))])?
            pub fn $function(key: &str) -> Result<Self, ConfigError> {
                Self::builder(Scheme::$function()).key(key).build()
            }
        )*}
    };
}

/// An HMAC preset with its signature alone in one header, over the body alone.
fn body_hmac(
    header: &str,
    prefix: Option<&str>,
    encoding: Encoding,
    algorithm: Algorithm,
) -> Header {
    let header = Header::new(header, encoding, algorithm.tag_len());
    match prefix {
        Some(prefix) => header.prefix(prefix),
        None => header,
    }
}

fn header(header: Header, primitive: Primitive) -> (Families, Primitive) {
    (Families::Header(header), primitive)
}

const SHA256: Primitive = Primitive::Hmac(Algorithm::Sha256);
const SHA1: Primitive = Primitive::Hmac(Algorithm::Sha1);

fn literal(text: &'static [u8]) -> Piece {
    Piece::Literal(text.into())
}

registry! {
    /// GitHub: `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw body with the
    /// webhook's secret. No timestamp.
    ///
    /// Hex is compared as decoded bytes, so its case does not matter (Octokit's Node build wants
    /// lower case; its web build takes either). The `sha256=` prefix is required.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use hookverify_core::Verifier;
    ///
    /// // GitHub's documented example.
    /// let verifier = Verifier::github("It's a Secret to Everybody")?;
    /// let headers = [("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")];
    /// verifier.verify(&headers, b"Hello, World!", SystemTime::now())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    github: "github" {
        headers: ["X-Hub-Signature-256"],
        signed: "HMAC-SHA256 of the body, hex, `sha256=` prefix",
        documentation: "https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries",
        key: Secret,
        tolerance: None,
        build: header(body_hmac("X-Hub-Signature-256", Some("sha256="), Encoding::Hex, Algorithm::Sha256), SHA256),
    }

    /// GitHub's legacy `X-Hub-Signature: sha1=<hex>`, the HMAC-SHA1 of the raw body.
    ///
    /// GitHub sends it beside `X-Hub-Signature-256` for old integrations; use
    /// [`Scheme::github`] unless the sender signs with SHA-1 alone. Never a fallback.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use hookverify_core::Verifier;
    ///
    /// // From Octokit's v4 tests (`@octokit/webhooks-methods`).
    /// let verifier = Verifier::github_sha1("mysecret")?;
    /// let headers = [("X-Hub-Signature", "sha1=640c0ea7402a3f74e1767338fa2dba243b1f2d9c")];
    /// verifier.verify(&headers, b"{\n  \"foo\": \"bar\"\n}\n", SystemTime::now())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    github_sha1: "github-sha1" {
        headers: ["X-Hub-Signature"],
        signed: "HMAC-SHA1 of the body, hex, `sha1=` prefix",
        documentation: "https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers",
        key: Secret,
        tolerance: None,
        build: header(body_hmac("X-Hub-Signature", Some("sha1="), Encoding::Hex, Algorithm::Sha1), SHA1),
    }

    /// Meta (Facebook, Instagram, WhatsApp): `X-Hub-Signature-256: sha256=<hex>`, the
    /// HMAC-SHA256 of the raw body with the App Secret. No timestamp.
    ///
    /// Meta signs the body as sent, with non-ASCII characters escaped (`\u00e4`): verify the raw
    /// bytes, never re-serialized JSON.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use hookverify_core::Verifier;
    ///
    /// // Computed with Python's hmac (Meta publishes no vector).
    /// let verifier = Verifier::meta("meta-app-secret")?;
    /// let headers = [("X-Hub-Signature-256", "sha256=5dcb51eb590634700c8d9cc1fde4d2d5981ca7bb83f250eb3fb71bfd849057ed")];
    /// verifier.verify(&headers, br#"{"object":"page","entry":[]}"#, SystemTime::now())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    meta: "meta" {
        headers: ["X-Hub-Signature-256"],
        signed: "HMAC-SHA256 of the body, hex, `sha256=` prefix",
        documentation: "https://developers.facebook.com/docs/graph-api/webhooks/getting-started#validate-payloads",
        key: Secret,
        tolerance: None,
        handshakes: [MetaSubscription],
        build: header(body_hmac("X-Hub-Signature-256", Some("sha256="), Encoding::Hex, Algorithm::Sha256), SHA256),
    }

    /// Bitbucket Cloud: `X-Hub-Signature: sha256=<hex>` (the name GitHub gives its SHA-1
    /// header), the HMAC-SHA256 of the raw body. No timestamp.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use hookverify_core::Verifier;
    ///
    /// // Computed with Python's hmac (Bitbucket publishes no vector).
    /// let verifier = Verifier::bitbucket("bitbucket-secret")?;
    /// let headers = [("X-Hub-Signature", "sha256=c02e5467aa6465bb22d727686e46e73e8605e0235852d3255de5ba656eb55a48")];
    /// verifier.verify(&headers, br#"{"push":{}}"#, SystemTime::now())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    bitbucket: "bitbucket" {
        headers: ["X-Hub-Signature"],
        signed: "HMAC-SHA256 of the body, hex, `sha256=` prefix",
        documentation: "https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/#Secure-webhooks",
        key: Secret,
        tolerance: None,
        build: header(body_hmac("X-Hub-Signature", Some("sha256="), Encoding::Hex, Algorithm::Sha256), SHA256),
    }

    /// Intercom: `X-Hub-Signature: sha1=<hex>`, the HMAC-SHA1 of the raw body with the app's
    /// client secret. No timestamp.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use hookverify_core::Verifier;
    ///
    /// // Computed with Python's hmac (Intercom's doc example has no secret).
    /// let verifier = Verifier::intercom("intercom-client-secret")?;
    /// let headers = [("X-Hub-Signature", "sha1=941ff7fcd8244a68faffd37016f6a1ee9566549f")];
    /// verifier.verify(&headers, br#"{"type":"notification_event"}"#, SystemTime::now())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    intercom: "intercom" {
        headers: ["X-Hub-Signature"],
        signed: "HMAC-SHA1 of the body, hex, `sha1=` prefix",
        documentation: "https://developers.intercom.com/docs/references/webhooks/webhook-models#signed-notifications",
        key: Secret,
        tolerance: None,
        build: header(body_hmac("X-Hub-Signature", Some("sha1="), Encoding::Hex, Algorithm::Sha1), SHA1),
    }

    /// Shopify: `X-Shopify-Hmac-Sha256: <base64>` (or, for event deliveries,
    /// `shopify-hmac-sha256`), the HMAC-SHA256 of the raw body with the app's client secret. No
    /// timestamp.
    ///
    /// Base64 is compared as decoded bytes: padding is optional, the alphabet is the standard
    /// one. Shopify's Node SDK compares the text; Shopify's Ruby SDK decodes leniently.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use hookverify_core::Verifier;
    ///
    /// // From the tests of Shopify's Node SDK (`@shopify/shopify-api`).
    /// let verifier = Verifier::shopify("test_secret_key")?;
    /// let headers = [("X-Shopify-Hmac-Sha256", "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=")];
    /// verifier.verify(&headers, br#"{"foo": "bar"}"#, SystemTime::now())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    shopify: "shopify" {
        headers: ["X-Shopify-Hmac-Sha256"],
        signed: "HMAC-SHA256 of the body, base64",
        documentation: "https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook",
        key: Secret,
        tolerance: None,
        build: header(
            body_hmac("X-Shopify-Hmac-Sha256", None, Encoding::Base64, Algorithm::Sha256)
                .alternate("shopify-hmac-sha256"),
            SHA256,
        ),
    }

    /// Linear: `Linear-Signature: <hex>`, the HMAC-SHA256 of the raw body, which carries the
    /// signed timestamp as its `webhookTimestamp` field (milliseconds); 60 s tolerance.
    ///
    /// As in Linear's SDK (`@linear/sdk` 98, `LinearWebhookClient.verify`), the
    /// `Linear-Timestamp` header is never trusted (it is not signed), and a delivery is fresh
    /// when its field is at most 60 s from the clock either way, 60 s included. Differences: the
    /// SDK compares the hex as lower-case text and takes any finite JSON number; here hex is
    /// compared as decoded bytes and the field must be a JSON integer. The body is read to its
    /// end before the timestamp is known, so stale deliveries are refused after the body, not
    /// before.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::Verifier;
    ///
    /// // Computed with Python's hmac and checked with `@linear/sdk` 98.
    /// let verifier = Verifier::linear("linear-secret")?;
    /// let body = br#"{"action":"create","type":"Issue","webhookTimestamp":1700000000000}"#;
    /// let headers = [("Linear-Signature", "dce44a207f5fce3f94aa94df5f454faaf0b98fe3d6387dd9d79580de5a76024d")];
    /// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_030);
    /// let verified = verifier.verify(&headers, body, now)?;
    /// assert_eq!(verified.timestamp(), Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)));
    /// assert!(verifier.verify(&headers, body, now + Duration::from_secs(60)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    linear: "linear" {
        headers: ["Linear-Signature"],
        signed: "HMAC-SHA256 of the body, hex; timestamp in the body's `webhookTimestamp` (ms)",
        documentation: "https://linear.app/developers/webhooks#securing-webhooks",
        key: Secret,
        tolerance: Some(Tolerance::inclusive(60)),
        build: header(
            body_hmac("Linear-Signature", None, Encoding::Hex, Algorithm::Sha256).linear_body_timestamp(),
            SHA256,
        ),
    }

    /// Typeform: `Typeform-Signature: sha256=<base64>`, the HMAC-SHA256 of the raw body with
    /// the webhook's secret. No timestamp.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use hookverify_core::Verifier;
    ///
    /// // Computed with Python's hmac (Typeform publishes no vector).
    /// let verifier = Verifier::typeform("typeform-secret")?;
    /// let headers = [("Typeform-Signature", "sha256=ccOJ1IxNlv5QQl8sn1KA38fn+VH1wMJR9b1DGamNjBs=")];
    /// verifier.verify(&headers, br#"{"event_type":"form_response"}"#, SystemTime::now())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    typeform: "typeform" {
        headers: ["Typeform-Signature"],
        signed: "HMAC-SHA256 of the body, base64, `sha256=` prefix",
        documentation: "https://www.typeform.com/developers/webhooks/secure-your-webhooks/",
        key: Secret,
        tolerance: None,
        build: header(body_hmac("Typeform-Signature", Some("sha256="), Encoding::Base64, Algorithm::Sha256), SHA256),
    }

    /// Sentry integrations: `Sentry-Hook-Signature: <hex>`, the HMAC-SHA256 of the raw body with
    /// the integration's client secret.
    ///
    /// Sentry also sends `Sentry-Hook-Timestamp`, but does not sign it (its server's
    /// `build_signature` covers the body alone), so it proves nothing and is not checked.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use hookverify_core::Verifier;
    ///
    /// // Computed with Python's hmac (Sentry publishes no vector).
    /// let verifier = Verifier::sentry("sentry-client-secret")?;
    /// let headers = [("Sentry-Hook-Signature", "9b05c6b98d963e915adee9a9a31112772be0463d294ca2a810c12adc468d8822")];
    /// verifier.verify(&headers, br#"{"action":"created"}"#, SystemTime::now())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    sentry: "sentry" {
        headers: ["Sentry-Hook-Signature"],
        signed: "HMAC-SHA256 of the body, hex",
        documentation: "https://docs.sentry.io/organization/integrations/integration-platform/webhooks/#verifying-the-signature",
        key: Secret,
        tolerance: None,
        build: header(body_hmac("Sentry-Hook-Signature", None, Encoding::Hex, Algorithm::Sha256), SHA256),
    }

    /// Vercel: `x-vercel-signature: <hex>`, the HMAC-SHA1 of the raw body with the webhook's
    /// (or integration's, or drain's) secret. No timestamp.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use hookverify_core::Verifier;
    ///
    /// // Computed with Python's hmac (Vercel publishes no vector).
    /// let verifier = Verifier::vercel("vercel-secret")?;
    /// let headers = [("x-vercel-signature", "ec51e0e799e1ebd777f817c1e080c589db8f6463")];
    /// verifier.verify(&headers, br#"{"type":"deployment.created"}"#, SystemTime::now())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    vercel: "vercel" {
        headers: ["x-vercel-signature"],
        signed: "HMAC-SHA1 of the body, hex",
        documentation: "https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks",
        key: Secret,
        tolerance: None,
        build: header(body_hmac("x-vercel-signature", None, Encoding::Hex, Algorithm::Sha1), SHA1),
    }

    /// Dropbox: `X-Dropbox-Signature: <hex>`, the HMAC-SHA256 of the raw body with the app
    /// secret. No timestamp.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use hookverify_core::Verifier;
    ///
    /// // From the tests of hapi-dropbox-webhooks (third-party; Dropbox publishes none).
    /// let verifier = Verifier::dropbox("the_secret")?;
    /// let headers = [("X-Dropbox-Signature", "0a8c16b085420b960dc78664279fe09e936a2a01b1f91064869d9e77dfd64529")];
    /// verifier.verify(&headers, br#"{"delta": {"users": [12345]}}"#, SystemTime::now())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    dropbox: "dropbox" {
        headers: ["X-Dropbox-Signature"],
        signed: "HMAC-SHA256 of the body, hex",
        documentation: "https://www.dropbox.com/developers/reference/webhooks#notifications",
        key: Secret,
        tolerance: None,
        handshakes: [DropboxChallenge],
        build: header(body_hmac("X-Dropbox-Signature", None, Encoding::Hex, Algorithm::Sha256), SHA256),
    }

    /// Xero: `x-xero-signature: <base64>`, the HMAC-SHA256 of the raw body with the webhooks
    /// key (used as text, although it looks like base64). No timestamp.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use hookverify_core::Verifier;
    ///
    /// // Xero's "intent to receive" body, signed with Python's hmac (Xero publishes no vector).
    /// let verifier = Verifier::xero("xero-webhooks-key")?;
    /// let body = br#"{"events":[],"lastEventSequence":0,"firstEventSequence":0,"entropy":"S0m3r4Nd0mt3xt"}"#;
    /// let headers = [("x-xero-signature", "6w0ci/vmVUXkSg4rG0tKcJiagYRDCV9xjOXqZv5I0jw=")];
    /// verifier.verify(&headers, body, SystemTime::now())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    xero: "xero" {
        headers: ["x-xero-signature"],
        signed: "HMAC-SHA256 of the body, base64",
        documentation: "https://developer.xero.com/documentation/guides/webhooks/configuring-your-server/",
        key: Secret,
        tolerance: None,
        build: header(body_hmac("x-xero-signature", None, Encoding::Base64, Algorithm::Sha256), SHA256),
    }

    /// Slack: `X-Slack-Signature: v0=<hex>` over `v0:{X-Slack-Request-Timestamp}:{body}`,
    /// HMAC-SHA256 with the signing secret; 300 s tolerance, inclusive, in both directions
    /// (as `slack_sdk`; Bolt JS takes any future timestamp).
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::Verifier;
    ///
    /// // Slack's documented example (also in slack_sdk's tests).
    /// let verifier = Verifier::slack("8f742231b10e8888abcd99yyyzzz85a5")?;
    /// let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    /// let headers = [
    ///     ("X-Slack-Request-Timestamp", "1531420618"),
    ///     ("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"),
    /// ];
    /// verifier.verify(&headers, body, UNIX_EPOCH + Duration::from_secs(1_531_420_618))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    slack: "slack" {
        headers: ["X-Slack-Signature", "X-Slack-Request-Timestamp"],
        signed: "HMAC-SHA256 of `v0:{timestamp}:{body}`, hex, `v0=` prefix",
        documentation: "https://docs.slack.dev/authentication/verifying-requests-from-slack/",
        key: Secret,
        tolerance: Some(Tolerance::inclusive(300)),
        handshakes: [SlackUrlVerification],
        build: header(
            body_hmac("X-Slack-Signature", Some("v0="), Encoding::Hex, Algorithm::Sha256)
                .timestamp("X-Slack-Request-Timestamp", TimestampFormat::UnixSeconds)
                .content([literal(b"v0:"), Piece::Timestamp, literal(b":")], []),
            SHA256,
        ),
    }

    /// Zoom: `x-zm-signature: v0=<hex>` over `v0:{x-zm-request-timestamp}:{body}`, HMAC-SHA256
    /// with the app's secret token; 300 s tolerance.
    ///
    /// Zoom's SDK (`@zoom/rivet` 0.4) checks no timestamp at all, compares the signature as
    /// text with `===`, and hashes the body re-serialized by `JSON.stringify`; Zoom sends compact
    /// JSON, so the raw bytes are what it signed. Here a timestamp five minutes off is refused,
    /// the raw bytes are verified, and the comparison is constant-time.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::Verifier;
    ///
    /// // Computed with Python's hmac (Zoom publishes no vector).
    /// let verifier = Verifier::zoom("zoom_secret_token")?;
    /// let headers = [
    ///     ("x-zm-request-timestamp", "1700000000"),
    ///     ("x-zm-signature", "v0=4deeff0e090b0b04feb5548e0a13a9274ed24a54dd7a9ba7a91a116514bec6a6"),
    /// ];
    /// let body = br#"{"event":"meeting.started","payload":{}}"#;
    /// verifier.verify(&headers, body, UNIX_EPOCH + Duration::from_secs(1_700_000_000))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    zoom: "zoom" {
        headers: ["x-zm-signature", "x-zm-request-timestamp"],
        signed: "HMAC-SHA256 of `v0:{timestamp}:{body}`, hex, `v0=` prefix",
        documentation: "https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events",
        key: Secret,
        tolerance: Some(Tolerance::inclusive(300)),
        handshakes: [ZoomUrlValidation],
        build: header(
            body_hmac("x-zm-signature", Some("v0="), Encoding::Hex, Algorithm::Sha256)
                .timestamp("x-zm-request-timestamp", TimestampFormat::UnixSeconds)
                .content([literal(b"v0:"), Piece::Timestamp, literal(b":")], []),
            SHA256,
        ),
    }

    /// Calendly: `Calendly-Webhook-Signature: t=<unix>,v1=<hex>` over `{t}.{body}`, HMAC-SHA256
    /// with the webhook signing key; 180 s tolerance, as Calendly's sample code.
    ///
    /// The sample code takes the last `t` and `v1` and any future timestamp; here a repeated
    /// `t` is an error, every `v1` is a candidate, and the tolerance holds both ways.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::Verifier;
    ///
    /// // Computed with Python's hmac (Calendly publishes no vector).
    /// let verifier = Verifier::calendly("calendly_signing_key")?;
    /// let headers = [("Calendly-Webhook-Signature", "t=1700000000,v1=7c7e325be658164dc380d838840ca9f061137cfceeeb8eb8554524cb38913971")];
    /// let body = br#"{"event":"invitee.created"}"#;
    /// verifier.verify(&headers, body, UNIX_EPOCH + Duration::from_secs(1_700_000_180))?;
    /// assert!(verifier.verify(&headers, body, UNIX_EPOCH + Duration::from_secs(1_700_000_181)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    calendly: "calendly" {
        headers: ["Calendly-Webhook-Signature"],
        signed: "HMAC-SHA256 of `{t}.{body}`, hex, in `t=…,v1=…`",
        documentation: "https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures",
        key: Secret,
        tolerance: Some(Tolerance::inclusive(180)),
        build: (Families::KeyedList(KeyedList::stripe("Calendly-Webhook-Signature")), SHA256),
    }

    /// Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=…]` over `{ts}:{body}`,
    /// HMAC-SHA256 with the endpoint's secret key (`pdl_ntfset_…`, used as-is); 5 s tolerance,
    /// as Paddle's SDKs.
    ///
    /// Any `h1` may match (as paddle-python; paddle-node checks the last); unknown keys such as
    /// `h2` are ignored (as paddle-node; paddle-python raises); the tolerance holds both ways
    /// (as paddle-python; paddle-node takes any future timestamp).
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::Verifier;
    ///
    /// // From the tests of paddle-node-sdk.
    /// let verifier = Verifier::paddle("VALID_SECRET")?;
    /// let headers = [("Paddle-Signature", "ts=1698796800;h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9")];
    /// let body = br#"{"data": ["1", "2"]}"#;
    /// verifier.verify(&headers, body, UNIX_EPOCH + Duration::from_secs(1_698_796_805))?;
    /// assert!(verifier.verify(&headers, body, UNIX_EPOCH + Duration::from_secs(1_698_796_806)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    paddle: "paddle" {
        headers: ["Paddle-Signature"],
        signed: "HMAC-SHA256 of `{ts}:{body}`, hex, in `ts=…;h1=…`",
        documentation: "https://developer.paddle.com/webhooks/signature-verification",
        key: Secret,
        tolerance: Some(Tolerance::inclusive(5)),
        build: (Families::KeyedList(KeyedList::paddle()), SHA256),
    }

    /// Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=<hex>` over the message id,
    /// the RFC 3339 timestamp and the body, concatenated; 10 minutes' tolerance, as Twitch
    /// advises. The message id is [`Verified::id`](crate::Verified::id), for Twitch's
    /// de-duplication.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::Verifier;
    ///
    /// // Computed with Python's hmac over Twitch's documented example message.
    /// let verifier = Verifier::twitch("s3cRe7-s3cRe7")?;
    /// let headers = [
    ///     ("Twitch-Eventsub-Message-Id", "e76c6bd4-55c9-4987-8304-da1588d8988b"),
    ///     ("Twitch-Eventsub-Message-Timestamp", "2019-11-16T10:11:12.634234626Z"),
    ///     ("Twitch-Eventsub-Message-Signature", "sha256=39af85523530cb27e7f4c56c06681faf7c5d5324e6e8c8be6cd818b629a63be7"),
    /// ];
    /// let body = br#"{"challenge":"pogchamp-kappa-360noscope-vohiyo"}"#;
    /// let verified = verifier.verify(&headers, body, UNIX_EPOCH + Duration::from_secs(1_573_899_100))?;
    /// assert_eq!(verified.id(), Some("e76c6bd4-55c9-4987-8304-da1588d8988b"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    twitch: "twitch" {
        headers: ["Twitch-Eventsub-Message-Signature", "Twitch-Eventsub-Message-Id", "Twitch-Eventsub-Message-Timestamp"],
        signed: "HMAC-SHA256 of `{id}{timestamp}{body}`, hex, `sha256=` prefix; RFC 3339 timestamp",
        documentation: "https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#verifying-the-event-message",
        key: Secret,
        tolerance: Some(Tolerance::inclusive(600)),
        handshakes: [TwitchCallbackVerification],
        build: header(
            body_hmac("Twitch-Eventsub-Message-Signature", Some("sha256="), Encoding::Hex, Algorithm::Sha256)
                .id("Twitch-Eventsub-Message-Id")
                .timestamp("Twitch-Eventsub-Message-Timestamp", TimestampFormat::Rfc3339)
                .content([Piece::Id, Piece::Timestamp], []),
            SHA256,
        ),
    }

    /// Zendesk: `X-Zendesk-Webhook-Signature: <base64>` over the ISO 8601 timestamp of
    /// `X-Zendesk-Webhook-Signature-Timestamp` followed by the body, HMAC-SHA256 with the
    /// signing secret (as text); 300 s tolerance.
    ///
    /// Zendesk documents no tolerance; five minutes either way is hookverify's. An older copy of
    /// Zendesk's page signs body then timestamp, and its example verifies only that way; the
    /// current page (followed here) signs timestamp then body.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::Verifier;
    ///
    /// // Computed with Python's hmac with the secret of Zendesk's current example.
    /// let verifier = Verifier::zendesk("dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==")?;
    /// let headers = [
    ///     ("X-Zendesk-Webhook-Signature-Timestamp", "2021-07-25T10:00:00Z"),
    ///     ("X-Zendesk-Webhook-Signature", "gf3v0LzLRHPUnIdhbvwRDVEvzSb07/QN0GYjSNlkBT0="),
    /// ];
    /// verifier.verify(&headers, br#"{"say": "hello"}"#, UNIX_EPOCH + Duration::from_secs(1_627_207_200))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    zendesk: "zendesk" {
        headers: ["X-Zendesk-Webhook-Signature", "X-Zendesk-Webhook-Signature-Timestamp"],
        signed: "HMAC-SHA256 of `{timestamp}{body}`, base64; ISO 8601 timestamp",
        documentation: "https://developer.zendesk.com/documentation/webhooks/verifying/",
        key: Secret,
        tolerance: Some(Tolerance::inclusive(300)),
        build: header(
            body_hmac("X-Zendesk-Webhook-Signature", None, Encoding::Base64, Algorithm::Sha256)
                .timestamp("X-Zendesk-Webhook-Signature-Timestamp", TimestampFormat::Rfc3339)
                .content([Piece::Timestamp], []),
            SHA256,
        ),
    }

    /// Box: `BOX-SIGNATURE-PRIMARY` and `BOX-SIGNATURE-SECONDARY`, base64 HMAC-SHA256 of the
    /// body followed by `BOX-DELIVERY-TIMESTAMP`; give the primary key first and the secondary
    /// second. 10 minutes' tolerance.
    ///
    /// Box's SDKs refuse any timestamp ahead of the clock; here the tolerance holds both ways,
    /// since a clock a second behind Box's would refuse every delivery. Like the SDKs, a body
    /// with non-ASCII characters or slashes is also tried in the escaped form Box signs.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::{Scheme, Verifier};
    ///
    /// // From the tests of Box's TypeScript SDK.
    /// let verifier = Verifier::builder(Scheme::box_com())
    ///     .secret("SamplePrimaryKey")
    ///     .secret("SampleSecondaryKey")
    ///     .build()?;
    /// let body = br#"{"type":"webhook_event","webhook":{"id":"1234567890"},"trigger":"FILE.UPLOADED","source":{"id":"1234567890","type":"file","name":"Test.txt"}}"#;
    /// let headers = [
    ///     ("box-delivery-timestamp", "2020-01-01T00:00:00-07:00"),
    ///     ("box-signature-algorithm", "HmacSHA256"),
    ///     ("box-signature-version", "1"),
    ///     ("box-signature-primary", "6TfeAW3A1PASkgboxxA5yqHNKOwFyMWuEXny/FPD5hI="),
    ///     ("box-signature-secondary", "v+1CD1Jdo3muIcbpv5lxxgPglOqMfsNHPV899xWYydo="),
    /// ];
    /// let now = UNIX_EPOCH + Duration::from_secs(1_577_862_000);
    /// assert_eq!(verifier.verify(&headers, body, now)?.secret_index(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    box_com: "box" {
        headers: ["BOX-SIGNATURE-PRIMARY", "BOX-SIGNATURE-SECONDARY", "BOX-DELIVERY-TIMESTAMP", "BOX-SIGNATURE-VERSION", "BOX-SIGNATURE-ALGORITHM"],
        signed: "HMAC-SHA256 of `{body}{timestamp}`, base64, with the primary and secondary keys",
        documentation: "https://developer.box.com/guides/webhooks/v2/signatures-v2/",
        key: Secret,
        tolerance: Some(Tolerance::inclusive(600)),
        build: (Families::Box(BoxSignatures::new()), SHA256),
    }

    /// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]` over `{t}.{body}`,
    /// HMAC-SHA256 with the endpoint secret (`whsec_…`, used as-is); 300 s tolerance.
    ///
    /// Every `v1` entry is a candidate (Stripe sends one per active secret while rolling); `v0`
    /// and unknown keys are ignored. Stripe's SDKs take any future timestamp; here the
    /// tolerance holds both ways.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::Verifier;
    ///
    /// // Signed with Stripe's Python SDK (`stripe.WebhookSignature`).
    /// let verifier = Verifier::stripe("whsec_plJ3nmyCDGBKInavdOK15jsl1qB2cN9A")?;
    /// let headers = [("Stripe-Signature", "t=1700000000,v1=3260b97133978be93ed9d90fde352d2a48301903cc82670953e79caad99bdb30")];
    /// let body = include_bytes!("../../tests/data/stripe-013.body");
    /// verifier.verify(&headers, body, UNIX_EPOCH + Duration::from_secs(1_700_000_010))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    stripe: "stripe" {
        headers: ["Stripe-Signature"],
        signed: "HMAC-SHA256 of `{t}.{body}`, hex, in `t=…,v1=…`",
        documentation: "https://docs.stripe.com/webhooks#verify-manually",
        key: Secret,
        tolerance: Some(Tolerance::inclusive(300)),
        build: (Families::KeyedList(KeyedList::stripe("Stripe-Signature")), SHA256),
    }

    /// Standard Webhooks: `webhook-id`, `webhook-timestamp` and
    /// `webhook-signature: v1,<base64> [v1a,<base64> …]` over `{id}.{timestamp}.{body}`; the
    /// `svix-` spellings are read when the `webhook-` ones are absent; 300 s tolerance.
    ///
    /// Secrets are `whsec_<base64>` and the HMAC key is the decoded bytes; `v1a` entries
    /// (Ed25519) are checked with `whpk_` public keys given to
    /// [`VerifierBuilder::public_key`](crate::VerifierBuilder::public_key), with the `ed25519`
    /// feature. The message id is [`Verified::id`](crate::Verified::id).
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::Verifier;
    ///
    /// // The vector of every Standard Webhooks library's tests.
    /// let verifier = Verifier::standard_webhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    /// let headers = [
    ///     ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
    ///     ("webhook-timestamp", "1614265330"),
    ///     ("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
    /// ];
    /// let verified = verifier.verify(&headers, br#"{"test": 2432232314}"#, UNIX_EPOCH + Duration::from_secs(1_614_265_330))?;
    /// assert_eq!(verified.id(), Some("msg_p5jXN8AQM9LWM0D4loKWxJek"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    standard_webhooks: "standard-webhooks" or "standard" {
        headers: ["webhook-id", "webhook-timestamp", "webhook-signature"],
        signed: "HMAC-SHA256 (`v1`) or Ed25519 (`v1a`) of `{id}.{timestamp}.{body}`, base64",
        documentation: "https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md",
        key: Secret,
        tolerance: Some(Tolerance::inclusive(300)),
        build: (Families::StandardWebhooks(StandardWebhooks::new("webhook", Some("svix"))), SHA256),
    }

    /// Svix: Standard Webhooks under Svix's header names (`svix-id`, `svix-timestamp`,
    /// `svix-signature`), and the `webhook-` ones of white-labelled accounts when those are
    /// absent; 300 s tolerance.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::Verifier;
    ///
    /// // The vector of Svix's docs and libraries.
    /// let verifier = Verifier::svix("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    /// let headers = [
    ///     ("svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
    ///     ("svix-timestamp", "1614265330"),
    ///     ("svix-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
    /// ];
    /// verifier.verify(&headers, br#"{"test": 2432232314}"#, UNIX_EPOCH + Duration::from_secs(1_614_265_330))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    svix: "svix" {
        headers: ["svix-id", "svix-timestamp", "svix-signature"],
        signed: "HMAC-SHA256 of `{id}.{timestamp}.{body}`, base64, in `v1,…`",
        documentation: "https://docs.svix.com/receiving/verifying-payloads/how-manual",
        key: Secret,
        tolerance: Some(Tolerance::inclusive(300)),
        build: (Families::StandardWebhooks(StandardWebhooks::new("svix", Some("webhook"))), SHA256),
    }

    /// GitLab's secret token: `X-Gitlab-Token` carries the token itself, compared in constant
    /// time. Nothing is signed and there is no timestamp: prefer
    /// [`Scheme::gitlab_signing_token`] where GitLab offers it.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use hookverify_core::Verifier;
    ///
    /// let verifier = Verifier::gitlab("my-secret-token")?;
    /// let headers = [("X-Gitlab-Token", "my-secret-token"), ("X-Gitlab-Event", "Push Hook")];
    /// verifier.verify(&headers, b"{}", SystemTime::now())?;
    /// assert!(verifier.verify(&[("X-Gitlab-Token", "My-secret-token")], b"{}", SystemTime::now()).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    gitlab: "gitlab" {
        headers: ["X-Gitlab-Token"],
        signed: "nothing: the shared token itself, compared in constant time",
        documentation: "https://docs.gitlab.com/user/project/integrations/webhooks/#secret-token",
        key: Secret,
        tolerance: None,
        build: (Families::Token(Token::new("X-Gitlab-Token")), Primitive::Token),
    }

    /// GitLab's signing tokens (GitLab 19.0 and later): Standard Webhooks under the `webhook-`
    /// names only, with a `whsec_` token encoding 32 bytes; 300 s tolerance (GitLab asks only
    /// that the timestamp be recent).
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::Verifier;
    ///
    /// // Computed with Python's hmac with the token of GitLab's API example.
    /// let verifier = Verifier::gitlab_signing_token("whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHRlc3Q=")?;
    /// let headers = [
    ///     ("webhook-id", "f5e5f430-f57b-4e6e-9fac-d9128cd7232f"),
    ///     ("webhook-timestamp", "1744578123"),
    ///     ("webhook-signature", "v1,Q/Xs0AQwFCrSU+Jqzp4d4uGCI2fQlx3ls7vaEn5SqGY="),
    /// ];
    /// verifier.verify(&headers, br#"{"object_kind":"push"}"#, UNIX_EPOCH + Duration::from_secs(1_744_578_123))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    gitlab_signing_token: "gitlab-signing-token" {
        headers: ["webhook-id", "webhook-timestamp", "webhook-signature"],
        signed: "HMAC-SHA256 of `{id}.{timestamp}.{body}`, base64, in `v1,…`",
        documentation: "https://docs.gitlab.com/user/project/integrations/webhooks/#signing-tokens",
        key: Secret,
        tolerance: Some(Tolerance::inclusive(300)),
        build: (Families::StandardWebhooks(StandardWebhooks::new("webhook", None)), SHA256),
    }

    /// Square: `x-square-hmacsha256-signature: <base64>`, the HMAC-SHA256 of the notification
    /// URL followed by the body, with the subscription's signature key. No timestamp.
    ///
    /// The URL must be the one configured in Square's console, byte for byte: give the verifier
    /// [`PublicUrl::exact`](crate::PublicUrl::exact) of it (or an origin, which the adapters
    /// complete with the path and query as received), never `Host`.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use hookverify_core::{Request, Verifier};
    ///
    /// // From the tests of Square's SDKs.
    /// let verifier = Verifier::square("Ibxx_5AKakO-3qeNVR61Dw")?;
    /// let headers = [("x-square-hmacsha256-signature", "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=")];
    /// let body = br#"{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}"#;
    /// let request = Request::new(&headers[..])
    ///     .method("POST")
    ///     .url("https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9");
    /// verifier.verify(request, body, SystemTime::now())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    square: "square" {
        headers: ["x-square-hmacsha256-signature"],
        signed: "HMAC-SHA256 of `{url}{body}`, base64",
        documentation: "https://developer.squareup.com/docs/webhooks/step3validate",
        key: Secret,
        tolerance: None,
        build: header(
            body_hmac("x-square-hmacsha256-signature", None, Encoding::Base64, Algorithm::Sha256)
                .content([Piece::Url], []),
            SHA256,
        ),
    }

    /// Twilio: `X-Twilio-Signature: <base64>`, the HMAC-SHA1 (keyed with the Auth Token) of the
    /// URL Twilio called followed by the body's form parameters, sorted by name, each name
    /// followed by its value. No timestamp.
    ///
    /// As twilio-python and twilio-node: a repeated parameter is written once per value, values
    /// sorted and duplicates dropped; the URL is tried with any port removed and with the
    /// default port added when it has none; a URL whose query holds `bodySHA256` signs the URL
    /// alone and the body's SHA-256 must equal that parameter (Twilio's JSON requests); with
    /// `X-Twilio-Webhooks-Signature-Settings: …,algorithm=HMAC_SHA256` (Twilio's shared keys)
    /// the HMAC is SHA-256 with the shared key's secret. Unlike twilio-node, the URL is never
    /// re-encoded through a URL parser for a looser second match. A mismatch names the URL used.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use hookverify_core::{Request, Verifier};
    ///
    /// // From the tests of twilio-python and twilio-node.
    /// let verifier = Verifier::twilio("12345")?;
    /// let headers = [("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")];
    /// let body = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
    /// let request = Request::new(&headers[..])
    ///     .method("POST")
    ///     .url("https://mycompany.com/myapp.php?foo=1&bar=2");
    /// verifier.verify(request, body, SystemTime::now())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    twilio: "twilio" {
        headers: ["X-Twilio-Signature", "X-Twilio-Webhooks-Signature-Settings"],
        signed: "HMAC-SHA1 (or SHA-256 with shared keys) of the URL and the sorted form parameters, base64",
        documentation: "https://www.twilio.com/docs/usage/webhooks/webhooks-security",
        key: Secret,
        tolerance: None,
        build: (Families::Twilio(Twilio::new()), Primitive::HmacSha1OrSha256),
    }

    /// HubSpot's v1 signatures: `X-HubSpot-Signature: <hex>` with
    /// `X-HubSpot-Signature-Version: v1`, the plain SHA-256 (not an HMAC) of the client secret
    /// followed by the body. No timestamp.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use hookverify_core::Verifier;
    ///
    /// // HubSpot's documented example.
    /// let verifier = Verifier::hubspot_v1("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy")?;
    /// let headers = [
    ///     ("X-HubSpot-Signature-Version", "v1"),
    ///     ("X-HubSpot-Signature", "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de"),
    /// ];
    /// let body = br#"[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]"#;
    /// verifier.verify(&headers, body, SystemTime::now())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    hubspot_v1: "hubspot-v1" {
        headers: ["X-HubSpot-Signature", "X-HubSpot-Signature-Version"],
        signed: "SHA-256 of `{secret}{body}`, hex",
        documentation: "https://developers.hubspot.com/docs/faq/v1-request-validation",
        key: Secret,
        tolerance: None,
        build: header(
            Header::new("X-HubSpot-Signature", Encoding::Hex, 32).version("X-HubSpot-Signature-Version", "v1"),
            Primitive::PrefixedSha256,
        ),
    }

    /// HubSpot's v2 signatures: `X-HubSpot-Signature: <hex>` with
    /// `X-HubSpot-Signature-Version: v2`, the plain SHA-256 of the client secret, the method,
    /// the full URL and the body. No timestamp.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use hookverify_core::{Request, Verifier};
    ///
    /// // HubSpot's documented example.
    /// let verifier = Verifier::hubspot_v2("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy")?;
    /// let headers = [
    ///     ("X-HubSpot-Signature-Version", "v2"),
    ///     ("X-HubSpot-Signature", "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e"),
    /// ];
    /// let request = Request::new(&headers[..]).method("GET").url("https://www.example.com/webhook_uri");
    /// verifier.verify(request, b"", SystemTime::now())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    hubspot_v2: "hubspot-v2" {
        headers: ["X-HubSpot-Signature", "X-HubSpot-Signature-Version"],
        signed: "SHA-256 of `{secret}{method}{url}{body}`, hex",
        documentation: "https://developers.hubspot.com/docs/faq/v2-request-validation",
        key: Secret,
        tolerance: None,
        build: header(
            Header::new("X-HubSpot-Signature", Encoding::Hex, 32)
                .version("X-HubSpot-Signature-Version", "v2")
                .content([Piece::Method, Piece::Url], []),
            Primitive::PrefixedSha256,
        ),
    }

    /// HubSpot's v3 signatures: `X-HubSpot-Signature-v3: <base64>`, the HMAC-SHA256 (keyed
    /// with the client secret) of the method, the URL (with the escapes HubSpot lists decoded),
    /// the body and `X-HubSpot-Request-Timestamp` (milliseconds); refused from five minutes old,
    /// exclusive, as HubSpot's Python SDK.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::{Request, Verifier};
    ///
    /// // Computed with Python's hmac over HubSpot's documented example request.
    /// let verifier = Verifier::hubspot_v3("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy")?;
    /// let headers = [
    ///     ("X-HubSpot-Request-Timestamp", "1693657560000"),
    ///     ("X-HubSpot-Signature-v3", "oaA3M5dEtt6kFsseJD/Hv/x+JNl1vsoxFj4oxmwP6Go="),
    /// ];
    /// let request = Request::new(&headers[..]).method("POST").url("https://www.example.com/webhook_uri");
    /// let now = UNIX_EPOCH + Duration::from_secs(1_693_657_560);
    /// verifier.verify(request, br#"{"example_field":"example_value"}"#, now)?;
    /// assert!(verifier.verify(request, br#"{"example_field":"example_value"}"#, now + Duration::from_secs(300)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    hubspot_v3: "hubspot-v3" {
        headers: ["X-HubSpot-Signature-v3", "X-HubSpot-Request-Timestamp"],
        signed: "HMAC-SHA256 of `{method}{url}{body}{timestamp}`, base64; timestamp in ms",
        documentation: "https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation",
        key: Secret,
        tolerance: Some(Tolerance::exclusive(300)),
        build: header(
            Header::new("X-HubSpot-Signature-v3", Encoding::Base64, 32)
                .timestamp("X-HubSpot-Request-Timestamp", TimestampFormat::UnixMillis)
                .content([Piece::Method, Piece::HubSpotUrl], [Piece::Timestamp]),
            SHA256,
        ),
    }

    /// Mailgun: the signature is in the body (`signature.{timestamp, token, signature}` of a
    /// webhook's JSON, or the fields of a route's form), the hex HMAC-SHA256 of the timestamp
    /// and the token with the webhook signing key; 15 minutes' tolerance either way, as
    /// Mailgun's Python SDK. The token is [`Verified::id`](crate::Verified::id): refuse a token
    /// seen before, as Mailgun advises.
    ///
    /// The body itself is not signed by Mailgun, and an unsigned delivery is only known as such
    /// once its body has been read.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::Verifier;
    ///
    /// // From the tests of mailgun-php.
    /// let verifier = Verifier::mailgun("key-3ax6xnjp29jd6fds4gc373sgvjxteol0")?;
    /// let body = br#"{"signature":{"timestamp":"1403645220","token":"5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6","signature":"9cfc5c41582e51246e73c88d34db3af0a3a2692a76fbab81492842f000256d33"},"event-data":{"event":"delivered"}}"#;
    /// let headers: [(&str, &str); 0] = [];
    /// let verified = verifier.verify(&headers, body, UNIX_EPOCH + Duration::from_secs(1_403_645_220))?;
    /// assert_eq!(verified.id(), Some("5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    mailgun: "mailgun" {
        headers: [],
        signed: "HMAC-SHA256 of `{timestamp}{token}`, hex, all three in the body",
        documentation: "https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks",
        key: Secret,
        tolerance: Some(Tolerance::inclusive(900)),
        build: (Families::Mailgun(Mailgun::new()), SHA256),
    }

    /// Discord: `X-Signature-Ed25519: <hex>`, the Ed25519 signature of `X-Signature-Timestamp`
    /// followed by the body, checked with the application's public key (hex) by
    /// `ed25519-dalek`'s strict verification; 300 s tolerance.
    ///
    /// Discord's libraries check no timestamp at all; a delivery five minutes off is refused
    /// here. Discord probes endpoints with bad signatures: they get 401.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::Verifier;
    ///
    /// // Signed with the Ed25519 seed of 32 bytes 0x01 (Discord publishes no vector).
    /// let verifier = Verifier::discord("8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c")?;
    /// let headers = [
    ///     ("X-Signature-Timestamp", "1614265330"),
    ///     ("X-Signature-Ed25519", "e9999929bc1391bf5f88ee3e9abe3831f25dfe89bc3e503db767e6a0a54a2a058eefc1452bfbb52a0058ac5382e93164795a5ec534db5395bf2014043f310f03"),
    /// ];
    /// verifier.verify(&headers, br#"{"type":1}"#, UNIX_EPOCH + Duration::from_secs(1_614_265_330))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "ed25519")]
    discord: "discord" {
        headers: ["X-Signature-Ed25519", "X-Signature-Timestamp"],
        signed: "Ed25519 of `{timestamp}{body}`, hex",
        documentation: "https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers",
        key: PublicKey,
        tolerance: Some(Tolerance::inclusive(300)),
        handshakes: [DiscordPing],
        build: header(
            Header::new("X-Signature-Ed25519", Encoding::Hex, 64)
                .public_key(Kind::Ed25519, KeyText::Ed25519Hex)
                .timestamp("X-Signature-Timestamp", TimestampFormat::UnixSeconds)
                .content([Piece::Timestamp], []),
            Primitive::PublicKey,
        ),
    }

    /// SendGrid's signed Event Webhook: `X-Twilio-Email-Event-Webhook-Signature`, the base64 of
    /// a DER ECDSA P-256/SHA-256 signature of `X-Twilio-Email-Event-Webhook-Timestamp` followed
    /// by the body, checked with the verification key SendGrid shows (base64
    /// SubjectPublicKeyInfo); 300 s tolerance.
    ///
    /// SendGrid's SDKs check no timestamp; a delivery five minutes off is refused here (widen
    /// it with [`VerifierBuilder::tolerance`](crate::VerifierBuilder::tolerance) if retries
    /// arrive later). Signatures with a high `s` are accepted, as SendGrid's own are.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use hookverify_core::Verifier;
    ///
    /// // From the tests of sendgrid-python and sendgrid-nodejs.
    /// let verifier = Verifier::sendgrid("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==")?;
    /// let headers = [
    ///     ("X-Twilio-Email-Event-Webhook-Timestamp", "1600112502"),
    ///     ("X-Twilio-Email-Event-Webhook-Signature", "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM="),
    /// ];
    /// let body = b"[{\"email\":\"hello@world.com\",\"event\":\"dropped\",\"reason\":\"Bounced Address\",\"sg_event_id\":\"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA\",\"sg_message_id\":\"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0\",\"smtp-id\":\"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>\",\"timestamp\":1600112492}]\r\n";
    /// verifier.verify(&headers, body, UNIX_EPOCH + Duration::from_secs(1_600_112_502))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "p256")]
    sendgrid: "sendgrid" {
        headers: ["X-Twilio-Email-Event-Webhook-Signature", "X-Twilio-Email-Event-Webhook-Timestamp"],
        signed: "ECDSA P-256/SHA-256 of `{timestamp}{body}`, DER, base64",
        documentation: "https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features",
        key: PublicKey,
        tolerance: Some(Tolerance::inclusive(300)),
        build: header(
            Header::new("X-Twilio-Email-Event-Webhook-Signature", Encoding::Base64, 64)
                .public_key(Kind::P256, KeyText::P256Spki)
                .timestamp("X-Twilio-Email-Event-Webhook-Timestamp", TimestampFormat::UnixSeconds)
                .content([Piece::Timestamp], []),
            Primitive::PublicKey,
        ),
    }
}
