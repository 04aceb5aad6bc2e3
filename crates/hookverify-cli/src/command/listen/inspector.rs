//! `listen --ui`: the inspector page and the JSON API it reads, on a loopback address.
//!
//! - `GET /api/deliveries[?verdict=verified|rejected&path=…&q=…]`: newest first.
//! - `GET /api/deliveries/{id}`: one capture, with its headers (signatures and secrets
//!   redacted), body, verdict, answers and exports.
//! - `POST /api/deliveries/{id}/replay` with `{"target": URL, "resign": bool, "new_id": bool}`:
//!   the target's answer.
//!
//! The API can make `listen` send requests, so it answers only requests addressed to its own
//! loopback address (`Host`), from its own page (`Origin`, when a browser sends one): a web
//! page elsewhere, or one reached through DNS rebinding, gets 403.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::capture::{Answer, Capture, Forward, Verdict};
use super::{Listener, default_target, listener_url, outbound};

/// The page, served as it is.
const PAGE: &str = include_str!("inspector.html");

/// The inspector's routes for `state`.
pub(super) fn router(state: Arc<Listener>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/deliveries", get(list))
        .route("/api/deliveries/{id}", get(detail))
        .route("/api/deliveries/{id}/replay", post(replay))
        .with_state(state)
        .layer(middleware::from_fn(same_origin))
}

/// Whether `host` (a `Host` header's value) names this machine's loopback: `localhost` or a
/// loopback address, with any port. A name that merely resolves there (DNS rebinding) does not.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(bracketed) => bracketed
            .split_once(']')
            .map_or(bracketed, |(name, _)| name),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Lets through requests addressed to the loopback and, when they say where they come from,
/// coming from the same address.
async fn same_origin(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .filter(|host| is_loopback_host(host));
    let Some(host) = host else {
        return (
            StatusCode::FORBIDDEN,
            "the inspector answers its own address only\n",
        )
            .into_response();
    };
    let origin_ok = headers
        .get(header::ORIGIN)
        .is_none_or(|origin| origin.to_str().ok() == Some(format!("http://{host}").as_str()));
    if !origin_ok {
        return (
            StatusCode::FORBIDDEN,
            "the inspector answers its own page only\n",
        )
            .into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        "no-store".parse().expect("a valid header"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        "nosniff".parse().expect("a valid header"),
    );
    response
}

async fn page() -> impl IntoResponse {
    let mut headers = HeaderMap::new();
    // The page renders delivery data as text only; nothing but itself may run.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
         connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
         frame-ancestors 'none'"
            .parse()
            .expect("a valid header"),
    );
    (headers, Html(PAGE))
}

/// Which captures the list shows.
#[derive(Debug, Deserialize)]
struct Filter {
    /// `verified` or `rejected`.
    verdict: Option<String>,
    /// Part of the path.
    path: Option<String>,
    /// Text in the (redacted) headers or the body, case-insensitive.
    q: Option<String>,
}

/// A capture in the list.
#[derive(Debug, Serialize)]
struct Summary {
    id: u64,
    method: String,
    path: String,
    received_at: String,
    verified: bool,
    reason: String,
    scheme: String,
    status: u16,
}

impl Summary {
    fn of(capture: &Capture) -> Self {
        Self {
            id: capture.id,
            method: capture.method.clone(),
            path: capture.path.clone(),
            received_at: capture.received_at.clone(),
            verified: capture.verdict.verified,
            reason: capture.verdict.reason.clone(),
            scheme: capture.verdict.scheme.clone(),
            status: capture.answer.status,
        }
    }
}

