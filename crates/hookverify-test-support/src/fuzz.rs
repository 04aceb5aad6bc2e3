//! The properties the fuzz targets check, as ordinary code on hookverify's public API: `fuzz/`
//! calls these functions, and the corpus replay test (`tests/fuzz_corpus.rs`) calls them on
//! every committed input, so stable `cargo test` exercises the corpus without cargo-fuzz.
//!
//! Every function takes the fuzzer's raw bytes, never panics on its own, and panics (an
//! assertion) only when a property is broken.

#![allow(
    clippy::missing_panics_doc,
    clippy::panic,
    reason = "assertions are how a fuzz property reports a bug"
)]

use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arbitrary::{Arbitrary, Unstructured};

use hookverify_core::{
    Algorithm, Encoding, Headers, Part, Scheme, Secret, SignOptions, TimestampFormat, Verifier,
    VerifyError,
};

/// The clock the header-parser targets verify at.
const NOW: u64 = 1_700_000_000;
const BODY: &[u8] = b"{\"id\":\"evt_fuzz\"}";

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH
        .checked_add(Duration::from_secs(secs))
        .unwrap_or(UNIX_EPOCH)
}

fn cached(
    cell: &'static OnceLock<Verifier>,
    make: fn() -> Option<Verifier>,
) -> Option<&'static Verifier> {
    if let Some(verifier) = cell.get() {
        return Some(verifier);
    }
    let verifier = make()?;
    Some(cell.get_or_init(|| verifier))
}

/// Arbitrary headers never verify, and whatever they are, the outcome is a documented error:
/// a 400 or 401 from `begin`, or a mismatch from `finish`.
fn never_accepts<H: Headers + ?Sized>(
    verifier: &Verifier,
    headers: &H,
    body: &[u8],
    now: SystemTime,
) {
    match verifier.begin(headers, now) {
        Ok(mut verification) => {
            verification.update(body);
            let outcome = verification.finish();
            assert_eq!(
                outcome.err(),
                Some(VerifyError::SignatureMismatch),
                "forged headers verified"
            );
        }
        Err(error) => {
            assert!(matches!(error.status_code(), 400 | 401), "{error:?}");
            assert!(!error.to_string().is_empty());
        }
    }
}

// ==== one target per header parser ====

/// `Stripe-Signature` with arbitrary bytes.
pub fn stripe_signature(data: &[u8]) {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    let Some(verifier) = cached(&VERIFIER, || Verifier::stripe("whsec_fuzz").ok()) else {
        return;
    };
    never_accepts(verifier, &[("Stripe-Signature", data)], BODY, at(NOW));
}

/// `X-Hub-Signature-256` (and, for the second half of the inputs, the legacy `X-Hub-Signature`)
/// with arbitrary bytes.
pub fn github_signature(data: &[u8]) {
    static SHA256: OnceLock<Verifier> = OnceLock::new();
    static SHA1: OnceLock<Verifier> = OnceLock::new();
    let (Some(sha256), Some(sha1)) = (
        cached(&SHA256, || Verifier::github("fuzz").ok()),
        cached(&SHA1, || {
            Verifier::builder(Scheme::github_legacy_sha1())
                .secret("fuzz")
                .build()
                .ok()
        }),
    ) else {
        return;
    };
    let (verifier, name) = match data.split_first() {
        Some((selector, _)) if selector % 2 == 1 => (sha1, "X-Hub-Signature"),
        _ => (sha256, "X-Hub-Signature-256"),
    };
    let value = data.get(1..).unwrap_or_default();
    never_accepts(verifier, &[(name, value)], BODY, at(NOW));
}

