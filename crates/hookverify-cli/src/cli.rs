//! The command line, as clap reads it. Doc comments here are the `--help` text.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Sign, verify, send and receive signed webhook deliveries while developing.
///
/// Every provider's scheme is a preset (`hookverify schemes` lists them). Keys are given
/// exactly as the provider shows them: GitHub's secret as typed, Stripe's `whsec_…` string
/// as-is, a Standard Webhooks `whsec_<base64>` secret as shown (it is decoded), Discord's public
/// key in hex. Bodies are read from `--body-file`, or from standard input when it is absent or
/// `-`.
#[derive(Debug, Parser)]
#[command(name = "hookverify", version, propagate_version = true)]
#[command(after_help = "\
Examples:
  hookverify schemes
  hookverify sign --scheme stripe --secret whsec_test --body-file event.json
  hookverify verify --scheme stripe --secret whsec_test --body-file event.json \\
      -H \"Stripe-Signature: $SIGNATURE\" --now 1700000010
  hookverify listen --scheme github --secret s3cret --addr 127.0.0.1:8080
  hookverify send --scheme github --secret s3cret --body-file push.json \\
      --url http://127.0.0.1:8080/webhook

Exit codes: 0 success, 1 rejected delivery or non-2xx response, 2 usage error.")]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print the headers a provider would send for a body, one `Name: value` per line.
    ///
    /// For schemes that sign inside the body (Mailgun's fields, Linear's timestamp), a blank
    /// line and the body to send follow the headers.
    #[command(after_help = "\
Examples:
  hookverify sign --scheme twilio --secret AUTH_TOKEN --url https://example.com/sms --body-file form.txt
  hookverify sign --scheme discord --private-key $ED25519_SEED_HEX --body-file ping.json
  hookverify sign --scheme github --secret s3cret --body-file payload.json
  echo -n '{\"id\":\"evt_1\"}' | hookverify sign --scheme stripe --secret whsec_test --timestamp 1700000000
  hookverify sign --scheme standard --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --id msg_1 < event.json")]
    Sign(SignArgs),

    /// Check a captured delivery: exit 0 and print `verified`, or exit 1 with the reason.
    #[command(after_help = "\
Examples:
  printf 'Hello, World!' | hookverify verify --scheme github \\
      --secret \"It's a Secret to Everybody\" \\
      -H 'X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'
  hookverify verify --scheme hmac --signature-header X-Signature --encoding base64 \\
      --secret s3cret -H \"X-Signature: $SIGNATURE\" < body.bin
  hookverify verify --scheme twilio --secret 12345 --url 'https://mycompany.com/myapp.php?foo=1&bar=2' \\
      -H 'X-Twilio-Signature: RSOYDt4T1cUTdK1PDd93/VVr8B8=' --body-file form.txt
  hookverify verify --scheme discord --public-key $DISCORD_PUBLIC_KEY \\
      -H \"X-Signature-Ed25519: $SIG\" -H \"X-Signature-Timestamp: $TS\" --body-file ping.json")]
    Verify(VerifyArgs),

    /// POST a body with fresh signature headers; print the response status and body.
    #[command(after_help = "\
Examples:
  hookverify send --scheme github --secret s3cret --url http://127.0.0.1:3000/webhook \\
      -H 'X-GitHub-Event: push' --body-file push.json")]
    Send(SendArgs),

    /// List every scheme: its headers, what it signs, its key and tolerance, its documentation.
    #[command(after_help = "\
Examples:
  hookverify schemes
  hookverify schemes twilio")]
    Schemes(SchemesArgs),

    /// Receive deliveries on any path, print one line per delivery and keep each; forward them
    /// to your app, and inspect and replay them in a browser.
    ///
    /// Every delivery is kept (headers, body, verdict and answers) in --store, the newest
    /// --max-captures of them. With --forward-to, verified deliveries go on to the app exactly
    /// as received, and the app's answer is theirs. With --ui, a page on that loopback address
    /// lists them live, explains each verdict, and replays a capture verbatim or re-signed with
    /// a fresh timestamp; `hookverify verify --capture ID` checks one again.
    ///
    /// Like a public endpoint, it bounds every client: the request head must arrive within
    /// `--header-timeout` (idle connections are closed after it too), the body within
    /// `--body-timeout` more (408 otherwise), and at most `--max-connections` are served at once.
    #[command(after_help = "\
