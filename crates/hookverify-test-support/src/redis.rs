//! [`RedisServer`]: a real `redis-server` for one test, on an ephemeral loopback port.

use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long `redis-server` may take to answer its first `PING`.
const STARTUP: Duration = Duration::from_secs(20);

/// A `redis-server` (Debian's package `redis-server`) started for one test, bound to
/// 127.0.0.1 on a port that was free, with no persistence and a temporary directory. It is
/// killed, and its directory removed, when dropped.
#[derive(Debug)]
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

impl RedisServer {
    /// Starts one.
    ///
    /// # Panics
    ///
    /// When `redis-server` is not installed (`.ci/run` installs it) or does not answer.
    #[must_use]
    pub fn start() -> Self {
        installed();
        let dir = std::env::temp_dir().join(format!(
            "hookverify-redis-{}-{}",
            std::process::id(),
            unique()
        ));
        std::fs::create_dir_all(&dir).expect("a temporary directory for redis-server");
        // A port that was free a moment ago; a clash is retried with another.
        for _ in 0..5 {
            let port = free_port();
            let mut server = Self {
                child: None,
                port,
                dir: dir.clone(),
            };
            if server.run() {
                return server;
            }
        }
        panic!("redis-server did not start (is the `redis-server` package installed?)");
    }

    /// `redis://127.0.0.1:PORT/`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Stops it (Redis down), keeping its port for [`restart`](Self::restart).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, empty.
    ///
    /// # Panics
    ///
    /// When it does not answer.
    pub fn restart(&mut self) {
        self.stop();
        assert!(
            self.run(),
            "redis-server did not restart on port {}",
            self.port
        );
    }

    /// Starts the process and waits for its `PONG`; `false` if it exits or stays silent.
    fn run(&mut self) -> bool {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot run redis-server: install the Debian package `redis-server`");
        self.child = Some(child);
        let deadline = Instant::now() + STARTUP;
        while Instant::now() < deadline {
            if self.pong() {
                return true;
            }
            let exited = self
                .child
                .as_mut()
                .is_some_and(|child| matches!(child.try_wait(), Ok(Some(_))));
            if exited {
                self.child = None;
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.stop();
        false
    }

    fn pong(&self) -> bool {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
        let mut reply = [0u8; 7];
        stream.write_all(b"PING\r\n").is_ok()
            && stream.read_exact(&mut reply).is_ok()
            && &reply == b"+PONG\r\n"
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Makes sure `redis-server` is there: on a fresh Debian machine (as the README's test command
/// may be run), it installs Debian's package once, as `.ci/run` does.
fn installed() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let present = Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if present {
            return;
        }
        let installed = Command::new("apt-get")
            .args(["install", "-y", "-qq", "redis-server"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        assert!(
            installed,
            "redis-server is missing and `apt-get install redis-server` failed: install it"
        );
    });
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
