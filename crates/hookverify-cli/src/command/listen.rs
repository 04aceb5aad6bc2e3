//! `hookverify listen`: a local receiver that shows what arrives.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use bytes::{Buf as _, Bytes};
use hookverify_core::{Verified, VerifyError};
use hookverify_tower::{VerifiedBody, VerifyWebhookLayer};
use http::{Request, Response};
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use pin_project_lite::pin_project;
use tokio::sync::Semaphore;
use tower::{Layer as _, ServiceExt as _};

use crate::cli::ListenArgs;
use crate::command::verifier;
use crate::exit_code::Outcome;

/// What the handler saw of a verified delivery, passed out to the log line.
#[derive(Clone)]
struct Delivery {
    verified: Verified,
    body: Bytes,
}

pub(crate) fn run(args: &ListenArgs) -> anyhow::Result<Outcome> {
    let verifier = verifier(&args.scheme, None)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let addr = listener.local_addr().context("no local address")?;
        println!(
            "listening on http://{addr} for {} deliveries (Ctrl-C to stop)",
            verifier.scheme().name()
        );

        let handler = tower::service_fn(|request: Request<VerifiedBody>| async move {
            let verified = request.extensions().get::<Verified>().cloned();
            let Ok(body) = request.into_body().collect().await;
            let mut response = Response::new(Full::new(Bytes::from_static(b"verified\n")));
            if let Some(verified) = verified {
                let body = body.to_bytes();
                response
                    .extensions_mut()
                    .insert(Delivery { verified, body });
            }
            Ok::<_, Infallible>(response)
        });
        let verify = VerifyWebhookLayer::new(verifier)
            .max_body_size(args.max_body_size)
            .body_timeout(args.body_timeout)
            .layer(handler);
        let print_body = args.print_body;
        let service = tower::service_fn(move |request: Request<Incoming>| {
            let line = Line::start(&request);
            let read = BodyRead::default();
            let request = request.map(|body| Counted {
                inner: body,
                read: read.clone(),
            });
            let verify = verify.clone();
            async move {
                let response = verify.oneshot(request).await?;
                line.finish(&response, &read, print_body);
                Ok::<_, Infallible>(response)
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
            tokio::spawn(async move {
                let connection = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(header_timeout)
                    .serve_connection(TokioIo::new(stream), service);
                if let Err(err) = connection.await {
                    eprintln!("connection error: {err}");
                }
                drop(permit);
            });
        }
    })
}

/// How much of a request body was read, and whether it was read at all.
#[derive(Clone, Default)]
struct BodyRead {
    bytes: Arc<AtomicU64>,
    polled: Arc<AtomicBool>,
}

impl BodyRead {
    /// `N bytes` when the body was read (as far as it was), `body unread` otherwise.
    fn describe(&self) -> String {
        if self.polled.load(Ordering::Relaxed) {
            format!("{} bytes", self.bytes.load(Ordering::Relaxed))
        } else {
            "body unread".to_owned()
        }
    }
}

pin_project! {
    /// A request body that counts what is read of it.
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
            let len = u64::try_from(data.remaining()).unwrap_or(u64::MAX);
            this.read.bytes.fetch_add(len, Ordering::Relaxed);
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

/// One line of output per delivery.
struct Line {
    method: String,
    path: String,
}

impl Line {
    fn start<B>(request: &Request<B>) -> Self {
        Self {
            method: request.method().to_string(),
            path: request.uri().path().to_owned(),
        }
    }

    fn finish<B>(self, response: &Response<B>, read: &BodyRead, print_body: bool) {
        let time = humantime::format_rfc3339_seconds(SystemTime::now());
        let Self { method, path } = self;
        if let Some(delivery) = response.extensions().get::<Delivery>() {
            println!(
                "{time} {method} {path} verified ({}), {} bytes",
                delivery.verified.scheme(),
                delivery.body.len()
            );
            if print_body {
                println!("{}", render(&delivery.body));
            }
        } else {
            let reason = response
                .extensions()
                .get::<VerifyError>()
                .map_or_else(|| "rejected".to_owned(), ToString::to_string);
            println!(
                "{time} {method} {path} rejected {}: {reason}, {}",
                response.status().as_u16(),
                read.describe()
            );
        }
    }
}

/// A body for the terminal: pretty JSON when it is JSON, text otherwise.
fn render(body: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(json) => serde_json::to_string_pretty(&json).unwrap_or_default(),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    }
}
