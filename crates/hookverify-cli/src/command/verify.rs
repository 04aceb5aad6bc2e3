//! `hookverify verify`: check a captured delivery.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};
use hookverify_core::Request;

use crate::cli::VerifyArgs;
use crate::command::listen::{Capture, Captures, default_store};
use crate::command::{read_body, verifier};
use crate::exit_code::Outcome;

pub(crate) fn run(args: &VerifyArgs) -> anyhow::Result<Outcome> {
    let verifier = verifier(&args.scheme, args.tolerance)?;
    let captured = args.capture.map(|id| captured(args, id)).transpose()?;
    let (headers, body, method, at) = match captured {
        Some(capture) => (
            capture.headers,
            capture.body,
            Some(capture.method),
            Some(capture.received_unix),
        ),
        None => (args.headers.clone(), read_body(&args.body)?, None, None),
    };
    let now = match args.now.or(at) {
        Some(secs) => UNIX_EPOCH
            .checked_add(Duration::from_secs(secs))
            .context("--now is out of range")?,
        None => SystemTime::now(),
    };
    if verifier.scheme().signs_request() && args.url.is_none() {
        bail!(
            "--scheme {} signs the request URL: give --url (and --method if not POST)",
            args.scheme.scheme
        );
    }
    let mut request = Request::new(&headers);
    if let Some(url) = &args.url {
        request = request.url(url);
    }
    if let Some(method) = args.method.as_ref().or(method.as_ref()) {
        request = request.method(method);
    }
    match verifier.verify(request, &body, now) {
        Ok(verified) => {
            println!("verified");
            println!("scheme: {}", verified.scheme());
            println!("key: {}", verified.secret_index() + 1);
            if let Some(timestamp) = verified.timestamp() {
                println!(
                    "timestamp: {}",
                    humantime::format_rfc3339_seconds(timestamp)
                );
            }
            if let Some(id) = verified.id() {
                println!("id: {id}");
            }
            Ok(Outcome::Success)
        }
        Err(error) => {
            eprintln!("rejected ({}): {error}", error.status_code());
            Ok(Outcome::Rejected)
        }
    }
}

/// The capture `id` of `listen`'s store.
fn captured(args: &VerifyArgs, id: u64) -> anyhow::Result<Capture> {
    let store = args
        .store
        .clone()
        .or_else(default_store)
        .context("no data directory: give --store")?;
    let captures = Captures::open(Some(store.clone()), usize::MAX)?;
    let capture = captures
        .get(id)
        .with_context(|| format!("no capture {id} in {}", store.display()))?;
    Ok((*capture).clone())
}
