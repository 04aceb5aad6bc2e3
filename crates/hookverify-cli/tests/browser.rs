//! The inspector in a real browser: headless Chromium driven through `chromedriver` (`WebDriver`,
//! with `fantoccini`). The page loads without errors, a delivery sent while it is open appears
//! without a reload, its verdict and pretty JSON are shown, and its replay button re-signs it
//! so that the target (another `listen`) verifies it. A screenshot is left in the test's
//! temporary directory (`target/tmp/inspector.png`).
//!
//! Chromium and chromedriver come from Debian's `chromium` and `chromium-driver` packages,
//! which `.ci/run` installs when missing.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
mod common;

use std::time::{Duration, Instant, SystemTime};

use fantoccini::{ClientBuilder, Locator};
use hookverify_core::{SignOptions, Verifier};
use hookverify_test_support::{Connection, ServerProcess};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

const SECRET: &str = "whsec_test-only-browser-secret";
const PATIENCE: Duration = Duration::from_secs(20);
const EVENT: &[u8] = br#"{"id":"evt_browser","object":"event","type":"invoice.paid","data":{"object":{"amount_due":2000}}}"#;

/// chromedriver on a free loopback port, stopped when dropped.
struct Chromedriver {
    child: Child,
    addr: SocketAddr,
}

impl Chromedriver {
    fn start() -> Self {
        let addr = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .unwrap();
        let child = Command::new("chromedriver")
            .arg(format!("--port={}", addr.port()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| {
                panic!("cannot start chromedriver ({err}): install Debian's chromium and chromium-driver, as .ci/run does")
            });
        let started = Instant::now();
        while TcpStream::connect(addr).is_err() {
            assert!(
                started.elapsed() < PATIENCE,
                "chromedriver did not listen on {addr}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, addr }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends a freshly signed Stripe event to `addr`.
async fn deliver(addr: SocketAddr) -> u16 {
    let verifier = Verifier::stripe(SECRET).unwrap();
    let mut headers = verifier
        .sign(EVENT, &SignOptions::at(SystemTime::now()))
        .unwrap();
    headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
    Connection::exchange(addr, "POST", "/webhooks/stripe", &headers, EVENT, PATIENCE)
        .await
        .status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inspector_shows_deliveries_live_and_replays_them_re_signed() {
    let (app_store, store) = (common::store("browser-app"), common::store("browser"));
    let app = ServerProcess::start(common::listen(SECRET, &app_store, &[]));
    let target = format!("http://{}/app", app.addr());
    let listener = ServerProcess::start(common::listen(SECRET, &store, &["--ui", "127.0.0.1:0"]));
    let page = listener
        .line_where(PATIENCE, |line| line.starts_with("inspector on http://"))
        .unwrap()
        .trim_start_matches("inspector on ")
        .to_owned();

    let driver = Chromedriver::start();
    let mut chrome = json!({
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,860"]
    });
    if std::path::Path::new("/usr/bin/chromium").exists() {
        chrome["binary"] = json!("/usr/bin/chromium");
    }
    let capabilities = json!({ "browserName": "chrome", "goog:chromeOptions": chrome });
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities.as_object().unwrap().clone())
        .connect(&format!("http://{}", driver.addr))
        .await
        .expect("a WebDriver session");

    client.goto(&page).await.unwrap();
    client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("#empty"))
        .await
        .expect("the page shows it has no delivery yet");

    // A delivery sent while the page is open appears without a reload.
    assert_eq!(deliver(listener.addr()).await, 200);
    let row = client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("li.delivery"))
        .await
        .expect("the delivery appears");
    assert!(row.text().await.unwrap().contains("POST /webhooks/stripe"));
    row.click().await.unwrap();
    let reason = client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("#reason"))
        .await
        .unwrap();
    assert_eq!(
        reason.text().await.unwrap(),
        "verified with key 0 (--secret number 1)"
    );
    let pretty = client.find(Locator::Css("#pretty")).await.unwrap();
    let shown = pretty.text().await.unwrap();
    assert!(shown.contains("\"type\": \"invoice.paid\""), "{shown}");
    assert!(shown.contains("\"amount_due\": 2000"), "{shown}");
    let headers = client.find(Locator::Css("#headers")).await.unwrap();
    let headers = headers.text().await.unwrap();
    assert!(headers.contains("stripe-signature [redacted]"), "{headers}");

    // Replay, re-signed, to the app: it verifies there.
    let input = client.find(Locator::Css("#replay-target")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(&target).await.unwrap();
    let resign = client.find(Locator::Css("#replay-resign")).await.unwrap();
    assert!(
        resign.is_selected().await.unwrap(),
        "re-signing is the default"
    );
    client
        .find(Locator::Css("#replay-button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let started = Instant::now();
    let status = loop {
        let result = client.find(Locator::Css("#replay-result")).await.unwrap();
        if let Some(status) = result.attr("data-status").await.unwrap() {
            break status;
        }
        assert!(started.elapsed() < PATIENCE, "the replay was not answered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(status, "200");
    assert!(
        app.line_where(PATIENCE, |line| line
            .contains("POST /app verified (stripe)"))
            .is_some(),
        "the target verified the re-signed replay"
    );

    let screenshot = client.screenshot().await.unwrap();
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("inspector.png");
    std::fs::write(&path, screenshot).unwrap();
    println!("screenshot: {}", path.display());

    let errors = client
        .execute("return window.hookverifyErrors", Vec::new())
        .await
        .unwrap();
    assert_eq!(errors, json!([]), "the page met errors");
    client.close().await.unwrap();
    for path in [app_store, store] {
        let _ = std::fs::remove_file(path);
    }
}
