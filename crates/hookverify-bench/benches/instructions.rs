//! Runs one contender of one preset's 256-byte delivery a given number of times, for
//! instruction counts under callgrind, which are stable on a shared machine where times are
//! not. `scripts/instructions.py` runs it twice per contender and takes the difference, so the
//! setup cancels out:
//!
//! ```sh
//! python3 scripts/instructions.py            # builds this binary, then every preset; or name some
//! ```
//!
//! Usage of the binary itself: `instructions PRESET hookverify|streaming|primitive ITERATIONS
//! [BYTES]` (a 256-byte body unless `BYTES` says otherwise), or `instructions --list` for the
//! presets' names.

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::print_stderr,
    missing_docs,
    reason = "a benchmark binary that reports on the console"
)]

mod common;

use std::process::ExitCode;

use common::Case;
use hookverify_core::Scheme;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args == ["--list"] {
        for preset in Scheme::presets() {
            println!("{}", preset.name());
        }
        return ExitCode::SUCCESS;
    }
    // `cargo bench` runs every bench binary with `--bench`: nothing to do then.
    let usage = "usage: instructions PRESET hookverify|streaming|primitive ITERATIONS [BYTES]";
    let (preset, contender, iterations, bytes) = match &args[..] {
        [preset, contender, iterations] => (preset, contender, iterations, "256"),
        [preset, contender, iterations, bytes] => (preset, contender, iterations, bytes.as_str()),
        _ if args.iter().any(|arg| arg == "--bench") => return ExitCode::SUCCESS,
        _ => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    let Some(scheme) = Scheme::preset(preset) else {
        eprintln!("no preset named {preset:?}");
        return ExitCode::from(2);
    };
    let Ok(iterations) = iterations.parse::<u32>() else {
        eprintln!("ITERATIONS must be a number");
        return ExitCode::from(2);
    };
    // Below 64 bytes the benches' body (a JSON event, or Twilio's form) would be cut short.
    let Some(bytes) = bytes.parse::<usize>().ok().filter(|&bytes| bytes >= 64) else {
        eprintln!("BYTES must be a number, at least 64");
        return ExitCode::from(2);
    };
    let case = Case::new(&scheme, bytes);
    let primitive = case.primitive();
    let run: &dyn Fn() = match contender.as_str() {
        "hookverify" => &|| case.verify(),
        "streaming" => &|| case.stream(),
        "primitive" => &primitive,
        _ => {
            eprintln!("the contender is hookverify, streaming or primitive");
            return ExitCode::from(2);
        }
    };
    for _ in 0..iterations {
        run();
    }
    ExitCode::SUCCESS
}
