//! `hookverify listen`: a local receiver that shows what arrives.

use std::convert::Infallible;
use std::time::SystemTime;

use anyhow::Context as _;
use bytes::Bytes;
use hookverify_core::{Verified, VerifyError};
use hookverify_tower::{VerifiedBody, VerifyWebhookLayer};
use http::{Request, Response, header};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
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
            .layer(handler);
        let print_body = args.print_body;
        let service = tower::service_fn(move |request: Request<Incoming>| {
            let line = Line::start(&request);
            let verify = verify.clone();
            async move {
                let response = verify.oneshot(request).await?;
                line.finish(&response, print_body);
                Ok::<_, Infallible>(response)
            }
        });

        loop {
            let (stream, _) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(err) => {
                    eprintln!("accept failed: {err}");
                    continue;
                }
            };
            let service = TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                let connection = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service);
                if let Err(err) = connection.await {
                    eprintln!("connection error: {err}");
                }
            });
        }
    })
}

/// One line of output per delivery.
struct Line {
    method: String,
    path: String,
    announced: Option<String>,
}

impl Line {
    fn start<B>(request: &Request<B>) -> Self {
        Self {
            method: request.method().to_string(),
            path: request.uri().path().to_owned(),
            announced: request
                .headers()
                .get(header::CONTENT_LENGTH)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned),
        }
    }

    fn finish<B>(self, response: &Response<B>, print_body: bool) {
        let time = humantime::format_rfc3339_seconds(SystemTime::now());
        let Self {
            method,
            path,
            announced,
        } = self;
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
            let size = announced.map_or_else(|| "unread".to_owned(), |len| format!("{len} bytes"));
            println!(
                "{time} {method} {path} rejected {}: {reason}, {size}",
                response.status().as_u16()
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
