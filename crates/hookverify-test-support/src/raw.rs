//! [`Connection`]: one raw TCP connection, driven byte by byte.

use std::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

/// A raw HTTP/1.1 connection: what is sent is exactly what the test writes, and what comes back
/// is read as bytes.
#[derive(Debug)]
pub struct Connection {
    stream: TcpStream,
    /// Bytes read but not yet returned as a response.
    unread: Vec<u8>,
}

/// One response read off a [`Connection`]: an interim `100 Continue` or a final answer.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The status line and headers, as text.
    pub head: String,
    /// The body, as long as `Content-Length` said (empty without one).
    pub body: Vec<u8>,
}

impl Response {
    /// The body as text.
    #[must_use]
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Connection {
    /// Connects to `addr`.
    ///
    /// # Panics
    ///
    /// When the connection cannot be made.
    pub async fn open(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr)
            .await
            .unwrap_or_else(|error| panic!("cannot connect to {addr}: {error}"));
        stream.set_nodelay(true).expect("TCP_NODELAY");
        Self {
            stream,
            unread: Vec::new(),
        }
    }

    /// Writes `bytes` at once. Fails when the server has closed the connection.
    ///
    /// # Errors
    ///
    /// The write's error.
    pub async fn send(&mut self, bytes: impl AsRef<[u8]>) -> io::Result<()> {
        self.stream.write_all(bytes.as_ref()).await?;
        self.stream.flush().await
    }

    /// Closes the sending side: the server reads the end of the stream.
    ///
    /// # Errors
    ///
    /// The shutdown's error.
    pub async fn half_close(&mut self) -> io::Result<()> {
        self.stream.shutdown().await
    }

    /// Writes `bytes` one at a time, `every` apart, as a slow client does.
    ///
    /// # Errors
    ///
    /// The first write that fails (the server closed the connection).
    pub async fn dribble(&mut self, bytes: impl AsRef<[u8]>, every: Duration) -> io::Result<()> {
        for byte in bytes.as_ref() {
            self.send([*byte]).await?;
            tokio::time::sleep(every).await;
        }
        Ok(())
    }

    /// Sends one request on a fresh connection to `addr` — `Host` set to `addr` unless
    /// `headers` has one, and a `Content-Length` — and reads its answer.
    ///
    /// # Panics
    ///
    /// When the connection cannot be made or written to, or no whole answer arrives within
    /// `patience`.
    pub async fn exchange(
        addr: SocketAddr,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: &[u8],
        patience: Duration,
    ) -> Response {
        let mut headers = headers.to_vec();
        if !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("host"))
        {
            headers.push(("Host".to_owned(), addr.to_string()));
        }
        let mut connection = Self::open(addr).await;
        let head = request_head(method, path, &headers, Some(body.len()));
        connection
            .send([head.as_bytes(), body].concat())
            .await
            .expect("the request is sent");
        connection
            .response(patience)
            .await
            .unwrap_or_else(|| panic!("no answer to {method} {path} from {addr}"))
    }

    /// The next response, or `None` when the connection closes (or `patience` runs out) before a
    /// whole one arrives.
    pub async fn response(&mut self, patience: Duration) -> Option<Response> {
        self.next_response(patience, true).await
    }

    /// The next response to a `HEAD` request: its head alone, whatever `Content-Length` says.
    pub async fn head_response(&mut self, patience: Duration) -> Option<Response> {
        self.next_response(patience, false).await
    }

    async fn next_response(&mut self, patience: Duration, with_body: bool) -> Option<Response> {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(response) = self.take_response(with_body) {
                return Some(response);
            }
            if !self.read_more(deadline).await {
                return None;
            }
        }
    }

    /// Writes `bytes` one at a time, `every` apart, until the server closes the connection;
    /// whether it did within `patience`. Anything it answers first (such as a 408) is
    /// discarded.
    pub async fn dribble_until_closed(
        &mut self,
        bytes: impl AsRef<[u8]>,
        every: Duration,
        patience: Duration,
    ) -> bool {
        let deadline = Instant::now() + patience;
        for byte in bytes.as_ref().iter().cycle() {
            if Instant::now() >= deadline {
                return false;
            }
            if self.send([*byte]).await.is_err() {
                return true;
            }
            let mut buffer = [0u8; 4096];
            let read = tokio::time::timeout(every, self.stream.read(&mut buffer)).await;
            if let Ok(Ok(0) | Err(_)) = read {
                return true;
            }
        }
        false
    }

    /// Whether the server closes the connection within `patience`; anything it sends first
    /// (such as a 408) is read and discarded.
    pub async fn closed_within(&mut self, patience: Duration) -> bool {
        let deadline = Instant::now() + patience;
        loop {
            let mut buffer = [0u8; 4096];
            match timeout_at(deadline, self.stream.read(&mut buffer)).await {
                Err(_elapsed) => return false,
                Ok(Ok(0) | Err(_)) => return true,
                Ok(Ok(_)) => {}
            }
        }
    }

    /// Reads what is there; false on close, error or deadline.
    async fn read_more(&mut self, deadline: Instant) -> bool {
        self.unread.reserve(4096);
        matches!(
            timeout_at(deadline, self.stream.read_buf(&mut self.unread)).await,
            Ok(Ok(read)) if read > 0
        )
    }

    /// A whole response from the bytes read so far, if there is one.
    fn take_response(&mut self, with_body: bool) -> Option<Response> {
        let end = self.unread.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
        let head = String::from_utf8_lossy(self.unread.get(..end)?).into_owned();
        let status = head.split_whitespace().nth(1)?.parse().ok()?;
        let length = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        let length = if with_body { length } else { 0 };
        let body = self.unread.get(end..end.checked_add(length)?)?.to_vec();
        self.unread.drain(..end + length);
        Some(Response { status, head, body })
    }
}

/// The head of an HTTP/1.1 request: request line, `Host: 127.0.0.1` (unless the given headers
/// have their own `Host`), the given headers, and a `Content-Length` when one is given.
#[must_use]
pub fn request_head<N, V>(
    method: &str,
    path: &str,
    headers: &[(N, V)],
    content_length: Option<usize>,
) -> String
where
    N: AsRef<str>,
    V: AsRef<str>,
{
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    if !headers
        .iter()
        .any(|(name, _)| name.as_ref().eq_ignore_ascii_case("host"))
    {
        head.push_str("Host: 127.0.0.1\r\n");
    }
    for (name, value) in headers {
        let _ = write!(head, "{}: {}\r\n", name.as_ref(), value.as_ref());
    }
    if let Some(length) = content_length {
        let _ = write!(head, "Content-Length: {length}\r\n");
    }
    head.push_str("\r\n");
    head
}
