//! What hostile clients do to a webhook endpoint, as steps a test combines: each one is bounded
//! in time and says what it saw.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::{Connection, Response, request_head};

/// Signs a body: the headers its provider would send with it.
pub type Signer = Arc<dyn Fn(&[u8]) -> Vec<(String, String)> + Send + Sync>;

/// A verified webhook route under test.
#[derive(Clone)]
#[non_exhaustive]
pub struct Target {
    /// Where the server listens.
    pub addr: SocketAddr,
    /// The route's path.
    pub path: String,
    /// Signs deliveries the route accepts.
    pub sign: Signer,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("addr", &self.addr)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// A small JSON body every provider's route accepts once signed.
pub const BODY: &[u8] =
    br#"{"id":"evt_hostile","type":"payment_intent.succeeded","data":{"object":{}}}"#;

impl Target {
    /// A target at `addr` + `path`, signing with `sign`.
    pub fn new(
        addr: SocketAddr,
        path: impl Into<String>,
        sign: impl Fn(&[u8]) -> Vec<(String, String)> + Send + Sync + 'static,
    ) -> Self {
        Self {
            addr,
            path: path.into(),
            sign: Arc::new(sign),
        }
    }

    /// The head of a signed POST of `body`, announcing `content_length`.
    #[must_use]
    pub fn signed_head(&self, body: &[u8], content_length: usize) -> String {
        let mut headers = (self.sign)(body);
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        request_head("POST", &self.path, &headers, Some(content_length))
    }

    /// Sends a signed delivery of [`BODY`] on a new connection; its answer, within `patience`.
    pub async fn deliver(&self, patience: Duration) -> Option<Response> {
        let mut connection = Connection::open(self.addr).await;
        let mut request = self.signed_head(BODY, BODY.len()).into_bytes();
        request.extend_from_slice(BODY);
        connection.send(request).await.ok()?;
        connection.response(patience).await
    }

    /// `count` connections that each send a signed head announcing `announced` bytes, then
    /// `pieces` (one or two) one-byte pieces of body, and wait. Returns them open.
    pub async fn partial_bodies(
        &self,
        count: usize,
        announced: usize,
        pieces: usize,
    ) -> Vec<Connection> {
        let first = format!("{}{{", self.signed_head(b"never sent in full", announced));
        let mut open = Vec::with_capacity(count);
        for _ in 0..count {
            let mut connection = Connection::open(self.addr).await;
            if connection.send(&first).await.is_ok() {
                open.push(connection);
            }
        }
        if pieces > 1 {
            // The second piece goes out after every first one, so each arrives on its own.
            tokio::time::sleep(Duration::from_millis(50)).await;
            for connection in &mut open {
                let _ = connection.send(b" ").await;
            }
        }
        open
    }

    /// `count` connections that have sent part of a request head and wait.
    pub async fn partial_heads(&self, count: usize) -> Vec<Connection> {
        let mut open = Vec::with_capacity(count);
        for _ in 0..count {
            let mut connection = Connection::open(self.addr).await;
            let partial = format!("POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow", self.path);
            if connection.send(partial).await.is_ok() {
                open.push(connection);
            }
        }
        open
    }

    /// Dribbles a request head a byte every 200 ms: whether the server closed the connection
    /// within `patience`.
    pub async fn slow_head_is_closed_within(&self, patience: Duration) -> bool {
        let mut connection = Connection::open(self.addr).await;
        let head = self.signed_head(BODY, BODY.len());
        connection
            .dribble_until_closed(head, Duration::from_millis(200), patience)
            .await
    }

    /// Connects and says nothing: whether the server closed the connection within `patience`.
    pub async fn silent_connection_is_closed_within(&self, patience: Duration) -> bool {
        Connection::open(self.addr)
            .await
            .closed_within(patience)
            .await
    }

    /// Sends one complete (unsigned, empty) request, reads its answer, and then stays idle:
    /// whether the server closed the kept-alive connection within `patience` after answering.
    ///
    /// # Panics
    ///
    /// When the request gets no answer at all.
    pub async fn idle_keep_alive_is_closed_within(&self, patience: Duration) -> bool {
        let mut connection = Connection::open(self.addr).await;
        let request = request_head::<&str, &str>("POST", &self.path, &[], Some(0));
        connection.send(request).await.expect("the request is sent");
        let answer = connection.response(Duration::from_secs(10)).await;
        assert!(answer.is_some(), "an unsigned request got no answer");
        connection.closed_within(patience).await
    }

    /// Sends a signed head and the first 10 of its 100 announced body bytes, then waits: the
    /// answer within `patience`, and how long it took.
    pub async fn slow_body(&self, patience: Duration) -> (Option<Response>, Duration) {
        let mut connection = Connection::open(self.addr).await;
        let mut request = self.signed_head(&[b'x'; 100], 100).into_bytes();
        request.extend_from_slice(&[b'x'; 10]);
        let start = Instant::now();
        if connection.send(request).await.is_err() {
            return (None, start.elapsed());
        }
        let answer = connection.response(patience).await;
        (answer, start.elapsed())
    }

    /// Sends a head with `Expect: 100-continue` (signed when `signed`) and no body: the first
    /// response within `patience` (`100` if the server asks for the body), and the connection
    /// to go on with.
    ///
    /// # Panics
    ///
    /// When the head cannot be sent.
    pub async fn expect_continue(
        &self,
        signed: bool,
        patience: Duration,
    ) -> (Option<Response>, Connection) {
        let mut headers = if signed {
            (self.sign)(BODY)
        } else {
            Vec::new()
        };
        headers.push(("Expect".to_owned(), "100-continue".to_owned()));
        let head = request_head("POST", &self.path, &headers, Some(BODY.len()));
        let mut connection = Connection::open(self.addr).await;
        connection.send(head).await.expect("the head is sent");
        (connection.response(patience).await, connection)
    }
}

/// Polls `condition` every 10 ms until it holds or `patience` runs out; whether it held.
pub async fn eventually(patience: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + patience;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
