//! What `listen` sends: verified deliveries forwarded to the app, and replays of captures,
//! verbatim or re-signed.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use anyhow::{Context as _, bail};
use bytes::Bytes;
use hookverify_core::SignOptions;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Uri};
use http_body_util::{BodyExt as _, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::Listener;
use super::capture::{Answer, Capture, Forward};
use crate::command::fresh_id;

/// How long the app (or a replay's target) may take to answer.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// How much of an answer's body is kept.
const MAX_ANSWER_BODY: usize = 64 * 1024;

/// Headers that belong to one connection, never sent on: the client sets its own.
const HOP_BY_HOP: [&str; 10] = [
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "proxy-connection",
    "expect",
];

fn client() -> &'static Client<HttpConnector, Full<Bytes>> {
    static CLIENT: OnceLock<Client<HttpConnector, Full<Bytes>>> = OnceLock::new();
    CLIENT.get_or_init(|| Client::builder(TokioExecutor::new()).build_http())
}

/// `target` as a URI `listen` can send to: `http://host[:port]/…`.
pub(crate) fn check_target(target: &str) -> anyhow::Result<Uri> {
    let uri: Uri = target
        .parse()
        .with_context(|| format!("`{target}` is not a URL"))?;
    if uri.scheme_str() != Some("http") || uri.host().is_none() {
        bail!("`{target}` is not an http:// URL (the app is reached over plain HTTP)");
    }
    Ok(uri)
}

/// Sends `body` with `headers` (hop-by-hop ones left out) to `target`; the answer, or why
/// there was none.
pub(crate) async fn send(
    method: Method,
    target: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Answer, String> {
    let uri = check_target(target).map_err(|err| format!("{err:#}"))?;
    let mut request = Request::new(Full::new(body));
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    for (name, value) in headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            request.headers_mut().append(name, value.clone());
        }
    }
    let response = tokio::time::timeout(ANSWER_TIMEOUT, client().request(request))
        .await
        .map_err(|_| format!("no answer within {}s", ANSWER_TIMEOUT.as_secs()))?
        .map_err(|err| format!("{target}: {err}"))?;
    let status = response.status().as_u16();
    let body = Limited::new(response.into_body(), MAX_ANSWER_BODY)
        .collect()
        .await
        .map_or_else(
            |err| format!("(the answer's body could not be read: {err})"),
            |body| String::from_utf8_lossy(&body.to_bytes()).into_owned(),
        );
    Ok(Answer { status, body })
}

/// Forwards a verified delivery to the app exactly as it arrived: method, path's target,
/// headers and body.
pub(crate) async fn forward(target: &str, parts: &http::request::Parts, body: Bytes) -> Forward {
    Forward {
        target: target.to_owned(),
        outcome: send(parts.method.clone(), target, &parts.headers, body).await,
    }
}

/// Sends `capture` to `target` again: as it arrived, or re-signed now (with a new id when
/// `new_id`, else the captured one).
pub(crate) async fn replay(
    state: &Listener,
    capture: &Capture,
    target: &str,
    resign: bool,
    new_id: bool,
) -> anyhow::Result<Answer> {
    check_target(target)?;
    let method = Method::from_bytes(capture.method.as_bytes()).context("the captured method")?;
    let mut headers = HeaderMap::new();
    for (name, value) in &capture.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.append(name, value);
        }
    }
    let mut body = Bytes::from(capture.body.clone());
    if resign {
        let signer = state.signer.as_ref().context(
            "no key to re-sign with: start listen with --secret (or --private-key for schemes \
             the provider signs with its own key)",
        )?;
        let id = match (&capture.verdict.signed_id, new_id) {
            (Some(id), false) => id.clone(),
            _ => fresh_id()?,
        };
        let options = SignOptions::at(SystemTime::now())
            .id(&id)
            .method(&capture.method)
            .url(target);
        let signed = signer
            .sign(&body, &options)
            .context("cannot re-sign the delivery")?;
        for (name, _) in signed.headers() {
            headers.remove(name.as_str());
        }
        for (name, value) in signed.headers() {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).context("a signed header's name")?,
                HeaderValue::from_str(value).context("a signed header's value")?,
            );
        }
        if let Some(signed_body) = signed.body() {
            body = Bytes::copy_from_slice(signed_body);
        }
    }
    send(method, target, &headers, body)
        .await
        .map_err(anyhow::Error::msg)
}
