//! `hookverify listen --ui --forward-to`, driven over real HTTP as the built binary: captures in
//! order with their verdicts and reasons, redaction, forwarding to an app (another `listen`,
//! which verifies), replays verbatim (stale at the target) and re-signed (verified there),
//! per-path answers, the bounded store that outlives the process, and the inspector's refusal
//! of other hosts and origins.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
mod common;

use std::time::{Duration, SystemTime};

use hookverify_core::{SignOptions, Verifier};
use hookverify_test_support::{Connection, Response, ServerProcess, request_head};
use serde_json::Value;

const SECRET: &str = "whsec_test-only-inspector-secret";
const PATIENCE: Duration = Duration::from_secs(10);

/// A listener with its inspector: the process and the inspector's address.
fn inspected(store: &Path, extra: &[&str]) -> (ServerProcess, SocketAddr) {
    let server = ServerProcess::start(common::listen(
        SECRET,
        store,
        &[&["--ui", "127.0.0.1:0"], extra].concat(),
    ));
    let line = server
        .line_where(PATIENCE, |line| line.starts_with("inspector on http://"))
        .expect("the inspector's address");
    let addr = line
        .trim_start_matches("inspector on http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    (server, addr)
}

/// One request over a fresh connection, with `Host` set to `addr`.
async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Response {
    Connection::exchange(addr, method, path, headers, body, PATIENCE).await
}

async fn get_json(addr: SocketAddr, path: &str) -> Value {
    let answer = request(addr, "GET", path, &[], b"").await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.text());
    serde_json::from_slice(&answer.body).unwrap()
}