/// Standard Webhooks: the input's lines are the id, the timestamp and the signature list; a
/// fourth line, when present, switches to the `svix-` header names. A missing line is a
/// missing header.
pub fn standard_webhooks(data: &[u8]) {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    let Some(verifier) = cached(&VERIFIER, || {
        // base64 of "fuzz-secret"
        Verifier::standard_webhooks("whsec_ZnV6ei1zZWNyZXQ=").ok()
    }) else {
        return;
    };
    let mut lines = data.split(|&b| b == b'\n');
    let (id, timestamp, signature) = (lines.next(), lines.next(), lines.next());
    let family = if lines.next().is_some() {
        "svix"
    } else {
        "webhook"
    };
    let names = [
        format!("{family}-id"),
        format!("{family}-timestamp"),
        format!("{family}-signature"),
    ];
    let headers: Vec<(&str, &[u8])> = names
        .iter()
        .zip([id, timestamp, signature])
        .filter_map(|(name, value)| Some((name.as_str(), value?)))
        .collect();
    never_accepts(verifier, &headers, BODY, at(1_614_265_330));
}

/// A generic HMAC scheme with an arbitrary configuration: building it fails cleanly or gives a
/// scheme that signs and verifies its own deliveries and rejects arbitrary headers.
pub fn hmac_scheme(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let Ok(config) = HmacConfig::arbitrary(&mut input) else {
        return;
    };
    let Ok(values) = <[Vec<u8>; 3]>::arbitrary(&mut input) else {
        return;
    };
    let Some(scheme) = config.build() else {
        return;
    };
    let Ok(verifier) = Verifier::builder(scheme).secret("fuzz").build() else {
        return;
    };
    let headers: Vec<(&str, &[u8])> = ["X-Signature", "X-Timestamp", "X-Id"]
        .into_iter()
        .zip(values.iter().map(Vec::as_slice))
        .collect();
    never_accepts(&verifier, &headers, BODY, at(NOW));

    let signed = verifier
        .sign(BODY, &SignOptions::at(at(NOW)).id("msg_fuzz"))
        .unwrap_or_else(|error| panic!("signing failed: {error}"));
    assert!(
        verifier.verify(&signed, BODY, at(NOW)).is_ok(),
        "own signature rejected"
    );
}

// ==== for the benchmarks ====

// ==== the parsers of the providers' presets ====

/// A verifier of the preset `name` with a fixed key (cached per target by the caller).
fn preset(name: &str) -> Option<Verifier> {
    let scheme = Scheme::preset(name)?;
    let builder = Verifier::builder(scheme);
    match name {
        "discord" => builder
            .public_key("8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"),
        "sendgrid" => builder.public_key(
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==",
        ),
        // base64 of "fuzz-secret", which every other scheme takes as text.
        _ => builder.secret("whsec_ZnV6ei1zZWNyZXQ="),
    }
    .build()
    .ok()
}

/// Keyed lists (`t=…,v1=…` of Calendly, `ts=…;h1=…` of Paddle) with arbitrary bytes; the
/// first byte picks the header.
pub fn keyed_list(data: &[u8]) {
    static CALENDLY: OnceLock<Verifier> = OnceLock::new();
    static PADDLE: OnceLock<Verifier> = OnceLock::new();
    let (Some(calendly), Some(paddle)) = (
        cached(&CALENDLY, || preset("calendly")),
        cached(&PADDLE, || preset("paddle")),
    ) else {
        return;
    };
    let (verifier, name) = match data.split_first() {
        Some((selector, _)) if selector % 2 == 1 => (paddle, "Paddle-Signature"),
        _ => (calendly, "Calendly-Webhook-Signature"),
    };
    never_accepts(
        verifier,
        &[(name, data.get(1..).unwrap_or_default())],
        BODY,
        at(NOW),
    );
}

/// Timestamps in every format (in core, which keeps the parser private): arbitrary text never
/// panics, and what parses is written back into text that parses to the same instant.
pub use hookverify_core::__fuzz::timestamps;