Examples:
  hookverify listen --scheme github --secret s3cret
  hookverify listen --scheme stripe --secret whsec_test --forward-to http://127.0.0.1:3000/webhooks --ui 127.0.0.1:8081
  hookverify listen --scheme stripe --secret whsec_test --respond /webhooks=503 --respond /slow=200,delay=5s
  hookverify listen --scheme github --secret s3cret --tls --print-body")]
    Listen(ListenArgs),
}

/// How deliveries are signed: the scheme and its keys.
#[derive(Debug, Args)]
pub(crate) struct SchemeArgs {
    /// The provider's signing scheme: a preset (see `hookverify schemes`) or `hmac`.
    #[arg(long, value_name = "NAME", value_parser = scheme_names())]
    pub(crate) scheme: String,

    /// A secret as the provider shows it. Repeat for rotation: all verify, the first signs.
    #[arg(long = "secret", value_name = "TEXT", env = "HOOKVERIFY_SECRET")]
    pub(crate) secrets: Vec<String>,

    /// The provider's public key as it shows it, for schemes signed with its private key
    /// (Discord, SendGrid, Standard Webhooks `v1a`). Repeatable.
    #[arg(long = "public-key", value_name = "TEXT")]
    pub(crate) public_keys: Vec<String>,

    /// With `--scheme hmac`: the header that carries the signature (not to be confused with
    /// `-H`, a request header).
    #[arg(
        long = "signature-header",
        value_name = "NAME",
        required_if_eq("scheme", "hmac")
    )]
    pub(crate) header: Option<String>,

    /// With `--scheme hmac`: the hash function.
    #[arg(long, value_enum, default_value_t = AlgorithmName::Sha256)]
    pub(crate) algorithm: AlgorithmName,

    /// With `--scheme hmac`: how the signature is encoded.
    #[arg(long, value_enum, default_value_t = EncodingName::Hex)]
    pub(crate) encoding: EncodingName,

    /// With `--scheme hmac`: text before the encoded signature, such as `sha256=`.
    #[arg(long, value_name = "STR")]
    pub(crate) prefix: Option<String>,
}

/// Where the body comes from.
#[derive(Debug, Args)]
pub(crate) struct BodyArgs {
    /// The file holding the raw body; standard input when absent or `-`.
    #[arg(long, value_name = "PATH")]
    pub(crate) body_file: Option<PathBuf>,
}

/// What a signer needs besides the scheme's secrets.
#[derive(Debug, Args)]
pub(crate) struct SigningArgs {
    /// A private key to sign with, for schemes the provider signs with its own (Discord: hex
    /// seed; Standard Webhooks: `whsk_…`; SendGrid: base64 PKCS #8 or a hex scalar).
    #[arg(long, value_name = "TEXT")]
    pub(crate) private_key: Option<String>,
    /// The message id, for schemes that sign one (default a fresh `msg_…`).
    #[arg(long, value_name = "ID")]
    pub(crate) id: Option<String>,
}

/// `hookverify sign`.
#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    #[command(flatten)]
    pub(crate) scheme: SchemeArgs,
    #[command(flatten)]
    pub(crate) signing: SigningArgs,
    #[command(flatten)]
    pub(crate) body: BodyArgs,
    /// The Unix time to sign at (default now).
    #[arg(long, value_name = "UNIX")]
    pub(crate) timestamp: Option<u64>,
    /// The public URL the provider calls, for schemes that sign it (Twilio, Square, HubSpot).
    #[arg(long, value_name = "URL")]
    pub(crate) url: Option<String>,
    /// The request method, for schemes that sign it (default POST).
    #[arg(long, value_name = "METHOD")]
    pub(crate) method: Option<String>,
}

