//! The `hookverify` command: sign, verify, send and listen for signed webhook deliveries.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool reports on its standard streams"
)]

mod cli;
mod command;
mod exit_code;

use std::process::ExitCode;

use clap::Parser as _;

use crate::cli::{Cli, Command};
use crate::exit_code::Outcome;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(outcome) => outcome.into(),
        Err(err) => {
            eprintln!("error: {err:#}");
            Outcome::Usage.into()
        }
    }
}

/// Runs a command; errors are usage or configuration errors (exit 2).
fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Sign(args) => command::sign::run(&args),
        Command::Verify(args) => command::verify::run(&args),
        Command::Send(args) => command::send::run(&args),
        Command::Listen(args) => command::listen::run(&args),
        Command::Schemes(args) => Ok(command::schemes::run(&args)),
    }
}
