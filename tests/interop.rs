//! hookverify against the providers' own SDKs, in both directions (`tests/interop/`; the SDK
//! versions and what each one calls are in `tests/interop/README.md`):
//!
//! - hookverify signs varied deliveries (JSON, non-ASCII, empty, 64 KiB, bytes that are not
//!   UTF-8 where the SDK takes bytes), each SDK's own verification accepts them, and rejects
//!   them tampered;
//! - each SDK that signs signs deliveries, and hookverify accepts them through the library,
//!   the CLI, the tower layer (axum) and the actix middleware, over HTTP.
//!
//! The SDKs run in two long-lived harness processes (Python, Node) installed by
//! `tests/interop/setup.sh` — which this test runs first, as `.ci/run` does — into the
//! checkout. Nothing is skipped: an SDK that fails to install or to load fails the test.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hookverify::{PublicUrl, Scheme, SignOptions, Signer, SigningKey, Verifier};
use hookverify_test_support::Connection;
use serde_json::{Value, json};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const PATIENCE: Duration = Duration::from_secs(20);

/// What each harness must offer: an SDK that does not load fails the test.
const PYTHON_VERIFY: &[&str] = &[
    "stripe",
    "standard-webhooks",
    "svix",
    "slack",
    "twilio",
    "sendgrid",
    "hubspot-v1",
    "hubspot-v2",
    "hubspot-v3",
    "square",
    "paddle",
    "box",
    "mailgun",
    "discord",
];
const PYTHON_SIGN: &[&str] = &[
    "stripe",
    "standard-webhooks",
    "svix",
    "slack",
    "twilio",
    "hubspot-v1",
    "hubspot-v2",
    "hubspot-v3",
];
const NODE_VERIFY: &[&str] = &[
    "stripe",
    "standard-webhooks",
    "svix",
    "slack",
    "twilio",
    "github",
    "discord",
    "paddle",
    "square",
    "sendgrid",
    "hubspot-v1",
    "hubspot-v2",
    "hubspot-v3",
    "box",
    "linear",
];
const NODE_SIGN: &[&str] = &[
    "stripe",
    "standard-webhooks",
    "svix",
    "twilio",
    "github",
    "hubspot-v1",
    "hubspot-v2",
    "hubspot-v3",
];

/// The SDKs that take the body as bytes and so verify bodies that are not UTF-8; every other
/// one takes text (see the README's "What the SDKs do differently").
const BYTES_SDKS: &[(&str, &str)] = &[
    ("python", "standard-webhooks"),
    ("python", "svix"),
    ("python", "discord"),
    ("node", "standard-webhooks"),
    ("node", "discord"),
];

/// SDKs that refuse an empty body: square-python, Octokit, svix-node (it parses JSON).
const NO_EMPTY_BODY: &[(&str, &str)] =
    &[("python", "square"), ("node", "github"), ("node", "svix")];

