//! A receiver of every provider, as `examples/receiver_axum.rs` and `examples/receiver_actix.rs`
//! serve it, driven over real HTTP: signed deliveries and forged ones, every handshake (signed
//! and forged), body formats (valid, unparsable after verification, oversized), forged `Host`
//! headers against the configured public URL, and methods the routes do not take.
//!
//! The receiver's contract: `POST /webhooks/{github,stripe,slack,zoom,twitch,discord,meta,
//! twilio,dropbox}` plus the `GET` handshakes of `meta` and `dropbox` on the same paths, keys
//! from the environment [`Keys::env`] describes, and each verified delivery answered 200 with a
//! `text/plain` line naming the provider and what the handler parsed from the verified body.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use hookverify_core::{
    MAX_CHALLENGE_LEN, PublicUrl, Scheme, SignOptions, Signer, SigningKey, Verifier,
};

use crate::{Connection, Response, request_head};

/// Patience for one answer on loopback.
const PATIENCE: Duration = Duration::from_secs(10);

/// The keys a receiver under test is configured with, and what the suite signs with.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Keys {
    /// `GITHUB_WEBHOOK_SECRET`.
    pub github: String,
    /// `STRIPE_WEBHOOK_SECRET`.
    pub stripe: String,
    /// `SLACK_SIGNING_SECRET`.
    pub slack: String,
    /// `ZOOM_SECRET_TOKEN`.
    pub zoom: String,
    /// `TWITCH_EVENTSUB_SECRET`.
    pub twitch: String,
    /// The hex seed of the Ed25519 key that signs as Discord; the receiver gets its public key
    /// as `DISCORD_PUBLIC_KEY`.
    pub discord_seed: String,
    /// `META_APP_SECRET`.
    pub meta: String,
    /// `META_VERIFY_TOKEN`.
    pub meta_verify_token: String,
    /// `TWILIO_AUTH_TOKEN`.
    pub twilio: String,
    /// `DROPBOX_APP_SECRET`.
    pub dropbox: String,
    /// Shopify's client secret, for the adapters' own receivers (the examples have no Shopify
    /// route).
    pub shopify: String,
    /// `PUBLIC_URL`: the origin the providers call.
    pub public_url: String,
}

impl Keys {
    /// Test-only keys.
    #[must_use]
    pub fn for_tests() -> Self {
        Self {
            github: "test-only-github-secret".to_owned(),
            stripe: "whsec_testOnlyStripeSecret".to_owned(),
            slack: "test-only-slack-signing-secret".to_owned(),
            zoom: "test-only-zoom-secret-token".to_owned(),
            twitch: "test-only-twitch-secret".to_owned(),
            discord_seed: "01".repeat(32),
            meta: "test-only-meta-app-secret".to_owned(),
            meta_verify_token: "test-only-meta-verify-token".to_owned(),
            twilio: "test-only-twilio-auth-token".to_owned(),
            dropbox: "test-only-dropbox-app-secret".to_owned(),
            shopify: "test-only-shopify-secret".to_owned(),
            public_url: "https://hooks.example.com".to_owned(),
        }
    }

