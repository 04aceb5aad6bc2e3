//! `hookverify listen`: a local receiver that shows what arrives, keeps it, forwards it to the
//! app, and serves an inspector that explains and replays it.

mod capture;
mod inspector;
mod outbound;
mod tls;

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};
use bytes::{Buf as _, Bytes};
use hookverify_core::{Handshake, Signer, Verified, Verifier, VerifyError};
use hookverify_tower::{VerifiedBody, VerifyWebhookLayer};
use http::{Request, Response, StatusCode};
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use pin_project_lite::pin_project;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::Semaphore;
use tower::{Layer as _, ServiceExt as _};

use crate::cli::{ListenArgs, Respond, SigningArgs};
use crate::command::{signer, verifier_at};
use crate::exit_code::Outcome;
pub(crate) use capture::{Capture, Captures, default_store};

/// What the handler made of a verified delivery, passed out to the capture and the log line.
#[derive(Clone)]
struct Handled {
    verified: Verified,
    forward: Option<capture::Forward>,
}

/// What `listen` needs to answer, keep and replay deliveries.
struct Listener {
    verifier: Verifier,
    /// Re-signs replays; `None` when no key to sign with was given.
    signer: Option<Signer>,
    captures: Arc<Captures>,
    redaction: Redaction,
    /// Where the receiver listens, as a URL base (`http://127.0.0.1:8080`).
    base: String,
    forward_to: Option<String>,
    store: Option<std::path::PathBuf>,
}

pub(crate) fn run(args: &ListenArgs) -> anyhow::Result<Outcome> {
    let verifier = verifier_at(&args.scheme, None, args.public_url.as_deref())?;
    if verifier.scheme().signs_request() && args.public_url.is_none() {
        bail!(
            "--scheme {} signs the URL the provider calls: give --public-url (its origin, such as https://abc.ngrok.app)",
            args.scheme.scheme
        );
    }
    let signer = if args.scheme.secrets.is_empty() && args.private_key.is_none() {
        None
    } else {
        let signing = SigningArgs {
            private_key: args.private_key.clone(),
            id: None,
        };
        Some(signer(&args.scheme, &signing)?)
    };
    if let Some(target) = &args.forward_to {
        outbound::check_target(target).context("--forward-to")?;
    }
    if let Some(ui) = args.ui
        && !ui.ip().is_loopback()
    {
        bail!("--ui serves on a loopback address only (such as 127.0.0.1:8081), not {ui}");
    }
    let store = args.store.clone().or_else(default_store);
    let max_captures = usize::try_from(args.max_captures).unwrap_or(usize::MAX);
    let captures = Arc::new(Captures::open(store.clone(), max_captures)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let addr = listener.local_addr().context("no local address")?;
        let tls = args.tls.then(tls::self_signed).transpose()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        println!(
            "listening on {scheme}://{addr} for {} deliveries (Ctrl-C to stop)",
            verifier.scheme().name()
        );
        let tls = tls.map(|(acceptor, fingerprint)| {
            println!("serving HTTPS with a self-signed certificate for localhost");
            println!("certificate SHA-256 fingerprint: {fingerprint}");
            acceptor
        });
        match &store {
            Some(path) => println!("captures kept in {}", path.display()),
            None => println!("captures kept in memory only (no data directory)"),
        }
        let state = Arc::new(Listener {
            redaction: Redaction::new(args),
            verifier: verifier.clone(),
            signer,
            captures,
            base: format!("{scheme}://{addr}"),
            forward_to: args.forward_to.clone(),
            store,
        });
        if let Some(ui) = args.ui {
            let ui = tokio::net::TcpListener::bind(ui)
                .await
                .with_context(|| format!("cannot listen on {ui} for the inspector"))?;
            let ui_addr = ui.local_addr().context("no local address")?;
            println!("inspector on http://{ui_addr}/");
            let app = inspector::router(Arc::clone(&state));
            tokio::spawn(async move {
                if let Err(err) = axum::serve(ui, app).await {
                    eprintln!("inspector stopped: {err}");
                }
            });
        }
        serve(listener, tls, state, args).await
    })
}