/// A harness process speaking the JSON-lines protocol of `tests/interop/README.md`.
struct Harness {
    name: &'static str,
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Harness {
    fn start(name: &'static str) -> Self {
        let root = Path::new(ROOT);
        let mut command = match name {
            "python" => Command::new(root.join(".cache/interop/venv/bin/python")),
            _ => Command::new("node"),
        };
        let script = match name {
            "python" => root.join("tests/interop/python/harness.py"),
            _ => root.join("tests/interop/node/harness.mjs"),
        };
        let mut child = command
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start the {name} harness: {err}"));
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        Self {
            name,
            child,
            input,
            output,
        }
    }

    fn call(&mut self, request: &Value) -> Value {
        writeln!(self.input, "{request}").unwrap();
        self.input.flush().unwrap();
        let mut line = String::new();
        self.output.read_line(&mut line).unwrap();
        serde_json::from_str(&line)
            .unwrap_or_else(|err| panic!("{}: not a JSON reply ({err}): {line}", self.name))
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn setup() {
    static SETUP: std::sync::Once = std::sync::Once::new();
    SETUP.call_once(install);
}

fn install() {
    let status = Command::new("bash")
        .arg(Path::new(ROOT).join("tests/interop/setup.sh"))
        .status()
        .expect("bash runs tests/interop/setup.sh");
    assert!(
        status.success(),
        "tests/interop/setup.sh failed: the SDKs are not installed"
    );
}

/// A deterministic generator of test data (xorshift), so a failure can be reproduced.
struct Bytes(u64);

impl Bytes {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn text(&mut self, len: usize) -> String {
        const PIECES: [&str; 8] = ["a", "Z", "9", " ", "é", "😀", "\"", "\\"];
        (0..len)
            .map(|_| PIECES[usize::try_from(self.below(8)).unwrap()])
            .collect()
    }
}

/// Keys for `preset`: what hookverify signs and verifies with, and what the SDK is given.
struct Keys {
    signer: Signer,
    /// As the SDK (and the CLI's `--secret`/`--public-key`) takes it.
    sdk_key: String,
    public: bool,
}

fn keys(preset: &str) -> Keys {
    let scheme = Scheme::preset(preset).unwrap();
    match preset {
        "discord" => {
            let public = ed25519_dalek::SigningKey::from_bytes(&ED25519_SEED).verifying_key();
            let key = signing_key(preset);
            Keys {
                signer: Signer::with_signing_key(scheme, &key).unwrap(),
                sdk_key: const_hex::encode(public.to_bytes()),
                public: true,
            }
        }
        "sendgrid" => {
            use p256::pkcs8::EncodePublicKey as _;
            let secret = p256::SecretKey::from_slice(&P256_SCALAR).unwrap();
            let der = secret.public_key().to_public_key_der().unwrap();
            let key = signing_key(preset);
            Keys {
                signer: Signer::with_signing_key(scheme, &key).unwrap(),
                sdk_key: base64::Engine::encode(
                    &base64::engine::general_purpose::STANDARD,
                    der.as_bytes(),
                ),
                public: true,
            }
        }
        _ => {
            let secret = match preset {
                "standard-webhooks" | "svix" => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned(),
                "stripe" => "whsec_test-only-interop-secret".to_owned(),
                _ => format!("test-only-{preset}-secret"),
            };
            Keys {
                signer: Signer::new(scheme, &secret).unwrap(),
                sdk_key: secret,
                public: false,
            }
        }
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The bodies `preset`'s SDK in `harness` is given: what a provider sends, in its format.
fn bodies(harness: &str, preset: &str, data: &mut Bytes) -> Vec<Vec<u8>> {
    let event = |text: &str| json!({ "id": format!("evt_{}", text.len()), "text": text });
    let mut bodies: Vec<Vec<u8>> = Vec::new();
    for len in [8, 200] {
        let text = data.text(len);
        bodies.push(match preset {
            "twilio" => form_urlencoded::Serializer::new(String::new())
                .append_pair("Body", &text)
                .append_pair("From", "+14158675309")
                .finish()
                .into_bytes(),
            _ => event(&text).to_string().into_bytes(),
        });
    }
    if preset != "twilio" {
        bodies.push(event(&"x".repeat(64 * 1024)).to_string().into_bytes());
    }
    if !matches!(preset, "mailgun" | "linear" | "twilio")
        && !NO_EMPTY_BODY.contains(&(harness, preset))
    {
        bodies.push(Vec::new());
    }
    if BYTES_SDKS.contains(&(harness, preset)) {
        bodies.push(b"{\"id\":\"evt_\xff\xfe\x80\"}".to_vec());
    }
    bodies
}

/// The URL a delivery of `preset` is addressed to (signed by Twilio, Square, HubSpot).
fn url_for(base: &str, preset: &str) -> String {
    format!("{base}/hooks/{preset}?n=1")
}

/// Direction one: what hookverify signs, the SDK accepts; tampered, it rejects.
fn hookverify_signs_the_sdk_verifies(harness: &mut Harness, preset: &str, data: &mut Bytes) {
    let keys = keys(preset);
    let url = url_for("https://hooks.example.com", preset);
    for body in bodies(harness.name, preset, data) {
        let id = format!("msg_{:016x}", data.next());
        let at = UNIX_EPOCH + Duration::from_secs(now() - data.below(3));
        let options = SignOptions::at(at).id(&id).method("POST").url(&url);
        let signed = keys.signer.sign(&body, &options).unwrap();
        let (headers, rewritten) = signed.into_parts();
        let body = rewritten.unwrap_or(body);
        let request = |body: &[u8]| {
            json!({
                "op": "verify", "preset": preset, "secret": keys.sdk_key, "headers": headers,
                "body_b64": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, body), "url": url,
                "method": "POST", "now": now(),
            })
        };
        let answer = harness.call(&request(&body));
        assert_eq!(
            answer["ok"],
            true,
            "{}/{preset}: the SDK refused what hookverify signed ({} bytes): {answer}",
            harness.name,
            body.len()
        );
        let tampered = tamper(preset, &body);
        let answer = harness.call(&request(&tampered));
        assert_eq!(
            answer["ok"], false,
            "{}/{preset}: the SDK accepted a tampered body",
            harness.name
        );
    }
}

/// `body` changed in what `preset` signs (Mailgun signs only its token and timestamp).
fn tamper(preset: &str, body: &[u8]) -> Vec<u8> {
    if preset == "mailgun" {
        let mut event: Value = serde_json::from_slice(body).unwrap();
        event["signature"]["token"] = json!("forged-token-forged-token-forged-token-forged-");
        return event.to_string().into_bytes();
    }
    let mut tampered = body.to_vec();
    match tampered.last_mut() {
        Some(last) if preset == "twilio" => *last = if *last == b'9' { b'8' } else { b'9' },
        Some(_) => tampered.insert(1, b' '),
        None => tampered.push(b' '),
    }
    tampered
}

/// The adapters under test, each with one route per preset.
struct Servers {
    axum: SocketAddr,
    actix: SocketAddr,
}

/// An axum app and an actix-web app, each verifying `presets` at `/hooks/{preset}`, with
/// `origin` as the public origin of the URL-signing schemes.
fn servers(presets: &[&str], runtime: &tokio::runtime::Runtime) -> (Servers, String) {
    let axum_listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let axum_addr = axum_listener.local_addr().unwrap();
    let origin = format!("http://{axum_addr}");
    let verifier = |preset: &str, origin: &str| {
        let keys = keys(preset);
        let builder = Verifier::builder(Scheme::preset(preset).unwrap());
        let builder = if keys.public {
            builder.raw_public_key(signing_key(preset).public_key())
        } else {
            builder.secret(&keys.sdk_key)
        };
        builder
            .public_url(PublicUrl::origin(origin).unwrap())
            .build()
            .unwrap()
    };
    let mut app = axum::Router::new();
    for preset in presets {
        app = app.route(
            &format!("/hooks/{preset}"),
            axum::routing::post(|| async { "verified" }).route_layer(
                hookverify::tower::VerifyWebhookLayer::new(verifier(preset, &origin)),
            ),
        );
    }
    runtime.spawn(async move { axum::serve(axum_listener, app).await });

    let actix_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let actix_addr = actix_listener.local_addr().unwrap();
    let actix_origin = format!("http://{actix_addr}");
    let routes: Arc<Vec<(String, Verifier)>> = Arc::new(
        presets
            .iter()
            .map(|preset| ((*preset).to_owned(), verifier(preset, &actix_origin)))
            .collect(),
    );
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            actix_web::HttpServer::new(move || {
                let mut app = actix_web::App::new();
                for (preset, verifier) in routes.iter() {
                    app = app.service(
                        actix_web::web::resource(format!("/hooks/{preset}"))
                            .wrap(hookverify::actix::VerifyWebhook::new(verifier.clone()))
                            .route(actix_web::web::post().to(|| async { "verified" })),
                    );
                }
                app
            })
            .workers(1)
            .listen(actix_listener)
            .unwrap()
            .run()
            .await
        })
    });
    (
        Servers {
            axum: axum_addr,
            actix: actix_addr,
        },
        origin,
    )
}