    /// The environment of a receiver example configured with these keys.
    ///
    /// # Panics
    ///
    /// When the Discord seed is not a valid key.
    #[must_use]
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("GITHUB_WEBHOOK_SECRET", self.github.clone()),
            ("STRIPE_WEBHOOK_SECRET", self.stripe.clone()),
            ("SLACK_SIGNING_SECRET", self.slack.clone()),
            ("ZOOM_SECRET_TOKEN", self.zoom.clone()),
            ("TWITCH_EVENTSUB_SECRET", self.twitch.clone()),
            ("DISCORD_PUBLIC_KEY", self.discord_public_key()),
            ("META_APP_SECRET", self.meta.clone()),
            ("META_VERIFY_TOKEN", self.meta_verify_token.clone()),
            ("TWILIO_AUTH_TOKEN", self.twilio.clone()),
            ("DROPBOX_APP_SECRET", self.dropbox.clone()),
            ("PUBLIC_URL", self.public_url.clone()),
        ]
    }

    /// The hex public key of [`Keys::discord_seed`].
    ///
    /// # Panics
    ///
    /// When the seed is not a valid key.
    #[must_use]
    pub fn discord_public_key(&self) -> String {
        let mut seed = [0u8; 32];
        for (byte, pair) in seed.iter_mut().zip(self.discord_seed.as_bytes().chunks(2)) {
            let pair = std::str::from_utf8(pair).expect("hex");
            *byte = u8::from_str_radix(pair, 16).expect("hex");
        }
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        hex(&key.verifying_key().to_bytes())
    }

    /// The verifier a receiver builds for `provider` from these keys, with the clock `now`
    /// reads (the system's, for the examples).
    ///
    /// # Panics
    ///
    /// For an unknown provider.
    #[must_use]
    pub fn verifier(&self, provider: &str) -> Verifier {
        let scheme = Scheme::preset(provider).expect("a preset");
        let builder = Verifier::builder(scheme);
        let builder = match provider {
            "github" => builder.secret(&self.github),
            "stripe" => builder.secret(&self.stripe),
            "slack" => builder.secret(&self.slack),
            "zoom" => builder.secret(&self.zoom),
            "twitch" => builder.secret(&self.twitch),
            "discord" => builder.public_key(&self.discord_public_key()),
            "meta" => builder
                .secret(&self.meta)
                .meta_verify_token(&self.meta_verify_token),
            "twilio" => builder.secret(&self.twilio).public_url(
                PublicUrl::origin(&self.public_url).expect("the public URL is an origin"),
            ),
            "dropbox" => builder.secret(&self.dropbox),
            "shopify" => builder.secret(&self.shopify),
            other => panic!("no receiver route for {other}"),
        };
        builder.build().expect("a verifier")
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut text, byte| {
        let _ = write!(text, "{byte:02x}");
        text
    })
}

/// A receiver under test.
#[derive(Debug)]
pub struct Receiver {
    addr: SocketAddr,
    keys: Keys,
}

/// One request to send: method, path and query, headers and body.
struct Sent<'a> {
    method: &'a str,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Receiver {
    /// The receiver at `addr`, configured with `keys`.
    #[must_use]
    pub const fn new(addr: SocketAddr, keys: Keys) -> Self {
        Self { addr, keys }
    }

    async fn send(&self, sent: Sent<'_>) -> Response {
        let mut request = request_head(
            sent.method,
            &sent.target,
            &sent.headers,
            Some(sent.body.len()),
        )
        .into_bytes();
        request.extend_from_slice(&sent.body);
        let mut connection = Connection::open(self.addr).await;
        connection.send(request).await.expect("the request is sent");
        let answer = if sent.method == "HEAD" {
            connection.head_response(PATIENCE).await
        } else {
            connection.response(PATIENCE).await
        };
        answer.unwrap_or_else(|| panic!("{} {}: no answer", sent.method, sent.target))
    }

    /// A `POST` of `body` to `/webhooks/{provider}`, signed as the provider signs (`forged`:
    /// with another key), plus `extra` headers.
    async fn post(
        &self,
        provider: &str,
        body: &[u8],
        extra: &[(&str, &str)],
        forged: bool,
    ) -> Response {
        self.post_to(
            &format!("/webhooks/{provider}"),
            provider,
            body,
            extra,
            forged,
        )
        .await
    }

    /// [`post`](Self::post) to `target`.
    async fn post_to(
        &self,
        target: &str,
        provider: &str,
        body: &[u8],
        extra: &[(&str, &str)],
        forged: bool,
    ) -> Response {
        let target = target.to_owned();
        let mut headers = self.sign_for(&target, provider, body, forged);
        headers.extend(
            extra
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
        );
        self.send(Sent {
            method: "POST",
            target,
            headers,
            body: body.to_vec(),
        })
        .await
    }

    /// Headers signing `body` for `target` now, with an id no other delivery of this process
    /// had (a receiver that guards against replays knows deliveries by their signed ids).
    fn sign_for(
        &self,
        target: &str,
        provider: &str,
        body: &[u8],
        forged: bool,
    ) -> Vec<(String, String)> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let url = format!("{}{target}", self.keys.public_url);
        let id = format!(
            "msg_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let options = SignOptions::at(SystemTime::now()).id(&id).url(&url);
        self.sign(provider, body, &options, forged)
    }

    /// Headers signing `body` for `/webhooks/{provider}` now, as the provider would send it
    /// (and as it would send a retry: a fresh timestamp and signature).
    #[must_use]
    pub fn signed(&self, provider: &str, body: &[u8]) -> Vec<(String, String)> {
        self.sign_for(&format!("/webhooks/{provider}"), provider, body, false)
    }

    /// A `POST` to `/webhooks/{provider}` of exactly `headers` and `body` (a captured delivery
    /// sent again, or one signed by [`signed`](Self::signed)).
    pub async fn post_signed(
        &self,
        provider: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Response {
        self.send(Sent {
            method: "POST",
            target: format!("/webhooks/{provider}"),
            headers: headers.to_vec(),
            body: body.to_vec(),
        })
        .await
    }

    fn sign(
        &self,
        provider: &str,
        body: &[u8],
        options: &SignOptions<'_>,
        forged: bool,
    ) -> Vec<(String, String)> {
        let scheme = Scheme::preset(provider).expect("a preset");
        let signer = if provider == "discord" {
            let seed = if forged {
                "02".repeat(32)
            } else {
                self.keys.discord_seed.clone()
            };
            let key = SigningKey::ed25519_hex(&seed).expect("a seed");
            Signer::with_signing_key(scheme, &key).expect("a signer")
        } else {
            let secret = match provider {
                "github" => &self.keys.github,
                "stripe" => &self.keys.stripe,
                "slack" => &self.keys.slack,
                "zoom" => &self.keys.zoom,
                "twitch" => &self.keys.twitch,
                "meta" => &self.keys.meta,
                "twilio" => &self.keys.twilio,
                "shopify" => &self.keys.shopify,
                _ => &self.keys.dropbox,
            };
            let secret = if forged {
                format!("{secret}-forged")
            } else {
                secret.clone()
            };
            Signer::new(scheme, &secret).expect("a signer")
        };
        let (headers, rewritten) = signer.sign(body, options).expect("signing").into_parts();
        assert!(rewritten.is_none(), "{provider} signs in the headers");
        headers
    }

    async fn get(&self, target: &str) -> Response {
        self.send(Sent {
            method: "GET",
            target: target.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
        })
        .await
    }
}