/// `hookverify verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    pub(crate) scheme: SchemeArgs,
    #[command(flatten)]
    pub(crate) body: BodyArgs,
    /// A request header, as `Name: value`. Repeat for each header.
    #[arg(short = 'H', long = "header-line", value_name = "NAME: VALUE", value_parser = parse_header)]
    pub(crate) headers: Vec<(String, String)>,
    /// The public URL the provider called, for schemes that sign it (Twilio, Square, HubSpot).
    #[arg(long, value_name = "URL")]
    pub(crate) url: Option<String>,
    /// The request method, for schemes that sign it (default POST).
    #[arg(long, value_name = "METHOD")]
    pub(crate) method: Option<String>,
    /// Check freshness as of this Unix time instead of now, to verify old captures.
    #[arg(long, value_name = "UNIX")]
    pub(crate) now: Option<u64>,
    /// How far the timestamp may be from the clock, in seconds (default: the scheme's).
    #[arg(long, value_name = "SECONDS")]
    pub(crate) tolerance: Option<u64>,
    /// Check the delivery `hookverify listen` captured under this id instead: its headers,
    /// body and method, as of the time it arrived (unless --now says otherwise).
    #[arg(long, value_name = "ID", conflicts_with_all = ["headers", "body_file"])]
    pub(crate) capture: Option<u64>,
    /// Where `listen` keeps its captures (default: its default store).
    #[arg(long, value_name = "PATH", requires = "capture")]
    pub(crate) store: Option<PathBuf>,
}

/// `hookverify schemes`.
#[derive(Debug, Args)]
pub(crate) struct SchemesArgs {
    /// Only the scheme of this name, with every detail.
    #[arg(value_name = "NAME", value_parser = scheme_names())]
    pub(crate) name: Option<String>,
    /// Print the table of every preset in Markdown, as the README carries it.
    #[arg(long, conflicts_with = "name")]
    pub(crate) markdown: bool,
}

/// `hookverify send`.
#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    #[command(flatten)]
    pub(crate) scheme: SchemeArgs,
    #[command(flatten)]
    pub(crate) signing: SigningArgs,
    #[command(flatten)]
    pub(crate) body: BodyArgs,
    /// The public URL to sign, for schemes that sign it, when it is not `--url` (a tunnel or
    /// proxy in between).
    #[arg(long, value_name = "URL")]
    pub(crate) public_url: Option<String>,
    /// Where to POST the delivery (`http://` only).
    #[arg(long)]
    pub(crate) url: http::Uri,
    /// An extra request header, as `Name: value`. Repeat for each header.
    #[arg(short = 'H', long = "header-line", value_name = "NAME: VALUE", value_parser = parse_header)]
    pub(crate) headers: Vec<(String, String)>,
}

/// `hookverify listen`.
#[derive(Debug, Args)]
pub(crate) struct ListenArgs {
    #[command(flatten)]
    pub(crate) scheme: SchemeArgs,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(crate) addr: SocketAddr,
    /// Also print each verified body (pretty JSON when it is JSON).
    #[arg(long)]
    pub(crate) print_body: bool,
    /// The largest body accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = hookverify_tower::DEFAULT_MAX_BODY_SIZE)]
    pub(crate) max_body_size: usize,
    /// How long a client may take to send the request head, and stay idle between requests.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub(crate) header_timeout: Duration,
    /// How long a client may take to send the body once the head is in.
    #[arg(long, value_name = "DURATION", default_value = "20s", value_parser = parse_duration)]
    pub(crate) body_timeout: Duration,
    /// How many connections are served at once; more wait until one ends.
    #[arg(long, value_name = "N", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) max_connections: u32,
    /// Serve the inspector (a page and its JSON API) on this loopback address, such as
    /// 127.0.0.1:8081.
    #[arg(long, value_name = "ADDR")]
    pub(crate) ui: Option<SocketAddr>,
    /// Forward each verified delivery, exactly as received, to the app at this http URL, and
    /// answer with the app's answer.
    #[arg(long, value_name = "URL")]
    pub(crate) forward_to: Option<String>,
    /// The file captures are kept in (default: `hookverify/captures.jsonl` in the user's data
    /// directory).
    #[arg(long, value_name = "PATH")]
    pub(crate) store: Option<PathBuf>,
    /// How many captures are kept; older ones are dropped (all of them hold at most 64 MiB).
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) max_captures: u32,
    /// How to answer verified deliveries to a path, to test a provider's retries:
    /// `PATH=STATUS[,delay=DURATION][,body=TEXT]`, such as `/hooks=503` or
    /// `/slow=200,delay=5s`. Repeatable; other paths get 200 (or the app's answer).
    #[arg(long, value_name = "PATH=STATUS[,…]", value_parser = parse_respond)]
    pub(crate) respond: Vec<Respond>,
    /// Serve --addr over HTTPS with a self-signed certificate for localhost, made at start
    /// (its SHA-256 fingerprint is printed).
    #[arg(long)]
    pub(crate) tls: bool,
    /// A private key to re-sign replays with, for schemes the provider signs with its own
    /// (otherwise replays are re-signed with the first --secret).
    #[arg(long, value_name = "TEXT")]
    pub(crate) private_key: Option<String>,
    /// The origin the provider calls, such as `https://abc.ngrok.app`, for schemes that sign
    /// the URL (Twilio, Square, HubSpot): the public URL is this origin and the path and query
    /// as received, never the request's `Host`.
    #[arg(long, value_name = "ORIGIN")]
    pub(crate) public_url: Option<String>,
}

