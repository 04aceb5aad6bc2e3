//! `hookverify schemes`: the registry, for people.

use std::fmt::Write as _;

use hookverify_core::{KeyKind, Preset, Scheme};

use crate::cli::SchemesArgs;
use crate::exit_code::Outcome;

pub(crate) fn run(args: &SchemesArgs) -> Outcome {
    if args.markdown {
        print!("{}", markdown());
        return Outcome::Success;
    }
    let Some(name) = &args.name else {
        print_all();
        return Outcome::Success;
    };
    match Scheme::presets()
        .iter()
        .find(|preset| preset.name() == name || preset.aliases().contains(&name.as_str()))
    {
        Some(preset) => print_one(preset),
        None => println!(
            "hmac: a generic HMAC scheme of --signature-header, --algorithm, --encoding and --prefix"
        ),
    }
    Outcome::Success
}

/// The README's table: one row per preset, from the registry.
fn markdown() -> String {
    let mut table = String::from(
        "| scheme | headers | signed | key | tolerance |\n|--------|---------|--------|-----|-----------|\n",
    );
    for preset in Scheme::presets() {
        let headers = if preset.headers().is_empty() {
            "(in the body)".to_owned()
        } else {
            preset
                .headers()
                .iter()
                .map(|header| format!("`{header}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            table,
            "| [`{}`]({}) | {headers} | {} | {} | {} |",
            preset.name(),
            preset.documentation(),
            preset.signed_content(),
            key(preset),
            tolerance(preset),
        );
    }
    table
}

fn print_all() {
    for preset in Scheme::presets() {
        let headers = if preset.headers().is_empty() {
            "(the signature is in the body)".to_owned()
        } else {
            preset.headers().join(", ")
        };
        println!(
            "{:22} {:10} {:14} {headers}",
            preset.name(),
            key(preset),
            tolerance(preset),
        );
    }
    println!(
        "{:22} {:10} {:14} --signature-header (with --algorithm, --encoding, --prefix)",
        "hmac", "secret", "-"
    );
    println!("\n`hookverify schemes NAME` shows what a scheme signs and where it is documented.");
}

fn print_one(preset: &Preset) {
    println!("name:       {}", preset.name());
    if !preset.aliases().is_empty() {
        println!("aliases:    {}", preset.aliases().join(", "));
    }
    let headers = preset.headers();
    println!(
        "headers:    {}",
        if headers.is_empty() {
            "none: the signature is in the body".to_owned()
        } else {
            headers.join(", ")
        }
    );
    println!("signed:     {}", preset.signed_content());
    println!("key:        {}", key(preset));
    println!("tolerance:  {}", tolerance(preset));
    println!("docs:       {}", preset.documentation());
}

fn key(preset: &Preset) -> &'static str {
    match preset.key_kind() {
        KeyKind::PublicKey => "public key",
        _ => "secret",
    }
}

fn tolerance(preset: &Preset) -> String {
    match preset.default_tolerance() {
        Some(tolerance) if preset.tolerance_is_inclusive() => format!("{} s", tolerance.as_secs()),
        Some(tolerance) => format!("< {} s", tolerance.as_secs()),
        None => "no timestamp".to_owned(),
    }
}