fn text(response: &Response) -> String {
    response.text()
}

fn header<'r>(response: &'r Response, name: &str) -> Option<&'r str> {
    response.head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

#[track_caller]
fn expect(response: &Response, status: u16, what: &str) {
    assert_eq!(
        response.status,
        status,
        "{what}: {}{}",
        response.head,
        text(response)
    );
}

#[track_caller]
fn expect_line(response: &Response, line: &str, what: &str) {
    expect(response, 200, what);
    assert!(
        header(response, "content-type").is_some_and(|value| value.starts_with("text/plain")),
        "{what}: {}",
        response.head
    );
    assert_eq!(text(response).trim_end(), line, "{what}");
}

/// A provider, a body, extra headers, and the line its handler answers.
type Case<'a> = (&'a str, &'a [u8], &'a [(&'a str, &'a str)], &'a str);

/// Every provider's signed delivery is answered by its handler with what it parsed, and a
/// forged one is refused before any handler runs.
///
/// # Panics
///
/// When the receiver does otherwise.
pub async fn every_provider_delivers(receiver: &Receiver) {
    let stripe = br#"{"id":"evt_1Receiver","object":"event","type":"payment_intent.succeeded","data":{"object":{}}}"#;
    let cases: [Case<'_>; 9] = [
        (
            "github",
            br#"{"zen":"Keep it logically awesome.","hook_id":1}"#,
            &[("X-GitHub-Event", "ping")],
            "github ping",
        ),
        ("stripe", stripe, &[], "stripe processed evt_1Receiver payment_intent.succeeded"),
        (
            "slack",
            br#"{"type":"event_callback","event":{"type":"app_mention","text":"hi"}}"#,
            &[],
            "slack event_callback app_mention",
        ),
        (
            "zoom",
            br#"{"event":"meeting.started","payload":{"object":{"id":"85012345678"}}}"#,
            &[],
            "zoom meeting.started",
        ),
        (
            "twitch",
            br#"{"subscription":{"type":"channel.follow","status":"enabled"},"event":{"user_name":"x"}}"#,
            &[("Twitch-Eventsub-Message-Type", "notification")],
            "twitch event channel.follow",
        ),
        (
            "discord",
            br#"{"type":2,"data":{"name":"hello"},"token":"t","id":"1","application_id":"2","version":1}"#,
            &[],
            "discord interaction 2",
        ),
        (
            "meta",
            br#"{"object":"page","entry":[{"id":"1","time":1700000000}]}"#,
            &[],
            "meta page",
        ),
        (
            "twilio",
            b"MessageSid=SM1234567890&From=%2B14158675309&To=%2B18005551212&Body=Hi+there",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            "twilio SM1234567890",
        ),
        (
            "dropbox",
            br#"{"list_folder":{"accounts":["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"]},"delta":{"users":[12345]}}"#,
            &[],
            "dropbox 1 accounts",
        ),
    ];
    for (provider, body, extra, line) in cases {
        let answer = receiver.post(provider, body, extra, false).await;
        expect_line(&answer, line, provider);
        let forged = receiver.post(provider, body, extra, true).await;
        expect(&forged, 401, &format!("{provider}, forged"));
    }
}

