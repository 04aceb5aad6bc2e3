//! [`ServerProcess`]: a server under test, started as its own process.

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long a server may take to print the address it listens on.
const STARTUP: Duration = Duration::from_secs(60);

/// A server running as a child process, found by the `http://ADDR` it prints when it listens.
/// It is killed when dropped, so no server outlives its test.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    addr: SocketAddr,
    lines: Receiver<String>,
}

impl ServerProcess {
    /// Starts `command` and waits for the first line of its standard output that names
    /// `http://ADDR`.
    ///
    /// # Panics
    ///
    /// When it cannot start, exits, or prints no address within a minute.
    #[must_use]
    pub fn start(mut command: Command) -> Self {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {command:?}: {error}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let (send, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + STARTUP;
        let addr = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = lines.recv_timeout(left) else {
                let _ = child.kill();
                panic!("{command:?} printed no `http://ADDR` line");
            };
            if let Some(addr) = address_in(&line) {
                break addr;
            }
        };
        Self { child, addr, lines }
    }

    /// The address it listens on.
    #[must_use]
    pub const fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How it ended, if it has.
    ///
    /// # Panics
    ///
    /// When its status cannot be read.
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("the child's status")
    }

    /// The next line it prints within `patience` that satisfies `wanted`; the others are
    /// skipped.
    pub fn line_where(&self, patience: Duration, wanted: impl Fn(&str) -> bool) -> Option<String> {
        let deadline = Instant::now() + patience;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if wanted(&line) => return Some(line),
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `ADDR` of the first `http://ADDR/…` (or `https://ADDR/…`) in `line`.
fn address_in(line: &str) -> Option<SocketAddr> {
    let rest = line
        .split_once("http://")
        .or_else(|| line.split_once("https://"))?
        .1;
    let end = rest
        .find(|c: char| c == '/' || c.is_whitespace())
        .unwrap_or(rest.len());
    rest.get(..end)?.parse().ok()
}

/// A command running the example `name` of the package under test, as `cargo test` built it
/// (into `target/<profile>/examples/`, beside the test binary's `deps/`).
///
/// # Panics
///
/// When the example was not built: `cargo test` builds examples with the tests, but
/// `cargo test --test NAME` alone does not (run `cargo build --examples` first).
#[must_use]
pub fn example(name: &str) -> Command {
    let test_binary = std::env::current_exe().expect("the test binary's path");
    let profile = test_binary
        .parent()
        .and_then(std::path::Path::parent)
        .expect("the test binary sits in target/<profile>/deps");
    let path: PathBuf = profile.join("examples").join(name);
    assert!(
        path.exists(),
        "example `{name}` is not built at {}: run `cargo build --examples --all-features` \
         (a full `cargo test` builds it)",
        path.display()
    );
    Command::new(path)
}

/// `command` under an address-space limit of `bytes` (`RLIMIT_AS`, as `ulimit -v` or systemd's
/// `LimitAS=` set), through util-linux's `prlimit`.
#[must_use]
pub fn address_space_limited(command: &Command, bytes: u64) -> Command {
    let mut limited = Command::new("prlimit");
    limited
        .arg(format!("--as={bytes}"))
        .arg("--")
        .arg(command.get_program())
        .args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => limited.env(key, value),
            None => limited.env_remove(key),
        };
    }
    limited
}