/// Twilio: the first line is the URL, the second the signature, the rest the form body; and
/// the same URL through HubSpot v3's decoding. Then the first line as a request's target, the
/// second also as a trusted proxy's `X-Forwarded-Host`, through a [`PublicUrl`](hookverify_core::PublicUrl)
/// origin. Never a panic, never a verified forgery.
pub fn request_urls(data: &[u8]) {
    static TWILIO: OnceLock<Verifier> = OnceLock::new();
    static HUBSPOT: OnceLock<Verifier> = OnceLock::new();
    static PROXIED: OnceLock<Verifier> = OnceLock::new();
    let (Some(twilio), Some(hubspot), Some(proxied)) = (
        cached(&TWILIO, || preset("twilio")),
        cached(&HUBSPOT, || preset("hubspot-v3")),
        cached(&PROXIED, || {
            let origin = hookverify_core::PublicUrl::origin("http://internal:8080")
                .and_then(|url| url.trust_forwarded_headers_from(["127.0.0.1"]))
                .ok()?;
            Verifier::builder(Scheme::twilio())
                .secret("fuzz-test-only-secret")
                .public_url(origin)
                .build()
                .ok()
        }),
    ) else {
        return;
    };
    let mut lines = data.splitn(3, |&b| b == b'\n');
    let (Some(url), Some(signature)) = (lines.next(), lines.next()) else {
        return;
    };
    let body = lines.next().unwrap_or_default();
    let Ok(url) = std::str::from_utf8(url) else {
        return;
    };
    let headers = [
        ("X-Twilio-Signature", signature),
        ("X-HubSpot-Signature-v3", signature),
        ("X-HubSpot-Request-Timestamp", b"1700000000000".as_slice()),
    ];
    for verifier in [twilio, hubspot] {
        let request = hookverify_core::Request::new(&headers[..])
            .method("POST")
            .url(url);
        match verifier.verify(request, body, at(NOW)) {
            Ok(_) => panic!("{}: a forged request verified", verifier.scheme().name()),
            Err(error) => assert!(matches!(error.status_code(), 400 | 401), "{error:?}"),
        }
    }
    let forwarded = [
        ("X-Twilio-Signature", signature),
        ("X-Forwarded-Host", signature),
        ("X-Forwarded-Proto", b"https".as_slice()),
    ];
    let request = hookverify_core::Request::new(&forwarded[..])
        .method("POST")
        .target(url)
        .peer(std::net::Ipv4Addr::LOCALHOST.into());
    match proxied.verify(request, body, at(NOW)) {
        Ok(_) => panic!("a forged proxied request verified"),
        Err(error) => assert!(matches!(error.status_code(), 400 | 401), "{error:?}"),
    }
}

/// Bodies that carry signed fields (Mailgun's signature, Linear's timestamp, Twilio's form):
/// arbitrary bytes never panic and never verify, the quick JSON reader finds what `serde_json`
/// finds, and Twilio's form reader reads what `form_urlencoded` reads.
pub fn body_fields(data: &[u8]) {
    static MAILGUN: OnceLock<Verifier> = OnceLock::new();
    static LINEAR: OnceLock<Verifier> = OnceLock::new();
    hookverify_core::__fuzz::json_fields(data);
    hookverify_core::__fuzz::twilio_form(data);
    let (Some(mailgun), Some(linear)) = (
        cached(&MAILGUN, || preset("mailgun")),
        cached(&LINEAR, || preset("linear")),
    ) else {
        return;
    };
    let no_headers: [(&str, &[u8]); 0] = [];
    let outcome = mailgun.verify(&no_headers, data, at(NOW));
    assert!(outcome.is_err(), "an arbitrary Mailgun body verified");
    let headers = [("Linear-Signature", "00".repeat(32))];
    let outcome = linear.verify(&headers, data, at(NOW));
    assert!(outcome.is_err(), "an arbitrary Linear body verified");
}

