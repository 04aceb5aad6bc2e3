//! `hookverify sign`: the headers a provider would send.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use hookverify_core::SignOptions;

use crate::cli::SignArgs;
use crate::command::{fresh_id, read_body, verifier};
use crate::exit_code::Outcome;

pub(crate) fn run(args: &SignArgs) -> anyhow::Result<Outcome> {
    let verifier = verifier(&args.scheme, None)?;
    let body = read_body(&args.body)?;
    let timestamp = match args.timestamp {
        Some(secs) => UNIX_EPOCH
            .checked_add(Duration::from_secs(secs))
            .context("--timestamp is out of range")?,
        None => SystemTime::now(),
    };
    let id = match &args.id {
        Some(id) => id.clone(),
        None => fresh_id()?,
    };
    let headers = verifier
        .sign(&body, &SignOptions::at(timestamp).id(&id))
        .context("cannot sign")?;
    for (name, value) in headers {
        println!("{name}: {value}");
    }
    Ok(Outcome::Success)
}