/// Accepts connections on `listener` (over TLS when `tls` is set) until the process stops.
async fn serve(
    listener: tokio::net::TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    state: Arc<Listener>,
    args: &ListenArgs,
) -> anyhow::Result<Outcome> {
    let handler = handler(Arc::clone(&state), args.respond.clone());
    let verify = VerifyWebhookLayer::new(state.verifier.clone())
        .max_body_size(args.max_body_size)
        .body_timeout(args.body_timeout)
        .layer(handler);
    let print_body = args.print_body;
    let max_body_size = args.max_body_size;
    let service = tower::service_fn(move |request: Request<Incoming>| {
        let arrived = Arrival::of(&request);
        let read = BodyRead::new(max_body_size);
        let request = request.map(|body| Counted {
            inner: body,
            read: read.clone(),
        });
        let (verify, state) = (verify.clone(), Arc::clone(&state));
        async move {
            let response = verify.oneshot(request).await?;
            let (parts, body) = response.into_parts();
            let Ok(answered) = body
                .collect()
                .await
                .map(http_body_util::Collected::to_bytes);
            let capture = arrived.capture(&parts, &answered, &read, &state.verifier);
            print_line(&capture, print_body);
            if let Err(err) = state.captures.add(capture) {
                eprintln!("cannot keep the capture: {err:#}");
            }
            Ok::<_, Infallible>(Response::from_parts(parts, Full::new(answered)))
        }
    });

    let connections = Arc::new(Semaphore::new(
        usize::try_from(args.max_connections).unwrap_or(usize::MAX),
    ));
    let header_timeout = args.header_timeout;
    loop {
        let permit = Arc::clone(&connections)
            .acquire_owned()
            .await
            .context("the connection limit was closed")?;
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(err) => {
                // Out of file descriptors, most likely: wait for connections to end.
                eprintln!("accept failed: {err}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(service.clone());
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => connection(stream, service, header_timeout).await,
                Some(tls) => {
                    // The handshake is bounded like a request head.
                    match tokio::time::timeout(header_timeout, tls.accept(stream)).await {
                        Ok(Ok(stream)) => connection(stream, service, header_timeout).await,
                        Ok(Err(err)) => eprintln!("TLS handshake failed: {err}"),
                        Err(_) => eprintln!("TLS handshake timed out"),
                    }
                }
            }
            drop(permit);
        });
    }
}

/// Serves one connection over HTTP/1.1.
async fn connection<S, T>(stream: T, service: S, header_timeout: Duration)
where
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    S: hyper::service::Service<Request<Incoming>, Response = Response<Full<Bytes>>> + Send,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(TokioIo::new(stream), service);
    if let Err(err) = connection.await {
        eprintln!("connection error: {err}");
    }
}

/// The service behind the verify layer: forwards the delivery when asked, and answers as the
/// path's `--respond` says, else as the app answered, else 200.
fn handler(
    state: Arc<Listener>,
    responds: Vec<Respond>,
) -> impl tower::Service<
    Request<VerifiedBody>,
    Response = Response<Full<Bytes>>,
    Error = Infallible,
    Future = impl Future<Output = Result<Response<Full<Bytes>>, Infallible>> + Send,
> + Clone {
    let responds = Arc::new(responds);
    tower::service_fn(move |request: Request<VerifiedBody>| {
        let (state, responds) = (Arc::clone(&state), Arc::clone(&responds));
        async move {
            let (parts, body) = request.into_parts();
            let Ok(body) = body
                .collect()
                .await
                .map(http_body_util::Collected::to_bytes);
            let forward = match &state.forward_to {
                Some(target) => Some(outbound::forward(target, &parts, body).await),
                None => None,
            };
            let respond = responds
                .iter()
                .find(|respond| respond.path == parts.uri.path());
            let (status, text) = match (respond, &forward) {
                (Some(respond), _) => {
                    tokio::time::sleep(respond.delay).await;
                    (respond.status, respond.body.clone())
                }
                (None, Some(forward)) => match &forward.outcome {
                    Ok(answer) => (answer.status, answer.body.clone()),
                    Err(_) => (502, "the app could not be reached\n".to_owned()),
                },
                (None, None) => (200, "verified\n".to_owned()),
            };
            let mut response = Response::new(Full::new(Bytes::from(text)));
            *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            if let Some(verified) = parts.extensions.get::<Verified>().cloned() {
                response
                    .extensions_mut()
                    .insert(Handled { verified, forward });
            }
            Ok::<_, Infallible>(response)
        }
    })
}

/// What arrived, noted before the verify layer takes the request.
struct Arrival {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    at: SystemTime,
}

impl Arrival {
    fn of<B>(request: &Request<B>) -> Self {
        Self {
            method: request.method().to_string(),
            path: request
                .uri()
                .path_and_query()
                .map_or("/", |target| target.as_str())
                .to_owned(),
            headers: request
                .headers()
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_owned(), value)
                })
                .collect(),
            at: SystemTime::now(),
        }
    }

    /// The capture of this arrival, answered with `parts` and `answered`.
    fn capture(
        self,
        parts: &http::response::Parts,
        answered: &Bytes,
        read: &BodyRead,
        verifier: &Verifier,
    ) -> Capture {
        let scheme = verifier.scheme().name().to_owned();
        let handled = parts.extensions.get::<Handled>();
        let verdict = if let Some(handled) = handled {
            capture::Verdict {
                verified: true,
                reason: format!(
                    "verified with key {} (--secret number {})",
                    handled.verified.secret_index(),
                    handled.verified.secret_index() + 1
                ),
                key: Some(handled.verified.secret_index()),
                signed_id: handled.verified.id().map(str::to_owned),
                scheme,
            }
        } else if let Some(handshake) = parts.extensions.get::<Handshake>() {
            capture::Verdict {
                verified: true,
                reason: format!("answered the {handshake} handshake"),
                key: None,
                signed_id: None,
                scheme,
            }
        } else {
            let reason = parts.extensions.get::<VerifyError>().map_or_else(
                || format!("rejected with {}", parts.status.as_u16()),
                ToString::to_string,
            );
            capture::Verdict {
                verified: false,
                reason,
                key: None,
                signed_id: None,
                scheme,
            }
        };
        let since = self.at.duration_since(UNIX_EPOCH).unwrap_or_default();
        Capture {
            id: 0,
            method: self.method,
            path: self.path,
            received_at: humantime::format_rfc3339_millis(self.at).to_string(),
            received_unix: since.as_secs(),
            headers: self.headers,
            body: read.bytes(),
            body_read: read.was_polled(),
            verdict,
            answer: capture::Answer {
                status: parts.status.as_u16(),
                body: String::from_utf8_lossy(answered).into_owned(),
            },
            forward: handled.and_then(|handled| handled.forward.clone()),
        }
    }
}