/// Handshakes: the first byte picks a method, the rest up to a newline is a query, the rest a
/// body. Unsigned ones (Meta with its verify token, Dropbox, Microsoft Graph) are decided from
/// the method and query; signed ones (Slack, Zoom, Twitch, Discord) from the body, signed for
/// real. Never a panic; every answer is well formed and bounded, and Meta answers only for its
/// token.
pub fn handshakes(data: &[u8]) {
    static UNSIGNED: OnceLock<Verifier> = OnceLock::new();
    static SIGNED: OnceLock<Vec<Verifier>> = OnceLock::new();
    let Some(unsigned) = cached(&UNSIGNED, || {
        Verifier::builder(Scheme::meta())
            .secret("fuzz-app-secret")
            .meta_verify_token("fuzz-token")
            .handshake(hookverify_core::Handshake::DropboxChallenge)
            .handshake(hookverify_core::Handshake::GraphValidation)
            .build()
            .ok()
    }) else {
        return;
    };
    let signed = SIGNED.get_or_init(|| {
        ["slack", "zoom", "twitch"]
            .into_iter()
            .filter_map(preset)
            .collect()
    });
    let (&first, rest) = data.split_first().unwrap_or((&0, &[]));
    let method = match first % 3 {
        0 => "GET",
        1 => "POST",
        _ => "HEAD",
    };
    let (query, body) = match memchr::memchr(b'\n', rest) {
        Some(at) => (
            rest.get(..at).unwrap_or_default(),
            rest.get(at + 1..).unwrap_or_default(),
        ),
        None => (rest, &[][..]),
    };
    if let Ok(query) = std::str::from_utf8(query) {
        match unsigned.unsigned_handshake(method, Some(query)) {
            Some(Ok(answer)) => {
                assert_eq!(answer.status(), 200);
                assert!(answer.body().len() <= hookverify_core::MAX_CHALLENGE_LEN);
                let text = std::str::from_utf8(answer.body()).expect("answers are text");
                assert!(!text.chars().any(char::is_control), "{text:?}");
                if answer.handshake() == hookverify_core::Handshake::MetaSubscription {
                    assert!(query.contains("hub.verify_token=fuzz-token"), "{query}");
                }
            }
            Some(Err(error)) => assert!(matches!(error.status_code(), 400 | 403), "{error:?}"),
            None => {}
        }
    }
    for verifier in signed {
        let headers = [(
            "Twitch-Eventsub-Message-Type",
            "webhook_callback_verification",
        )];
        let Ok(mut signed) = verifier.sign(body, &SignOptions::at(at(NOW)).id("fuzz-id")) else {
            continue;
        };
        signed.extend(
            headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        let verified = verifier
            .verify(&signed, body, at(NOW))
            .expect("what was just signed verifies");
        match verifier.signed_handshake(&verified, &signed, body) {
            Some(Ok(answer)) => {
                let text = std::str::from_utf8(answer.body()).expect("answers are text");
                assert!(
                    text.len() <= 2 * hookverify_core::MAX_CHALLENGE_LEN + 128,
                    "{text}"
                );
                if answer.handshake() != hookverify_core::Handshake::TwitchCallbackVerification {
                    let _: serde_json::Value =
                        serde_json::from_str(text).expect("JSON answers are JSON");
                }
            }
            Some(Err(error)) => assert_eq!(error.status_code(), 400, "{error:?}"),
            None => {}
        }
    }
}

/// Verified bodies parsed as JSON, forms, Slack payloads and XML: never a panic, and XML with a
/// document type never parses.
pub fn body_formats(data: &[u8]) {
    let _ = hookverify_core::format::from_json::<serde_json::Value>(data);
    {
        let _ = hookverify_core::format::from_form::<Vec<(String, String)>>(data);
        let _ = hookverify_core::format::from_slack_payload::<serde_json::Value>(data);
    }
    {
        let parsed =
            hookverify_core::format::from_xml::<std::collections::BTreeMap<String, String>>(data);
        let declared = declares_doctype(data);
        if declared {
            assert!(parsed.is_err(), "XML with a DOCTYPE parsed");
        }
    }
}

/// Whether `data` holds `<!DOCTYPE` where XML markup can start a declaration: in character
/// data, not inside a tag (`<a <!DOCTYPE/>` is part of a start tag, as is `<a<!DOCTYPE/>`), a
/// quoted attribute value, a comment, a CDATA section or a processing instruction. Written from
/// the XML grammar, independently of the parser it checks.
fn declares_doctype(data: &[u8]) -> bool {
    let mut rest = data;
    let mut quote = None;
    let mut in_tag = false;
    while let Some((&byte, after)) = rest.split_first() {
        if let Some(open) = quote {
            if byte == open {
                quote = None;
            }
        } else if in_tag {
            match byte {
                b'"' | b'\'' => quote = Some(byte),
                b'>' => in_tag = false,
                _ => {}
            }
        } else if byte == b'<' {
            let skip_to = |end: &[u8]| {
                memchr::memmem::find(rest, end)
                    .and_then(|at| rest.get(at + end.len()..))
                    .unwrap_or_default()
            };
            if rest.starts_with(b"<!DOCTYPE") {
                return true;
            } else if rest.starts_with(b"<!--") {
                rest = skip_to(b"-->");
                continue;
            } else if rest.starts_with(b"<![CDATA[") {
                rest = skip_to(b"]]>");
                continue;
            } else if rest.starts_with(b"<?") {
                rest = skip_to(b"?>");
                continue;
            }
            in_tag = true;
        }
        rest = after;
    }
    false
}

/// Ed25519 (Discord, hex) and DER ECDSA (SendGrid, base64) signatures with arbitrary bytes.
pub fn asymmetric_signatures(data: &[u8]) {
    static DISCORD: OnceLock<Verifier> = OnceLock::new();
    static SENDGRID: OnceLock<Verifier> = OnceLock::new();
    let (Some(discord), Some(sendgrid)) = (
        cached(&DISCORD, || preset("discord")),
        cached(&SENDGRID, || preset("sendgrid")),
    ) else {
        return;
    };
    let timestamp = b"1700000000".as_slice();
    never_accepts(
        discord,
        &[
            ("X-Signature-Ed25519", data),
            ("X-Signature-Timestamp", timestamp),
        ],
        BODY,
        at(NOW),
    );
    never_accepts(
        sendgrid,
        &[
            ("X-Twilio-Email-Event-Webhook-Signature", data),
            ("X-Twilio-Email-Event-Webhook-Timestamp", timestamp),
        ],
        BODY,
        at(NOW),
    );
}

/// Every preset of the registry, with arbitrary values under every header any of them reads:
/// never a panic, never a verified forgery, one-shot and streaming agreeing.
pub fn presets(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let Ok(index) = u8::arbitrary(&mut input) else {
        return;
    };
    let Ok(values) = <[Vec<u8>; 4]>::arbitrary(&mut input) else {
        return;
    };
    let body = input.take_rest();
    let presets = Scheme::presets();
    let Some(row) = presets.get(usize::from(index) % presets.len().max(1)) else {
        return;
    };
    let Some(verifier) = preset(row.name()) else {
        return;
    };
    let headers: Vec<(&str, &[u8])> = row
        .headers()
        .iter()
        .zip(values.iter().cycle())
        .map(|(name, value)| (*name, value.as_slice()))
        .collect();
    let request = hookverify_core::Request::new(&headers[..])
        .method("POST")
        .url("https://hooks.example.com/fuzz");
    let one_shot = verifier.verify(request, body, at(NOW));
    let streamed = verifier
        .begin(request, at(NOW))
        .and_then(|mut verification| {
            for chunk in body.chunks(7) {
                verification.update(chunk);
            }
            verification.finish()
        });
    assert_eq!(one_shot, streamed, "{}: streaming disagrees", row.name());
    assert!(one_shot.is_err(), "{}: forged headers verified", row.name());
}

// ==== the whole path ====

/// Arbitrary scheme, secrets, headers, body, chunking and clock: never a panic, and streaming in
/// any chunks agrees with one-shot verification.
pub fn verify(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let Ok(case) = VerifyCase::arbitrary(&mut input) else {
        return;
    };
    let Some(verifier) = case.scheme.verifier(&case.secrets) else {
        return;
    };
    let headers: Vec<(&str, &[u8])> = case
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_slice()))
        .collect();
    let now = at(case.now);
    let one_shot = verifier.verify(&headers, &case.body, now);
    let streamed = verifier.begin(&headers, now).and_then(|mut verification| {
        let mut rest = case.body.as_slice();
        for cut in &case.cuts {
            let (chunk, tail) = rest.split_at(usize::from(*cut).min(rest.len()));
            verification.update(chunk);
            rest = tail;
        }
        verification.update(rest);
        verification.finish()
    });
    assert_eq!(one_shot, streamed, "streaming disagrees with one-shot");
}