/// The signing key of a public-key preset, as [`keys`] makes it.
fn signing_key(preset: &str) -> SigningKey {
    match preset {
        "discord" => SigningKey::ed25519_hex(&const_hex::encode(ED25519_SEED)).unwrap(),
        _ => SigningKey::p256(&const_hex::encode(P256_SCALAR)).unwrap(),
    }
}

/// Test-only private keys of the public-key presets (Discord, SendGrid).
const ED25519_SEED: [u8; 32] = [7; 32];
const P256_SCALAR: [u8; 32] = [9; 32];

/// POSTs `body` with `headers` to `path` at `addr`; the status.
async fn post(addr: SocketAddr, path: &str, headers: &[(String, String)], body: &[u8]) -> u16 {
    Connection::exchange(addr, "POST", path, headers, body, PATIENCE)
        .await
        .status
}

/// The `hookverify` binary `cargo test --workspace` built beside this test.
fn cli() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let bin = dir.join("hookverify");
    if !bin.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "-p", "hookverify-cli", "--bin", "hookverify"])
            .status()
            .unwrap();
        assert!(status.success(), "cannot build the hookverify CLI");
    }
    bin
}

/// Direction two: what the SDK signs, hookverify accepts through the library, the CLI and
/// both adapters.
fn the_sdk_signs_hookverify_verifies(
    harness: &mut Harness,
    preset: &str,
    data: &mut Bytes,
    servers: &Servers,
    runtime: &tokio::runtime::Runtime,
) {
    let keys = keys(preset);
    for body in bodies(harness.name, preset, data) {
        if matches!(
            preset,
            "stripe" | "slack" | "github" | "hubspot-v1" | "hubspot-v2" | "hubspot-v3"
        ) && std::str::from_utf8(&body).is_err()
        {
            continue;
        }
        let id = format!("msg_{:016x}", data.next());
        let timestamp = now() - data.below(3);
        for (adapter, addr) in [("axum", servers.axum), ("actix", servers.actix)] {
            let url = url_for(&format!("http://{addr}"), preset);
            let signed = harness.call(&json!({
                "op": "sign", "preset": preset, "secret": keys.sdk_key,
                "body_b64": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &body),
                "timestamp": timestamp, "id": id, "url": url, "method": "POST",
            }));
            let headers: Vec<(String, String)> = serde_json::from_value(signed["headers"].clone())
                .unwrap_or_else(|_| panic!("{}/{preset}: no headers: {signed}", harness.name));

            let verifier = Verifier::builder(Scheme::preset(preset).unwrap())
                .secret(&keys.sdk_key)
                .build()
                .unwrap();
            let request = hookverify::Request::new(&headers).method("POST").url(&url);
            let verified = verifier.verify(request, &body, SystemTime::now());
            assert!(
                verified.is_ok(),
                "{}/{preset}: the library refused the SDK's delivery: {verified:?}",
                harness.name
            );

            let path = format!("/hooks/{preset}?n=1");
            let status = runtime.block_on(post(addr, &path, &headers, &body));
            assert_eq!(
                status, 200,
                "{}/{preset}: {adapter} refused the SDK's delivery",
                harness.name
            );

            if adapter == "axum" {
                // One file per harness: the Python and Node tests run side by side.
                let file = std::env::temp_dir().join(format!(
                    "hookverify-interop-{}-{}.body",
                    std::process::id(),
                    harness.name
                ));
                std::fs::write(&file, &body).unwrap();
                let mut command = Command::new(cli());
                command.args([
                    "verify",
                    "--scheme",
                    preset,
                    "--secret",
                    &keys.sdk_key,
                    "--url",
                    &url,
                ]);
                for (name, value) in &headers {
                    command.args(["-H", &format!("{name}: {value}")]);
                }
                let output = command.arg("--body-file").arg(&file).output().unwrap();
                let _ = std::fs::remove_file(&file);
                assert!(
                    output.status.success(),
                    "{}/{preset}: the CLI refused the SDK's delivery: {}",
                    harness.name,
                    String::from_utf8_lossy(&output.stderr)
                );
            }
        }
    }
}

fn run(name: &'static str, verify: &[&str], sign: &[&str]) {
    setup();
    let mut harness = Harness::start(name);
    let presets = harness.call(&json!({ "op": "presets" }));
    assert_eq!(
        presets["verify"],
        json!(verify),
        "{name}: the SDKs that verify"
    );
    assert_eq!(presets["sign"], json!(sign), "{name}: the SDKs that sign");
    let mut data = Bytes(0x5eed_1234_abcd_0001);
    for preset in verify {
        hookverify_signs_the_sdk_verifies(&mut harness, preset, &mut data);
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (servers, _origin) = servers(sign, &runtime);
    for preset in sign {
        the_sdk_signs_hookverify_verifies(&mut harness, preset, &mut data, &servers, &runtime);
    }
}

#[test]
fn python_sdks_agree_with_hookverify_both_ways() {
    run("python", PYTHON_VERIFY, PYTHON_SIGN);
}

#[test]
fn node_sdks_agree_with_hookverify_both_ways() {
    run("node", NODE_VERIFY, NODE_SIGN);
}