/// Every handshake is answered exactly as its provider documents, and only when it is
/// genuine: signed ones after verification (forged ones get 401), unsigned ones on their
/// method and query (a wrong Meta verify token gets 403).
///
/// # Panics
///
/// When the receiver does otherwise.
pub async fn every_handshake_is_answered(receiver: &Receiver) {
    // Slack Events API url_verification: JSON `{"challenge": …}`.
    let challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P";
    let body = format!(
        r#"{{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"{challenge}","type":"url_verification"}}"#
    );
    let answer = receiver.post("slack", body.as_bytes(), &[], false).await;
    expect(&answer, 200, "slack url_verification");
    assert_eq!(header(&answer, "content-type"), Some("application/json"));
    assert_eq!(text(&answer), format!(r#"{{"challenge":"{challenge}"}}"#));
    let forged = receiver.post("slack", body.as_bytes(), &[], true).await;
    expect(&forged, 401, "slack url_verification, forged");

    // Zoom endpoint.url_validation: the plain token and its HMAC with the secret token.
    let body = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
    let answer = receiver.post("zoom", body, &[], false).await;
    expect(&answer, 200, "zoom url_validation");
    // Computed here with the `hmac` crate, independently of hookverify.
    let expected = {
        use hmac::{KeyInit as _, Mac as _};
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(receiver.keys.zoom.as_bytes())
            .expect("any key length");
        mac.update(b"qgg8vlvZRS6UYooatFL8Aw");
        hex(&mac.finalize().into_bytes())
    };
    let answer = text(&answer);
    assert!(
        answer.contains(r#""plainToken":"qgg8vlvZRS6UYooatFL8Aw""#)
            && answer.contains(&format!(r#""encryptedToken":"{expected}""#)),
        "zoom: {answer}"
    );
    expect(
        &receiver.post("zoom", body, &[], true).await,
        401,
        "zoom url_validation, forged",
    );

    // Twitch webhook_callback_verification: the raw challenge as text/plain.
    let body = br#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"webhook_callback_verification_pending","type":"channel.follow","version":"1"}}"#;
    let kind = [(
        "Twitch-Eventsub-Message-Type",
        "webhook_callback_verification",
    )];
    let answer = receiver.post("twitch", body, &kind, false).await;
    expect(&answer, 200, "twitch verification");
    assert!(header(&answer, "content-type").is_some_and(|v| v.starts_with("text/plain")));
    assert_eq!(text(&answer), "pogchamp-kappa-360noscope-vohiyo");
    assert_eq!(header(&answer, "content-length"), Some("32"));
    expect(
        &receiver.post("twitch", body, &kind, true).await,
        401,
        "twitch verification, forged",
    );

    twitch_revocations_reach_the_handler(receiver).await;
    pings_and_challenges_are_answered(receiver).await;
}

/// A Twitch revocation reaches the handler as a notice, read from the signed body when the
/// header agrees; a notification relabelled as a revocation is still a notification.
async fn twitch_revocations_reach_the_handler(receiver: &Receiver) {
    let revoked = br#"{"subscription":{"id":"f1c2a387","type":"channel.follow","status":"authorization_revoked"}}"#;
    let kind = [("Twitch-Eventsub-Message-Type", "revocation")];
    let answer = receiver.post("twitch", revoked, &kind, false).await;
    expect_line(
        &answer,
        "twitch revoked authorization_revoked",
        "twitch revocation",
    );
    let relabelled = br#"{"subscription":{"type":"channel.follow","status":"enabled"},"event":{"user_name":"x"}}"#;
    let answer = receiver.post("twitch", relabelled, &kind, false).await;
    expect_line(
        &answer,
        "twitch event channel.follow",
        "twitch notification labelled revocation",
    );
}

/// Discord's signed PINGs, then Meta's and Dropbox's unsigned `GET` challenges.
async fn pings_and_challenges_are_answered(receiver: &Receiver) {
    // Discord PING: `{"type":1}`; a ping with a bad signature is a 401.
    let ping = br#"{"id":"1","application_id":"2","type":1,"token":"t","version":1}"#;
    let answer = receiver.post("discord", ping, &[], false).await;
    expect(&answer, 200, "discord ping");
    assert_eq!(header(&answer, "content-type"), Some("application/json"));
    assert_eq!(text(&answer), r#"{"type":1}"#);
    expect(
        &receiver.post("discord", ping, &[], true).await,
        401,
        "discord ping, forged",
    );

    // Meta: GET with hub.* and the verify token; a wrong or missing token is 403.
    let token = &receiver.keys.meta_verify_token;
    let answer = receiver
        .get(&format!(
            "/webhooks/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={token}"
        ))
        .await;
    expect(&answer, 200, "meta verification");
    assert_eq!(text(&answer), "1158201444");
    assert_eq!(header(&answer, "x-content-type-options"), Some("nosniff"));
    let wrong = receiver
        .get("/webhooks/meta?hub.mode=subscribe&hub.challenge=1&hub.verify_token=guess")
        .await;
    expect(&wrong, 403, "meta verification, wrong token");
    expect(
        &receiver
            .get("/webhooks/meta?hub.mode=subscribe&hub.challenge=1")
            .await,
        400,
        "meta verification, no token",
    );

    // Dropbox: GET ?challenge= echoed as text/plain with nosniff, never as HTML.
    let answer = receiver
        .get("/webhooks/dropbox?challenge=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    expect(&answer, 200, "dropbox challenge");
    assert!(header(&answer, "content-type").is_some_and(|v| v.starts_with("text/plain")));
    assert_eq!(header(&answer, "x-content-type-options"), Some("nosniff"));
    assert_eq!(text(&answer), "<script>alert(1)</script>");
    let long = format!(
        "/webhooks/dropbox?challenge={}",
        "a".repeat(MAX_CHALLENGE_LEN + 1)
    );
    expect(
        &receiver.get(&long).await,
        400,
        "dropbox challenge, too long",
    );
}

/// Twilio's signed URL is the configured public URL, whatever `Host` or `X-Forwarded-Host` the
/// request carries.
///
/// # Panics
///
/// When the receiver does otherwise.
pub async fn the_public_url_ignores_a_forged_host(receiver: &Receiver) {
    let body = b"MessageSid=SM42&Body=hi";
    let forged_host = [
        ("Host", "evil.example"),
        ("X-Forwarded-Host", "evil.example"),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    let answer = receiver.post("twilio", body, &forged_host, false).await;
    expect_line(&answer, "twilio SM42", "twilio, forged Host");

    // Signed for the forged host's URL: refused.
    let url = "https://evil.example/webhooks/twilio";
    let signer = Signer::new(Scheme::twilio(), &receiver.keys.twilio).expect("a signer");
    let (mut headers, _) = signer
        .sign(body, &SignOptions::at(SystemTime::now()).url(url))
        .expect("signing")
        .into_parts();
    headers.extend(
        forged_host
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
    );
    let answer = receiver
        .send(Sent {
            method: "POST",
            target: "/webhooks/twilio".to_owned(),
            headers,
            body: body.to_vec(),
        })
        .await;
    expect(&answer, 401, "twilio signed for the forged host");
}

/// Verified bodies that do not parse are 400 with the reason, oversized ones 413, and methods
/// a route does not take never reach a handler.
///
/// # Panics
///
/// When the receiver does otherwise.
pub async fn bodies_and_methods_are_bounded(receiver: &Receiver) {
    let answer = receiver.post("stripe", b"not json", &[], false).await;
    expect(&answer, 400, "stripe, verified but not JSON");
    assert!(text(&answer).contains("JSON"), "{}", text(&answer));

    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let answer = receiver.post("twilio", b"Body=no+sid", &form, false).await;
    expect(&answer, 400, "twilio, verified but no MessageSid");
    assert!(text(&answer).contains("MessageSid"), "{}", text(&answer));

    // Announced over the receivers' 2 MiB limit: refused before the body is sent.
    let mut connection = Connection::open(receiver.addr).await;
    let head = request_head(
        "POST",
        "/webhooks/stripe",
        &receiver.sign("stripe", b"{}", &SignOptions::at(SystemTime::now()), false),
        Some(3 * 1024 * 1024),
    );
    connection.send(head).await.expect("sent");
    let answer = connection.response(PATIENCE).await.expect("an answer");
    expect(&answer, 413, "stripe, oversized");

    for method in ["GET", "HEAD", "OPTIONS", "PUT"] {
        let answer = receiver
            .send(Sent {
                method,
                target: "/webhooks/github".to_owned(),
                headers: Vec::new(),
                body: Vec::new(),
            })
            .await;
        assert!(
            matches!(answer.status, 401 | 405),
            "{method} /webhooks/github: {}",
            answer.head
        );
    }
    // A GET to a route with a GET handshake, without the handshake's query, is verified as
    // a delivery: unsigned.
    expect(
        &receiver.get("/webhooks/meta").await,
        401,
        "GET /webhooks/meta",
    );
    expect(
        &receiver.get("/webhooks/dropbox?x=1").await,
        401,
        "GET /webhooks/dropbox",
    );
}

/// The adapters' own receivers also mount `POST /webhooks/shopify` (XML orders, answered
/// `shopify order {id}`) and `POST /webhooks/slack/interactive` (Slack's `payload=` forms,
/// answered `slack interaction {type}`): both parse after verification, and a verified body that
/// does not parse — or an XML document type — is 400.
///
/// # Panics
///
/// When the receiver does otherwise.
pub async fn xml_and_slack_payloads_are_parsed(receiver: &Receiver) {
    let xml = [("Content-Type", "application/xml")];
    let order = br#"<?xml version="1.0" encoding="UTF-8"?><order><id>450789469</id><email>bob@example.com</email></order>"#;
    let answer = receiver.post("shopify", order, &xml, false).await;
    expect_line(&answer, "shopify order 450789469", "shopify XML");
    expect(
        &receiver.post("shopify", order, &xml, true).await,
        401,
        "shopify XML, forged",
    );
    let doctype = br#"<!DOCTYPE order [<!ENTITY e "450789469">]><order><id>&e;</id></order>"#;
    let answer = receiver.post("shopify", doctype, &xml, false).await;
    expect(&answer, 400, "shopify XML with a DOCTYPE");
    assert!(text(&answer).contains("document type"), "{}", text(&answer));
    let answer = receiver.post("shopify", b"<order/>", &xml, false).await;
    expect(&answer, 400, "shopify XML without an id");

    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let target = "/webhooks/slack/interactive";
    let payload =
        b"payload=%7B%22type%22%3A%22block_actions%22%2C%22user%22%3A%7B%22id%22%3A%22U1%22%7D%7D";
    let answer = receiver
        .post_to(target, "slack", payload, &form, false)
        .await;
    expect_line(&answer, "slack interaction block_actions", "slack payload");
    expect(
        &receiver
            .post_to(target, "slack", payload, &form, true)
            .await,
        401,
        "slack payload, forged",
    );
    let answer = receiver
        .post_to(target, "slack", b"token=x&command=%2Fweather", &form, false)
        .await;
    expect(&answer, 400, "slack form without a payload");
    assert!(text(&answer).contains("payload"), "{}", text(&answer));
}
