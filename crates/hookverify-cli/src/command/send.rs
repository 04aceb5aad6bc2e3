//! `hookverify send`: POST a freshly signed delivery.

use std::time::SystemTime;

use anyhow::{Context as _, bail};
use bytes::Bytes;
use hookverify_core::SignOptions;
use http::{HeaderName, HeaderValue, Request, header};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::cli::SendArgs;
use crate::command::{fresh_id, read_body, signer};
use crate::exit_code::Outcome;

pub(crate) fn run(args: &SendArgs) -> anyhow::Result<Outcome> {
    if args.url.scheme_str() != Some("http") {
        bail!("--url must be an http:// URL (https is not supported: point it at your dev server)");
    }
    let signer = signer(&args.scheme, &args.signing)?;
    let body = read_body(&args.body)?;
    let id = match &args.signing.id {
        Some(id) => id.clone(),
        None => fresh_id()?,
    };
    let url = args.url.to_string();
    let public_url = args.public_url.as_deref().unwrap_or(&url);
    let signed = signer
        .sign(
            &body,
            &SignOptions::at(SystemTime::now()).id(&id).url(public_url),
        )
        .context("cannot sign")?;
    let (signed, rewritten) = signed.into_parts();
    let body = rewritten.unwrap_or(body);

    let mut request = Request::post(args.url.clone());
    let headers = request.headers_mut().context("cannot build the request")?;
    // Twilio posts forms; everyone else here posts JSON. `-H` overrides it.
    let content_type = if signer.scheme().name() == "twilio" {
        "application/x-www-form-urlencoded"
    } else {
        "application/json"
    };
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    for (name, value) in signed.iter().chain(&args.headers) {
        let name = HeaderName::from_bytes(name.as_bytes())
            .with_context(|| format!("`{name}` is not a header name"))?;
        let value = HeaderValue::from_str(value)
            .with_context(|| format!("the value of `{name}` is not a valid header value"))?;
        // Extra headers replace defaults (such as the content type); they never add a second
        // signature header.
        headers.insert(name, value);
    }
    let request = request
        .body(Full::new(Bytes::from(body)))
        .context("cannot build the request")?;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let client = Client::builder(TokioExecutor::new()).build_http();
        let response = match client.request(request).await {
            Ok(response) => response,
            Err(err) => {
                eprintln!("cannot reach {}: {err}", args.url);
                return Ok(Outcome::Rejected);
            }
        };
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .context("cannot read the response body")?
            .to_bytes();
        println!("HTTP {status}");
        if !body.is_empty() {
            println!("{}", String::from_utf8_lossy(&body).trim_end());
        }
        Ok(if status.is_success() {
            Outcome::Success
        } else {
            Outcome::Rejected
        })
    })
}