/// Sign an arbitrary delivery, verify it, then mutate one thing and verify it fails.
pub fn roundtrip(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let Ok(case) = RoundTrip::arbitrary(&mut input) else {
        return;
    };
    let Some(verifier) = case.scheme.verifier(std::slice::from_ref(&case.secret)) else {
        return;
    };
    let now = at(u64::from(case.timestamp));
    let id = case.id();
    let Ok(mut headers) = verifier.sign(&case.body, &SignOptions::at(now).id(&id)) else {
        return;
    };
    if let Err(error) = verifier.verify(&headers, &case.body, now) {
        panic!("a fresh signature was rejected: {error}");
    }

    let mut body = case.body.clone();
    let changed = match case.mutation {
        Mutation::Body { index, bit } => match body.get_mut(index % case.body.len().max(1)) {
            Some(byte) => {
                *byte ^= 1 << (bit % 8);
                true
            }
            None => false,
        },
        Mutation::Header {
            header,
            index,
            mask,
        } => {
            let count = headers.len();
            match headers.get_mut(header % count.max(1)) {
                Some((_, value)) => flip(value, index, mask),
                None => false,
            }
        }
        Mutation::Timestamp { delta } => {
            let old = hookverify_core::__fuzz::timestamp_text(verifier.scheme(), now);
            let step = Duration::from_secs(u64::from(delta.unsigned_abs()));
            let shifted = if delta >= 0 {
                now.checked_add(step)
            } else {
                now.checked_sub(step)
            };
            let Some(shifted) = shifted.filter(|t| *t >= UNIX_EPOCH) else {
                return;
            };
            let new = hookverify_core::__fuzz::timestamp_text(verifier.scheme(), shifted);
            let mut changed = false;
            for (_, value) in &mut headers {
                if *value == old {
                    value.clone_from(&new);
                    changed = true;
                } else if let Some(rest) = value.strip_prefix(&format!("t={old},")) {
                    *value = format!("t={new},{rest}");
                    changed = true;
                }
            }
            changed && new != old
        }
    };
    if changed {
        let outcome = verifier.verify(&headers, &body, now);
        assert!(outcome.is_err(), "a mutated delivery verified: {headers:?}");
    }
}