/// How `listen` answers verified deliveries to one path.
#[derive(Debug, Clone)]
pub(crate) struct Respond {
    pub(crate) path: String,
    pub(crate) status: u16,
    pub(crate) delay: Duration,
    pub(crate) body: String,
}

/// `PATH=STATUS[,delay=DURATION][,body=TEXT]` (the body, when given, comes last and may hold
/// commas).
fn parse_respond(text: &str) -> Result<Respond, String> {
    let (path, rest) = text
        .split_once('=')
        .ok_or("expected PATH=STATUS[,delay=DURATION][,body=TEXT]")?;
    if !path.starts_with('/') {
        return Err(format!("the path must start with `/`: {path}"));
    }
    let (status, mut options) = rest.split_once(',').unwrap_or((rest, ""));
    let status: u16 = status
        .parse()
        .ok()
        .filter(|status| (100..=599).contains(status))
        .ok_or_else(|| format!("not an HTTP status: {status}"))?;
    let mut respond = Respond {
        path: path.to_owned(),
        status,
        delay: Duration::ZERO,
        body: String::new(),
    };
    while !options.is_empty() {
        if let Some(body) = options.strip_prefix("body=") {
            body.clone_into(&mut respond.body);
            break;
        }
        let (option, rest) = options.split_once(',').unwrap_or((options, ""));
        let delay = option
            .strip_prefix("delay=")
            .ok_or_else(|| format!("unknown option `{option}` (delay= or body=)"))?;
        respond.delay = humantime::parse_duration(delay).map_err(|error| error.to_string())?;
        options = rest;
    }
    Ok(respond)
}

/// A duration such as `10s`, `500ms` or `2m`, never zero.
fn parse_duration(text: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text) {
        Ok(duration) if duration.is_zero() => Err("must be longer than zero".to_owned()),
        Ok(duration) => Ok(duration),
        Err(error) => Err(error.to_string()),
    }
}

/// The `--scheme` values: every preset's name and aliases, from the registry, and `hmac`.
fn scheme_names() -> clap::builder::PossibleValuesParser {
    let names = hookverify_core::Scheme::presets()
        .iter()
        .flat_map(|preset| std::iter::once(preset.name()).chain(preset.aliases().iter().copied()))
        .chain(["hmac"]);
    clap::builder::PossibleValuesParser::new(names)
}

/// `--algorithm` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AlgorithmName {
    /// HMAC-SHA-1.
    Sha1,
    /// HMAC-SHA-256.
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
}

/// `--encoding` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum EncodingName {
    /// Hexadecimal.
    Hex,
    /// Standard base64.
    Base64,
    /// URL-safe base64.
    Base64url,
}

/// Parses `Name: value`.
fn parse_header(text: &str) -> Result<(String, String), String> {
    let Some((name, value)) = text.split_once(':') else {
        return Err(format!("`{text}` is not of the form `Name: value`"));
    };
    let name = name.trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(format!("`{name}` is not a header name"));
    }
    Ok((name.to_owned(), value.trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn header_lines_split_at_the_first_colon() {
        assert_eq!(
            parse_header("Stripe-Signature: t=1,v1=ab:cd"),
            Ok(("Stripe-Signature".to_owned(), "t=1,v1=ab:cd".to_owned()))
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header(": value").is_err());
        assert!(parse_header("Two Words: value").is_err());
    }
}