async fn replay(ui: SocketAddr, id: u64, target: &str, resign: bool) -> Value {
    let body = serde_json::json!({ "target": target, "resign": resign }).to_string();
    let headers = [("Content-Type".to_owned(), "application/json".to_owned())];
    let answer = request(
        ui,
        "POST",
        &format!("/api/deliveries/{id}/replay"),
        &headers,
        body.as_bytes(),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    serde_json::from_slice(&answer.body).unwrap()
}

/// Stripe's headers for `body`, signed `age` ago.
fn signed(body: &[u8], age: Duration) -> Vec<(String, String)> {
    let verifier = Verifier::stripe(SECRET).unwrap();
    let mut headers = verifier
        .sign(body, &SignOptions::at(SystemTime::now() - age))
        .unwrap();
    headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
    headers
}

const EVENT: &[u8] = br#"{"id":"evt_1","object":"event","type":"invoice.paid"}"#;

#[tokio::test]
async fn captures_forwarding_and_replays_over_http() {
    // The app: another listener, which verifies what it is sent.
    let app_store = common::store("inspector-app");
    let app = ServerProcess::start(common::listen(SECRET, &app_store, &[]));
    let app_url = format!("http://{}/app", app.addr());
    let store = common::store("inspector");
    let (listener, ui) = inspected(
        &store,
        &[
            "--forward-to",
            &app_url,
            "--respond",
            "/flaky=503,body=try again",
        ],
    );
    let at = listener.addr();

    // A fresh delivery is verified, forwarded to the app (which verifies it too), and answered
    // with the app's answer.
    let answer = request(
        at,
        "POST",
        "/hooks?source=stripe",
        &signed(EVENT, Duration::ZERO),
        EVENT,
    )
    .await;
    assert_eq!((answer.status, answer.text().as_str()), (200, "verified\n"));
    assert!(
        app.line_where(PATIENCE, |line| line
            .contains("POST /app verified (stripe)"))
            .is_some()
    );
    // A stale one, an unsigned one, and one to a path told to fail.
    let stale = request(
        at,
        "POST",
        "/hooks",
        &signed(EVENT, Duration::from_secs(600)),
        EVENT,
    )
    .await;
    assert_eq!(stale.status, 401);
    let unsigned = request(at, "POST", "/hooks", &[], EVENT).await;
    assert_eq!(unsigned.status, 401);
    let flaky = request(at, "POST", "/flaky", &signed(EVENT, Duration::ZERO), EVENT).await;
    assert_eq!((flaky.status, flaky.text().as_str()), (503, "try again"));

    assert_listed(ui).await;
    assert_detail(ui).await;

    // The stale capture replayed verbatim is still stale at the app; re-signed, it verifies.
    let verbatim = replay(ui, 2, &app_url, false).await;
    assert_eq!(verbatim["status"], 401, "{verbatim}");
    let resigned = replay(ui, 2, &app_url, true).await;
    assert_eq!(resigned["status"], 200, "{resigned}");

    // `hookverify verify --capture` checks a capture again as of its arrival.
    let output = Command::new(env!("CARGO_BIN_EXE_hookverify"))
        .args([
            "verify",
            "--scheme",
            "stripe",
            "--secret",
            SECRET,
            "--capture",
            "1",
            "--store",
        ])
        .arg(&store)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    assert_foreign_refused(ui).await;
    for path in [app_store, store] {
        let _ = std::fs::remove_file(path);
    }
}

/// The list: newest first, with verdicts and reasons, filtered on request.
async fn assert_listed(ui: SocketAddr) {
    let list = get_json(ui, "/api/deliveries").await;
    let list = list.as_array().unwrap();
    let ids: Vec<u64> = list
        .iter()
        .map(|item| item["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [4, 3, 2, 1]);
    assert_eq!(list[3]["path"], "/hooks?source=stripe");
    assert_eq!(list[3]["verified"], true);
    assert_eq!(list[3]["reason"], "verified with key 0 (--secret number 1)");
    assert!(
        list[2]["reason"].as_str().unwrap().contains("timestamp"),
        "{}",
        list[2]
    );
    assert_eq!(
        list[1]["reason"],
        "missing signature header `Stripe-Signature`"
    );
    assert_eq!(
        (list[0]["verified"].clone(), list[0]["status"].clone()),
        (Value::Bool(true), Value::from(503))
    );
    let rejected = get_json(ui, "/api/deliveries?verdict=rejected").await;
    assert_eq!(rejected.as_array().unwrap().len(), 2);
    // Text is searched in headers and bodies, case-insensitive; the stale and the unsigned
    // deliveries were rejected on their headers, their bodies unread.
    let searched = get_json(ui, "/api/deliveries?q=EVT_1").await;
    let found: Vec<u64> = searched
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_u64().unwrap())
        .collect();
    assert_eq!(found, [4, 1]);
    let flaky_only = get_json(ui, "/api/deliveries?path=flaky").await;
    assert_eq!(flaky_only.as_array().unwrap().len(), 1);
}

/// One capture: headers in order with the signature redacted, the body, the forward, and no
/// secret anywhere.
async fn assert_detail(ui: SocketAddr) {
    let detail = get_json(ui, "/api/deliveries/1").await;
    let text = detail.to_string();
    assert!(!text.contains(SECRET) && !text.contains("v1="), "{text}");
    let signature = detail["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|pair| pair[0] == "stripe-signature")
        .unwrap();
    assert_eq!(signature[1], "[redacted]");
    assert_eq!(detail["body"], std::str::from_utf8(EVENT).unwrap());
    assert_eq!(detail["forward"]["outcome"]["Ok"]["status"], 200);
    assert!(detail["curl"].as_str().unwrap().contains("[redacted]"));
    let verify = detail["verify_command"].as_str().unwrap();
    assert!(verify.contains("--capture 1"), "{verify}");
    let unsigned = get_json(ui, "/api/deliveries/3").await;
    assert_eq!(
        unsigned["body_read"], false,
        "rejected on its headers, unread"
    );
}

/// The inspector answers its own loopback address and page only.
async fn assert_foreign_refused(ui: SocketAddr) {
    let foreign = [("Host".to_owned(), "rebound.example:80".to_owned())];
    assert_eq!(
        request(ui, "GET", "/api/deliveries", &foreign, b"")
            .await
            .status,
        403
    );
    let elsewhere = [
        ("Origin".to_owned(), "http://evil.example".to_owned()),
        ("Content-Type".to_owned(), "application/json".to_owned()),
    ];
    let body = br#"{"target":"http://127.0.0.1:9/","resign":true}"#;
    assert_eq!(
        request(ui, "POST", "/api/deliveries/1/replay", &elsewhere, body)
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn the_store_is_bounded_and_outlives_the_process() {
    let store = common::store("inspector");
    {
        let (listener, ui) = inspected(&store, &["--max-captures", "3"]);
        for n in 0..5 {
            let body = format!(r#"{{"id":"evt_{n}"}}"#);
            let answer = request(
                listener.addr(),
                "POST",
                "/hooks",
                &signed(body.as_bytes(), Duration::ZERO),
                body.as_bytes(),
            )
            .await;
            assert_eq!(answer.status, 200);
        }
        let list = get_json(ui, "/api/deliveries").await;
        let ids: Vec<u64> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["id"].as_u64().unwrap())
            .collect();
        assert_eq!(ids, [5, 4, 3]);
    }
    let (listener, ui) = inspected(&store, &["--max-captures", "3"]);
    let list = get_json(ui, "/api/deliveries").await;
    let ids: Vec<u64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [5, 4, 3], "the captures were kept across the restart");
    let answer = request(listener.addr(), "POST", "/hooks", &[], b"{}").await;
    assert_eq!(answer.status, 401);
    let list = get_json(ui, "/api/deliveries").await;
    assert_eq!(list[0]["id"], 6, "ids go on after the restart");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&store).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "captures are the owner's alone");
    }
    let lines = std::fs::read_to_string(&store).unwrap().lines().count();
    assert!(lines <= 2 * 3 + 16, "the file is compacted: {lines} lines");
    let _ = std::fs::remove_file(store);
}

/// `--tls` serves the self-signed certificate whose fingerprint it printed: a client that pins
/// that fingerprint (and trusts nothing else) completes the handshake, and a delivery over it
/// verifies.
#[tokio::test]
async fn tls_serves_the_certificate_it_printed() {
    use std::sync::Arc;

    use sha2::{Digest as _, Sha256};
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use tokio_rustls::rustls::client::danger::{
        HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
    };
    use tokio_rustls::rustls::crypto::{self, CryptoProvider, ring};
    use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use tokio_rustls::rustls::{ClientConfig, DigitallySignedStruct, Error, SignatureScheme};

    /// Trusts the one certificate with this fingerprint.
    #[derive(Debug)]
    struct Pinned(String, Arc<CryptoProvider>);

    impl ServerCertVerifier for Pinned {
        fn verify_server_cert(
            &self,
            certificate: &CertificateDer<'_>,
            _: &[CertificateDer<'_>],
            _: &ServerName<'_>,
            _: &[u8],
            _: UnixTime,
        ) -> Result<ServerCertVerified, Error> {
            let seen: Vec<String> = Sha256::digest(certificate.as_ref())
                .iter()
                .map(|byte| format!("{byte:02X}"))
                .collect();
            if seen.join(":") == self.0 {
                Ok(ServerCertVerified::assertion())
            } else {
                Err(Error::General("not the printed certificate".to_owned()))
            }
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            certificate: &CertificateDer<'_>,
            signed: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            let algorithms = &self.1.signature_verification_algorithms;
            crypto::verify_tls12_signature(message, certificate, signed, algorithms)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            certificate: &CertificateDer<'_>,
            signed: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            let algorithms = &self.1.signature_verification_algorithms;
            crypto::verify_tls13_signature(message, certificate, signed, algorithms)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.1.signature_verification_algorithms.supported_schemes()
        }
    }

    let store = common::store("inspector");
    let server = ServerProcess::start(common::listen(SECRET, &store, &["--tls"]));
    let fingerprint = server
        .line_where(PATIENCE, |line| {
            line.starts_with("certificate SHA-256 fingerprint: ")
        })
        .unwrap()
        .trim_start_matches("certificate SHA-256 fingerprint: ")
        .to_owned();
    let provider = Arc::new(ring::default_provider());
    let config = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pinned(fingerprint, provider)))
        .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let mut tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("the handshake with the printed certificate");

    let mut headers = signed(EVENT, Duration::ZERO);
    headers.push(("Host".to_owned(), "localhost".to_owned()));
    headers.push(("Connection".to_owned(), "close".to_owned()));
    let head = request_head("POST", "/hooks", &headers, Some(EVENT.len()));
    tls.write_all(&[head.as_bytes(), EVENT].concat())
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(answer.ends_with("verified\n"), "{answer}");
    let _ = std::fs::remove_file(store);
}