/// XORs one byte of `value` with a mask that never only changes a letter's case (hex is
/// case-insensitive by design) and keeps it ASCII. Returns whether anything changed.
fn flip(value: &mut String, index: usize, mask: u8) -> bool {
    const MASKS: [u8; 6] = [1, 2, 4, 8, 16, 64];
    let mut bytes = std::mem::take(value).into_bytes();
    let len = bytes.len();
    let changed = match bytes.get_mut(index % len.max(1)) {
        Some(byte) if byte.is_ascii() => {
            *byte ^= MASKS
                .get(usize::from(mask) % MASKS.len())
                .copied()
                .unwrap_or(1);
            true
        }
        _ => false,
    };
    *value = String::from_utf8(bytes).unwrap_or_default();
    changed
}

// ==== arbitrary inputs ====

/// A generic scheme's configuration, as the fuzzer invents it.
#[derive(Debug, Arbitrary)]
struct HmacConfig {
    prefix: Option<String>,
    algorithm: u8,
    encoding: u8,
    timestamp: bool,
    milliseconds: bool,
    id: bool,
    content: Vec<PartSpec>,
}

#[derive(Debug, Arbitrary)]
enum PartSpec {
    Literal(Vec<u8>),
    Timestamp,
    Id,
    Body,
}

impl HmacConfig {
    fn build(&self) -> Option<Scheme> {
        let mut builder = Scheme::hmac("X-Signature")
            .algorithm(match self.algorithm % 3 {
                0 => Algorithm::Sha1,
                1 => Algorithm::Sha256,
                _ => Algorithm::Sha512,
            })
            .encoding(match self.encoding % 3 {
                0 => Encoding::Hex,
                1 => Encoding::Base64,
                _ => Encoding::Base64Url,
            })
            .signed_content(self.content.iter().map(|part| match part {
                PartSpec::Literal(bytes) => Part::literal(bytes.clone()),
                PartSpec::Timestamp => Part::Timestamp,
                PartSpec::Id => Part::Id,
                PartSpec::Body => Part::Body,
            }));
        if let Some(prefix) = &self.prefix {
            builder = builder.prefix(prefix.clone());
        }
        if self.timestamp {
            builder = builder.timestamp_header("X-Timestamp");
        }
        if self.milliseconds {
            builder = builder.timestamp_format(TimestampFormat::UnixMillis);
        }
        if self.id {
            builder = builder.id_header("X-Id");
        }
        // Configuration errors are fine; they only must not be panics.
        builder.build().ok()
    }
}

