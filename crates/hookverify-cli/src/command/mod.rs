//! The subcommands, and what they share: building the verifier and reading the body.

pub(crate) mod listen;
pub(crate) mod schemes;
pub(crate) mod send;
pub(crate) mod sign;
pub(crate) mod verify;

use std::io::Read as _;
use std::time::Duration;

use anyhow::{Context as _, bail};
use hookverify_core::{
    Algorithm, Encoding, KeyKind, PublicUrl, Scheme, Signer, SigningKey, Verifier,
};

use crate::cli::{AlgorithmName, BodyArgs, EncodingName, SchemeArgs, SigningArgs};

/// The scheme `--scheme` names, with the `hmac` options.
pub(crate) fn scheme(args: &SchemeArgs) -> anyhow::Result<Scheme> {
    if args.scheme != "hmac" {
        if args.header.is_some() || args.prefix.is_some() {
            bail!("--signature-header and --prefix only apply to --scheme hmac");
        }
        return Scheme::preset(&args.scheme)
            .with_context(|| format!("no scheme is named `{}`", args.scheme));
    }
    let Some(header) = &args.header else {
        bail!("--scheme hmac needs --signature-header");
    };
    let mut builder = Scheme::hmac(header.clone())
        .algorithm(match args.algorithm {
            AlgorithmName::Sha1 => Algorithm::Sha1,
            AlgorithmName::Sha256 => Algorithm::Sha256,
            AlgorithmName::Sha512 => Algorithm::Sha512,
        })
        .encoding(match args.encoding {
            EncodingName::Hex => Encoding::Hex,
            EncodingName::Base64 => Encoding::Base64,
            EncodingName::Base64url => Encoding::Base64Url,
        });
    if let Some(prefix) = &args.prefix {
        builder = builder.prefix(prefix.clone());
    }
    builder.build().context("invalid --scheme hmac options")
}

/// The verifier the scheme options describe, with an optional tolerance in seconds.
pub(crate) fn verifier(args: &SchemeArgs, tolerance: Option<u64>) -> anyhow::Result<Verifier> {
    verifier_at(args, tolerance, None)
}

/// [`verifier`], building the public URL of request-signing schemes (Twilio, Square, HubSpot)
/// from `origin` and the path and query as received.
pub(crate) fn verifier_at(
    args: &SchemeArgs,
    tolerance: Option<u64>,
    origin: Option<&str>,
) -> anyhow::Result<Verifier> {
    let scheme = scheme(args)?;
    if args.secrets.is_empty() && args.public_keys.is_empty() {
        match scheme.key_kind() {
            KeyKind::PublicKey => bail!("--scheme {} needs --public-key", args.scheme),
            _ => bail!("--scheme {} needs --secret", args.scheme),
        }
    }
    let mut builder = Verifier::builder(scheme);
    for secret in &args.secrets {
        builder = builder.secret(secret);
    }
    for key in &args.public_keys {
        builder = builder.public_key(key);
    }
    if let Some(seconds) = tolerance {
        builder = builder.tolerance(Duration::from_secs(seconds));
    }
    if let Some(origin) = origin {
        builder = builder.public_url(PublicUrl::origin(origin).context("invalid --public-url")?);
    }
    builder
        .build()
        .context("invalid --secret, --public-key or --tolerance")
}

/// The signer of `sign` and `send`: the private key when one is given, else the first secret.
pub(crate) fn signer(args: &SchemeArgs, signing: &SigningArgs) -> anyhow::Result<Signer> {
    let scheme = scheme(args)?;
    if let Some(text) = &signing.private_key {
        let key = signing_key(&scheme, text).context("invalid --private-key")?;
        return Signer::with_signing_key(scheme, &key).context("invalid --private-key");
    }
    let Some(secret) = args.secrets.first() else {
        match scheme.key_kind() {
            KeyKind::PublicKey => bail!("--scheme {} signs with --private-key", args.scheme),
            _ => bail!("--scheme {} needs --secret", args.scheme),
        }
    };
    Signer::new(scheme, secret).context("invalid --secret")
}

/// A private key, in the form the scheme's provider uses.
fn signing_key(scheme: &Scheme, text: &str) -> anyhow::Result<SigningKey> {
    Ok(match scheme.name() {
        "sendgrid" => SigningKey::p256(text)?,
        "discord" => SigningKey::ed25519_hex(text)?,
        _ => SigningKey::ed25519_standard_webhooks(text)?,
    })
}

/// The raw body, from `--body-file` or standard input.
pub(crate) fn read_body(args: &BodyArgs) -> anyhow::Result<Vec<u8>> {
    match args.body_file.as_deref() {
        Some(path) if path.as_os_str() != "-" => std::fs::read(path)
            .with_context(|| format!("cannot read --body-file {}", path.display())),
        _ => {
            let mut body = Vec::new();
            std::io::stdin()
                .read_to_end(&mut body)
                .context("cannot read the body from standard input")?;
            Ok(body)
        }
    }
}

/// A fresh message id in the style of Svix's: `msg_` and 27 random base62 characters.
pub(crate) fn fresh_id() -> anyhow::Result<String> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut random = [0u8; 27];
    getrandom::fill(&mut random)
        .map_err(|err| anyhow::anyhow!("no randomness for an id: {err}"))?;
    let id: String = random
        .iter()
        .filter_map(|byte| ALPHABET.get(usize::from(*byte) % ALPHABET.len()))
        .map(|&b| char::from(b))
        .collect();
    Ok(format!("msg_{id}"))
}
