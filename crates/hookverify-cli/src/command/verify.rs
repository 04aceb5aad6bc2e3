//! `hookverify verify`: check a captured delivery.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};
use hookverify_core::Request;

use crate::cli::VerifyArgs;
use crate::command::{read_body, verifier};
use crate::exit_code::Outcome;

pub(crate) fn run(args: &VerifyArgs) -> anyhow::Result<Outcome> {
    let verifier = verifier(&args.scheme, args.tolerance)?;
    let body = read_body(&args.body)?;
    let now = match args.now {
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
    let mut request = Request::new(&args.headers);
    if let Some(url) = &args.url {
        request = request.url(url);
    }
    if let Some(method) = &args.method {
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