#[derive(Debug, Arbitrary)]
enum SchemeSpec {
    GitHub,
    GitHubSha1,
    Stripe,
    StandardWebhooks,
    Hmac(HmacConfig),
}

impl SchemeSpec {
    fn verifier(&self, secrets: &[Vec<u8>]) -> Option<Verifier> {
        let scheme = match self {
            Self::GitHub => Scheme::github(),
            Self::GitHubSha1 => Scheme::github_legacy_sha1(),
            Self::Stripe => Scheme::stripe(),
            Self::StandardWebhooks => Scheme::standard_webhooks(),
            Self::Hmac(config) => config.build()?,
        };
        let mut builder = Verifier::builder(scheme);
        for secret in secrets {
            builder = builder.raw_secret(Secret::from_bytes(secret.clone()).ok()?);
        }
        builder.build().ok()
    }
}

/// Header names the schemes read, so that arbitrary headers often hit a parser.
const NAMES: [&str; 11] = [
    "X-Hub-Signature-256",
    "X-Hub-Signature",
    "Stripe-Signature",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
    "X-Signature",
    "X-Timestamp",
];

#[derive(Debug)]
struct VerifyCase {
    scheme: SchemeSpec,
    secrets: Vec<Vec<u8>>,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
    cuts: Vec<u16>,
    now: u64,
}

impl<'a> Arbitrary<'a> for VerifyCase {
    fn arbitrary(input: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let scheme = SchemeSpec::arbitrary(input)?;
        let secrets = Vec::<Vec<u8>>::arbitrary(input)?;
        let count = input.int_in_range(0..=8)?;
        let mut headers = Vec::with_capacity(count);
        for _ in 0..count {
            let name = if bool::arbitrary(input)? {
                String::arbitrary(input)?
            } else {
                (*input.choose(&NAMES)?).to_owned()
            };
            headers.push((name, Vec::<u8>::arbitrary(input)?));
        }
        Ok(Self {
            scheme,
            secrets,
            headers,
            body: Vec::arbitrary(input)?,
            cuts: Vec::arbitrary(input)?,
            now: u64::arbitrary(input)?,
        })
    }
}

#[derive(Debug, Arbitrary)]
struct RoundTrip {
    scheme: SchemeSpec,
    secret: Vec<u8>,
    body: Vec<u8>,
    timestamp: u32,
    id: String,
    mutation: Mutation,
}

impl RoundTrip {
    /// The id to sign: the arbitrary one cut down to what ids may be.
    fn id(&self) -> String {
        let id: String = self
            .id
            .chars()
            .filter(char::is_ascii_graphic)
            .take(hookverify_core::MAX_ID_LEN)
            .collect();
        if id.is_empty() {
            "msg_fuzz".to_owned()
        } else {
            id
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Mutation {
    Body {
        index: usize,
        bit: u8,
    },
    Header {
        header: usize,
        index: usize,
        mask: u8,
    },
    Timestamp {
        delta: i32,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_properties_hold_on_hand_made_inputs() {
        stripe_signature(b"t=1700000000,v1=00");
        github_signature(b"\x00sha256=00");
        standard_webhooks(b"msg_1\n1614265330\nv1,AAAA\nsvix");
        for data in [
            &b""[..],
            &[0u8; 64],
            &[0xff; 300],
            b"some longer input for arbitrary",
        ] {
            hmac_scheme(data);
            verify(data);
            roundtrip(data);
        }
    }
}