async fn list(
    State(state): State<Arc<Listener>>,
    Query(filter): Query<Filter>,
) -> Json<Vec<Summary>> {
    let text = filter.q.as_deref().map(str::to_lowercase);
    let shown = state
        .captures
        .newest_first()
        .into_iter()
        .filter(|capture| match filter.verdict.as_deref() {
            Some("verified") => capture.verdict.verified,
            Some("rejected") => !capture.verdict.verified,
            _ => true,
        })
        .filter(|capture| {
            filter
                .path
                .as_deref()
                .is_none_or(|path| capture.path.contains(path))
        })
        .filter(|capture| {
            text.as_deref().is_none_or(|text| {
                state
                    .redaction
                    .headers(&capture.headers)
                    .iter()
                    .any(|(name, value)| {
                        name.to_lowercase().contains(text) || value.to_lowercase().contains(text)
                    })
                    || String::from_utf8_lossy(&capture.body)
                        .to_lowercase()
                        .contains(text)
            })
        })
        .map(|capture| Summary::of(&capture))
        .collect();
    Json(shown)
}

/// One capture, as the page shows it.
#[derive(Debug, Serialize)]
struct Detail {
    #[serde(flatten)]
    summary: Summary,
    headers: Vec<(String, String)>,
    /// The body as text (invalid UTF-8 replaced).
    body: String,
    body_size: usize,
    body_read: bool,
    verdict: Verdict,
    answer: Answer,
    forward: Option<Forward>,
    /// The delivery as a `curl` command, signatures redacted.
    curl: String,
    /// The `hookverify verify` command that checks the capture again.
    verify_command: String,
    /// Where a replay goes unless told otherwise.
    default_target: String,
}

async fn detail(
    State(state): State<Arc<Listener>>,
    Path(id): Path<u64>,
) -> Result<Json<Detail>, StatusCode> {
    let capture = state.captures.get(id).ok_or(StatusCode::NOT_FOUND)?;
    let headers = state.redaction.headers(&capture.headers);
    let body = String::from_utf8_lossy(&capture.body).into_owned();
    Ok(Json(Detail {
        summary: Summary::of(&capture),
        curl: curl(
            &capture.method,
            &listener_url(&state, &capture),
            &headers,
            &body,
        ),
        verify_command: verify_command(&state, &capture),
        default_target: default_target(&state, &capture),
        headers,
        body,
        body_size: capture.body.len(),
        body_read: capture.body_read,
        verdict: capture.verdict.clone(),
        answer: capture.answer.clone(),
        forward: capture.forward.clone(),
    }))
}

/// What the page asks to replay.
#[derive(Debug, Deserialize)]
struct Replay {
    target: String,
    resign: bool,
    #[serde(default)]
    new_id: bool,
}

async fn replay(
    State(state): State<Arc<Listener>>,
    Path(id): Path<u64>,
    Json(replay): Json<Replay>,
) -> Response {
    let Some(capture) = state.captures.get(id) else {
        return (StatusCode::NOT_FOUND, "no such capture\n").into_response();
    };
    match outbound::replay(
        &state,
        &capture,
        &replay.target,
        replay.resign,
        replay.new_id,
    )
    .await
    {
        Ok(answer) => Json(answer).into_response(),
        Err(err) => (StatusCode::BAD_GATEWAY, format!("{err:#}\n")).into_response(),
    }
}

/// `text` quoted for a POSIX shell.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The delivery as a `curl` command sending the same method, headers and body to `url`.
fn curl(method: &str, url: &str, headers: &[(String, String)], body: &str) -> String {
    let mut command = format!(
        "printf '%s' {} | curl -sS -X {method} {}",
        quoted(body),
        quoted(url)
    );
    for (name, value) in headers {
        let lower = name.to_ascii_lowercase();
        if lower != "host" && lower != "content-length" {
            command.push_str(" -H ");
            command.push_str(&quoted(&format!("{name}: {value}")));
        }
    }
    command.push_str(" --data-binary @-");
    command
}

/// The command that verifies the capture again, as of when it arrived, with the secret from
/// `HOOKVERIFY_SECRET`.
fn verify_command(state: &Listener, capture: &Capture) -> String {
    let mut command = format!(
        "HOOKVERIFY_SECRET=… hookverify verify --scheme {} --capture {}",
        state.verifier.scheme().name(),
        capture.id
    );
    if let Some(store) = &state.store {
        command.push_str(" --store ");
        command.push_str(&quoted(&store.display().to_string()));
    }
    command
}
