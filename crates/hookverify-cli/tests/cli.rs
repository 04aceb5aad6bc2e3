//! The `hookverify` binary, run as users and scripts run it.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_hookverify");
const BODY: &[u8] = br#"{"id":"evt_cli","type":"ping"}"#;

/// Runs `hookverify args…` with `stdin` as its standard input.
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("HOOKVERIFY_SECRET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that reads its body from a file never reads stdin and may already have exited.
    match child.stdin.take().unwrap().write_all(stdin) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.unwrap(),
    }
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// `sign`'s output: the headers as `-H` arguments, and the body when the scheme rewrote it.
fn signed_parts(signed: &str) -> (Vec<String>, Option<String>) {
    let (headers, body) = match signed.strip_prefix('\n') {
        // No headers at all (Mailgun): a blank line, then the body.
        Some(body) => ("", Some(body.to_owned())),
        None => match signed.split_once("\n\n") {
            Some((headers, body)) => (headers, Some(body.to_owned())),
            None => (signed, None),
        },
    };
    let headers = headers
        .lines()
        .flat_map(|line| ["-H".to_owned(), line.to_owned()])
        .collect();
    (headers, body)
}

/// `sign`'s headers as `-H` arguments.
fn header_args(signed: &str) -> Vec<String> {
    signed_parts(signed).0
}

/// 32 bytes 0x01, in hex: an Ed25519 seed and a P-256 scalar; and their public keys as Discord and
/// SendGrid show them.
const KEY_BYTES: &str = "0101010101010101010101010101010101010101010101010101010101010101";
const ED25519_PUBLIC: &str = "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c";
const P256_PUBLIC: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEb/A7lJJBzh2t1DUZ5pYOCoW0GmmgXDKBA6orzhWUyhY8T3U6Vb8B3FP2wLDH7ueLQMb/fSWpbiKCuYnO9xwUSg==";