/// One line of output per delivery.
fn print_line(capture: &Capture, print_body: bool) {
    let time = &capture.received_at;
    let Capture { method, path, .. } = capture;
    let path = path.split_once('?').map_or(path.as_str(), |(path, _)| path);
    let size = if capture.body_read {
        format!("{} bytes", capture.body.len())
    } else {
        "body unread".to_owned()
    };
    if capture.verdict.verified {
        let forwarded = match &capture.forward {
            Some(forward) => match &forward.outcome {
                Ok(answer) => format!(", forwarded: {}", answer.status),
                Err(err) => format!(", forwarding failed: {err}"),
            },
            None => String::new(),
        };
        println!(
            "{time} {method} {path} verified ({}), {size}{forwarded}",
            capture.verdict.scheme
        );
        if print_body {
            println!("{}", render(&capture.body));
        }
    } else {
        println!(
            "{time} {method} {path} rejected {}: {}, {size}",
            capture.answer.status, capture.verdict.reason
        );
    }
}

/// A body for the terminal: pretty JSON when it is JSON, text otherwise.
fn render(body: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(json) => serde_json::to_string_pretty(&json).unwrap_or_default(),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    }
}

/// Which header values the inspector and its exports hide: signatures, tokens and anything
/// holding a secret.
struct Redaction {
    /// The `--signature-header` of `--scheme hmac`, lower-cased.
    header: Option<String>,
    secrets: Vec<String>,
}

/// What a hidden value is shown as.
pub(crate) const REDACTED: &str = "[redacted]";

impl Redaction {
    fn new(args: &ListenArgs) -> Self {
        Self {
            header: args.scheme.header.as_deref().map(str::to_ascii_lowercase),
            secrets: args
                .scheme
                .secrets
                .iter()
                .filter(|secret| !secret.is_empty())
                .cloned()
                .collect(),
        }
    }

    /// Whether the header `name` with `value` is hidden. Every preset's signature header has
    /// one of these words in its name (`X-Hub-Signature-256`, `X-Shopify-Hmac-Sha256`,
    /// `X-Gitlab-Token`, …).
    fn hides(&self, name: &str, value: &str) -> bool {
        let name = name.to_ascii_lowercase();
        ["signature", "hmac", "token", "authorization", "secret"]
            .iter()
            .any(|word| name.contains(word))
            || self.header.as_deref() == Some(name.as_str())
            || self
                .secrets
                .iter()
                .any(|secret| value.contains(secret.as_str()))
    }

    /// The headers as the inspector shows them.
    fn headers(&self, headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| {
                let shown = if self.hides(name, value) {
                    REDACTED.to_owned()
                } else {
                    value.clone()
                };
                (name.clone(), shown)
            })
            .collect()
    }
}

/// What was read of a request body: whether it was read at all, and its bytes (up to the
/// body limit, which the verify layer enforces anyway).
#[derive(Clone)]
struct BodyRead {
    polled: Arc<AtomicBool>,
    bytes: Arc<Mutex<Vec<u8>>>,
    limit: usize,
}

impl BodyRead {
    fn new(limit: usize) -> Self {
        Self {
            polled: Arc::default(),
            bytes: Arc::default(),
            limit,
        }
    }

    fn keep(&self, data: &[u8]) {
        let mut bytes = self.bytes.lock().unwrap_or_else(PoisonError::into_inner);
        let room = self.limit.saturating_sub(bytes.len());
        bytes.extend_from_slice(data.get(..room.min(data.len())).unwrap_or_default());
    }

    fn bytes(&self) -> Vec<u8> {
        self.bytes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn was_polled(&self) -> bool {
        self.polled.load(Ordering::Relaxed)
    }
}

pin_project! {
    /// A request body that keeps what is read of it.
    struct Counted<B> {
        #[pin]
        inner: B,
        read: BodyRead,
    }
}

impl<B: Body> Body for Counted<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        this.read.polled.store(true, Ordering::Relaxed);
        let frame = this.inner.poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &frame
            && let Some(data) = frame.data_ref()
        {
            this.read.keep(data.chunk());
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The address a capture's default replay goes to: the app when forwarding, else the
/// listener itself.
fn default_target(state: &Listener, capture: &Capture) -> String {
    state
        .forward_to
        .clone()
        .unwrap_or_else(|| format!("{}{}", state.base, capture.path))
}

/// The listener's address, for exports.
fn listener_url(state: &Listener, capture: &Capture) -> String {
    format!("{}{}", state.base, capture.path)
}