/// A scheme that signs the URL (Twilio) verifies against `--public-url` and the path and query
/// as received, whatever `Host` says; without `--public-url`, `listen` refuses to start.
#[tokio::test]
async fn a_url_signing_scheme_verifies_against_the_public_url() {
    use hookverify_core::Scheme;

    const TOKEN: &str = "test-only-twilio-auth-token";
    let form = b"Body=hi&From=%2B15550001";
    let signer = Verifier::builder(Scheme::twilio())
        .secret(TOKEN)
        .build()
        .unwrap();
    let options = SignOptions::at(SystemTime::now())
        .method("POST")
        .url("https://hooks.example.com/sms?x=1");
    let mut headers = signer.sign(form, &options).unwrap();
    headers.push((
        "Content-Type".to_owned(),
        "application/x-www-form-urlencoded".to_owned(),
    ));
    headers.push(("Host".to_owned(), "forged.example".to_owned()));

    let store = common::store("inspector-twilio");
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookverify"));
    command
        .args(["listen", "--scheme", "twilio", "--secret", TOKEN])
        .args(["--addr", "127.0.0.1:0", "--store"])
        .arg(&store);
    let refused = Command::new(env!("CARGO_BIN_EXE_hookverify"))
        .args([
            "listen",
            "--scheme",
            "twilio",
            "--secret",
            TOKEN,
            "--addr",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--public-url"));

    command.args(["--public-url", "https://hooks.example.com"]);
    let server = ServerProcess::start(command);
    let answer = request(server.addr(), "POST", "/sms?x=1", &headers, form).await;
    assert_eq!((answer.status, answer.text().as_str()), (200, "verified\n"));
    let moved = request(server.addr(), "POST", "/sms?x=2", &headers, form).await;
    assert_eq!(moved.status, 401, "another query is another URL");
    let _ = std::fs::remove_file(store);
}