/// For every scheme the CLI offers (every preset, from `hookverify schemes`, and two `hmac`
/// layouts): the options that sign, and those that verify.
fn schemes() -> Vec<(Vec<String>, Vec<String>)> {
    let listing = stdout(&run(&["schemes"], b""));
    let owned = |args: &[&str]| args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    let mut all = Vec::new();
    for line in listing.lines().take_while(|line| !line.is_empty()) {
        let name = line.split_whitespace().next().unwrap();
        if name == "hmac" {
            continue;
        }
        let mut common = owned(&["--scheme", name]);
        if ["twilio", "square", "hubspot-v2", "hubspot-v3"].contains(&name) {
            common.extend(owned(&["--url", "https://hooks.example.com/hook?x=1"]));
        }
        let (sign, verify) = match name {
            "discord" => (
                owned(&["--private-key", KEY_BYTES]),
                owned(&["--public-key", ED25519_PUBLIC]),
            ),
            "sendgrid" => (
                owned(&["--private-key", KEY_BYTES]),
                owned(&["--public-key", P256_PUBLIC]),
            ),
            "standard-webhooks" | "svix" | "gitlab-signing-token" => {
                let secret = owned(&["--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]);
                (secret.clone(), secret)
            }
            _ => {
                let secret = owned(&["--secret", "It's a Secret to Everybody"]);
                (secret.clone(), secret)
            }
        };
        all.push(([common.clone(), sign].concat(), [common, verify].concat()));
    }
    for hmac in [
        &[
            "--scheme",
            "hmac",
            "--signature-header",
            "X-Signature",
            "--secret",
            "s3cret",
        ][..],
        &[
            "--scheme",
            "hmac",
            "--signature-header",
            "X-Sig",
            "--algorithm",
            "sha512",
            "--encoding",
            "base64url",
            "--prefix",
            "v1=",
            "--secret",
            "s3cret",
        ],
    ] {
        all.push((owned(hmac), owned(hmac)));
    }
    all
}

fn with<'a>(base: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    base.iter().chain(more).copied().collect()
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn sign_then_verify_round_trips_for_every_scheme() {
    let schemes = schemes();
    assert!(schemes.len() >= 34, "{} schemes listed", schemes.len());
    for (sign, verify) in schemes {
        let name = sign[1].clone();
        // SendGrid signs with P-256: its private key is the P-256 scalar of the same bytes.
        let signed = run(&with(&["sign"], &strs(&sign)), BODY);
        assert!(signed.status.success(), "{sign:?}: {}", stderr(&signed));
        let (headers, rewritten) = signed_parts(&stdout(&signed));
        assert!(
            headers.chunks(2).all(|pair| pair[1].contains(": ")),
            "{name}: sign prints headers: {headers:?}"
        );
        let body = rewritten.map_or_else(|| BODY.to_vec(), String::into_bytes);

        let mut args = with(&["verify"], &strs(&verify));
        args.extend(headers.iter().map(String::as_str));
        let verified = run(&args, &body);
        assert_eq!(
            verified.status.code(),
            Some(0),
            "{name}: {}",
            stderr(&verified)
        );
        assert!(stdout(&verified).starts_with("verified\n"));

        // GitLab's token signs nothing, so another body passes; every other scheme refuses it.
        let tampered = run(&args, b"{}");
        let expected = i32::from(name != "gitlab");
        assert_eq!(
            tampered.status.code(),
            Some(expected),
            "{name}: {}",
            stderr(&tampered)
        );
    }
}

#[test]
fn schemes_lists_every_preset_with_its_documentation() {
    let listing = stdout(&run(&["schemes"], b""));
    for name in [
        "github",
        "twilio",
        "mailgun",
        "discord",
        "sendgrid",
        "box",
        "hubspot-v3",
    ] {
        assert!(listing.lines().any(|line| line.starts_with(name)), "{name}");
    }
    let twilio = stdout(&run(&["schemes", "twilio"], b""));
    assert!(
        twilio.contains("docs:       https://www.twilio.com/"),
        "{twilio}"
    );
    assert!(
        twilio.contains("headers:    X-Twilio-Signature"),
        "{twilio}"
    );
    let unknown = run(&["schemes", "no-such-provider"], b"");
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn sign_uses_the_given_timestamp_and_id() {
    let signed = run(
        &[
            "sign",
            "--scheme",
            "standard",
            "--secret",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "--timestamp",
            "1614265330",
            "--id",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
        ],
        br#"{"test": 2432232314}"#,
    );
    // The official Standard Webhooks example.
    assert_eq!(
        stdout(&signed),
        "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek\n\
         webhook-timestamp: 1614265330\n\
         webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=\n"
    );
    let fresh = run(
        &["sign", "--scheme", "standard", "--secret", "whsec_dGVzdA=="],
        b"",
    );
    assert!(
        stdout(&fresh).starts_with("webhook-id: msg_"),
        "{}",
        stdout(&fresh)
    );
}

#[test]
fn the_official_vectors_verify_with_now() {
    let mut vectors: Vec<serde_json::Value> = serde_json::from_str(include_str!(
        "../../hookverify-core/tests/data/vectors.json"
    ))
    .unwrap();
    let extra: Vec<serde_json::Value> = serde_json::from_str(include_str!(
        "../../hookverify-core/tests/data/extra-vectors.json"
    ))
    .unwrap();
    vectors.extend(extra);
    for vector in &vectors {
        let id = vector["id"].as_str().unwrap();
        let scheme = match vector["provider"].as_str().unwrap() {
            "standardwebhooks" => "standard",
            other => other,
        };
        let mut args = vec![
            "verify".to_owned(),
            "--scheme".to_owned(),
            scheme.to_owned(),
        ];
        match vector["public_key"].as_str() {
            Some(key) => args.extend(["--public-key".to_owned(), key.to_owned()]),
            None => args.extend([
                "--secret".to_owned(),
                vector["secret"].as_str().unwrap().to_owned(),
            ]),
        }
        for secret in vector["additional_secrets"]
            .as_array()
            .into_iter()
            .flatten()
        {
            args.extend(["--secret".to_owned(), secret.as_str().unwrap().to_owned()]);
        }
        let now = vector["now"].as_u64().unwrap_or(1_700_000_000);
        args.extend(["--now".to_owned(), now.to_string()]);
        for field in ["url", "method"] {
            if let Some(value) = vector[field].as_str() {
                args.extend([format!("--{field}"), value.to_owned()]);
            }
        }
        for (name, value) in vector["headers"].as_object().unwrap() {
            args.extend([
                "-H".to_owned(),
                format!("{name}: {}", value.as_str().unwrap()),
            ]);
        }
        let output = run(&strs(&args), vector["body"].as_str().unwrap().as_bytes());
        let expected = match vector["expected"].as_str() {
            Some("valid") => 0,
            _ => 1,
        };
        assert_eq!(
            output.status.code(),
            Some(expected),
            "{id}: {}",
            stderr(&output)
        );
        if expected == 1 {
            assert!(
                stderr(&output).starts_with("rejected ("),
                "{id}: {}",
                stderr(&output)
            );
        }
    }
    assert_eq!(vectors.len(), 85 + 73);
}

#[test]
fn stale_and_unsigned_deliveries_exit_1_with_the_reason() {
    let secret = ["--scheme", "stripe", "--secret", "whsec_test-only-secret"];
    let signed = run(&with(&["sign", "--timestamp", "1700000000"], &secret), BODY);
    let headers = header_args(&stdout(&signed));
    let mut args = with(&["verify", "--now", "1700003600"], &secret);
    args.extend(headers.iter().map(String::as_str));
    let stale = run(&args, BODY);
    assert_eq!(stale.status.code(), Some(1));
    assert_eq!(
        stderr(&stale),
        "rejected (401): timestamp 1700000000 is 3600 s old, outside the 300 s tolerance\n"
    );
    // A wider tolerance accepts it.
    args.extend(["--tolerance", "3600"]);
    assert_eq!(run(&args, BODY).status.code(), Some(0));

    let unsigned = run(&with(&["verify"], &secret), BODY);
    assert_eq!(unsigned.status.code(), Some(1));
    assert_eq!(
        stderr(&unsigned),
        "rejected (401): missing signature header `Stripe-Signature`\n"
    );
}

#[test]
fn the_body_can_come_from_a_file() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-body.json");
    std::fs::write(&path, BODY).unwrap();
    let path = path.to_str().unwrap();
    let secret = ["--scheme", "github", "--secret", "s3cret"];
    let signed = run(&with(&["sign", "--body-file", path], &secret), b"ignored");
    let headers = header_args(&stdout(&signed));
    let mut args = with(&["verify", "--body-file", path], &secret);
    args.extend(headers.iter().map(String::as_str));
    assert_eq!(run(&args, b"").status.code(), Some(0));
    let mut args = with(&["verify", "--body-file", "-"], &secret);
    args.extend(headers.iter().map(String::as_str));
    assert_eq!(run(&args, BODY).status.code(), Some(0));
}

#[test]
fn usage_errors_exit_2() {
    let cases: [&[&str]; 7] = [
        &[
            "verify",
            "--scheme",
            "github",
            "--secret",
            "s",
            "--no-such-flag",
        ],
        &[
            "verify",
            "--scheme",
            "github",
            "--secret",
            "s",
            "--body-file",
            "/nonexistent/body",
        ],
        &[
            "verify",
            "--scheme",
            "github",
            "--secret",
            "s",
            "-H",
            "no colon here",
        ],
        &["verify", "--scheme", "hmac", "--secret", "s"],
        &["verify", "--scheme", "standard", "--secret", "whsec_!!!"],
        &["sign", "--scheme", "github"],
        &[
            "send",
            "--scheme",
            "github",
            "--secret",
            "s",
            "--url",
            "https://example.com/",
        ],
    ];
    for args in cases {
        let output = run(args, b"");
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).is_empty());
    }
}

