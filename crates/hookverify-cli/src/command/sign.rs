//! `hookverify sign`: the headers a provider would send.

use std::io::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use hookverify_core::SignOptions;

use crate::cli::SignArgs;
use crate::command::{fresh_id, read_body, signer};
use crate::exit_code::Outcome;

pub(crate) fn run(args: &SignArgs) -> anyhow::Result<Outcome> {
    let signer = signer(&args.scheme, &args.signing)?;
    let body = read_body(&args.body)?;
    let timestamp = match args.timestamp {
        Some(secs) => UNIX_EPOCH
            .checked_add(Duration::from_secs(secs))
            .context("--timestamp is out of range")?,
        None => SystemTime::now(),
    };
    let id = match &args.signing.id {
        Some(id) => id.clone(),
        None => fresh_id()?,
    };
    let mut options = SignOptions::at(timestamp).id(&id);
    if let Some(url) = &args.url {
        options = options.url(url);
    }
    if let Some(method) = &args.method {
        options = options.method(method);
    }
    let signed = signer.sign(&body, &options).context("cannot sign")?;
    for (name, value) in signed.headers() {
        println!("{name}: {value}");
    }
    // Schemes that sign inside the body (Mailgun, Linear): the body to send, after a blank line.
    if let Some(body) = signed.body() {
        println!();
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(body).context("cannot write the body")?;
        stdout.flush().context("cannot write the body")?;
    }
    Ok(Outcome::Success)
}