#[test]
fn every_command_documents_an_example() {
    for command in ["sign", "verify", "send", "listen"] {
        let output = run(&[command, "--help"], b"");
        assert!(output.status.success());
        assert!(stdout(&output).contains("Examples:"), "{command}");
    }
    assert!(stdout(&run(&["--help"], b"")).contains("Exit codes:"));
}

/// A `hookverify listen` child, killed when dropped so no server outlives its test.
struct Listener {
    child: Child,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
    url: String,
}

impl Listener {
    fn start(scheme: &[&str]) -> Self {
        // Captures go to a file of this test's own, not the user's data directory.
        let store =
            std::env::temp_dir().join(format!("hookverify-cli-test-{}.jsonl", std::process::id()));
        let mut child = Command::new(BIN)
            .args(with(
                &["listen", "--addr", "127.0.0.1:0", "--print-body"],
                scheme,
            ))
            .arg("--store")
            .arg(&store)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let url = first
            .strip_prefix("listening on ")
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_owned();
        let second = lines.next().unwrap().unwrap();
        assert_eq!(second, format!("captures kept in {}", store.display()));
        Self { child, lines, url }
    }

    fn next_line(&mut self) -> String {
        self.lines.next().unwrap().unwrap()
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn listen_and_send_talk_to_each_other() {
    let scheme = [
        "--scheme",
        "standard",
        "--secret",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ];
    let mut listener = Listener::start(&scheme);
    let url = format!("{}/webhooks/test", listener.url);

    let sent = run(
        &with(&["send", "--url", &url, "-H", "X-Extra: 1"], &scheme),
        BODY,
    );
    assert_eq!(sent.status.code(), Some(0), "{}", stderr(&sent));
    assert_eq!(stdout(&sent), "HTTP 200 OK\nverified\n");
    let line = listener.next_line();
    assert!(
        line.ends_with("POST /webhooks/test verified (standard-webhooks), 30 bytes"),
        "{line}"
    );
    // --print-body shows the JSON, pretty.
    assert_eq!(listener.next_line(), "{");

    let forged = with(
        &["send", "--url", &url],
        &["--scheme", "standard", "--secret", "whsec_dGVzdA=="],
    );
    let rejected = run(&forged, BODY);
    assert_eq!(rejected.status.code(), Some(1));
    assert_eq!(
        stdout(&rejected),
        "HTTP 401 Unauthorized\nno signature matches\n"
    );
    let line = loop {
        let line = listener.next_line();
        if line.contains(" POST ") {
            break line;
        }
    };
    assert!(
        line.ends_with("POST /webhooks/test rejected 401: no signature matches, 30 bytes"),
        "{line}"
    );
}

#[test]
fn send_exits_1_when_nothing_listens() {
    // Bind and drop a listener to find a port that is (almost certainly) closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let output = run(
        &["send", "--scheme", "github", "--secret", "s", "--url", &url],
        BODY,
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("cannot reach"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_readme_table_is_the_registry() {
    let table = stdout(&run(&["schemes", "--markdown"], b""));
    let readme = include_str!("../../../README.md");
    assert!(
        readme.contains(&table),
        "README.md's scheme table is stale: paste `hookverify schemes --markdown`"
    );
}
