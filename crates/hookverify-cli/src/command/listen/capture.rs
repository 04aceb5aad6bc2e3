//! What `listen` keeps of each delivery: in memory for the inspector, and in a local file so
//! captures outlive the process. Both are bounded.

use std::collections::VecDeque;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

/// The most header and body bytes all captures may hold together.
pub(crate) const MAX_CAPTURED_BYTES: usize = 64 * 1024 * 1024;

/// One delivery as it arrived, what `listen` decided and answered, and what the app answered
/// when it was forwarded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Capture {
    pub(crate) id: u64,
    pub(crate) method: String,
    /// The path and query as received.
    pub(crate) path: String,
    /// RFC 3339, in milliseconds.
    pub(crate) received_at: String,
    /// Seconds since the epoch, for `hookverify verify --now`.
    pub(crate) received_unix: u64,
    /// In the order they arrived; values as text (lossy).
    pub(crate) headers: Vec<(String, String)>,
    /// The bytes read, hex-encoded in the file; empty when the body was never read.
    #[serde(with = "hex_bytes")]
    pub(crate) body: Vec<u8>,
    /// Whether the body was read: a delivery rejected on its headers never is.
    pub(crate) body_read: bool,
    pub(crate) verdict: Verdict,
    /// What `listen` answered.
    pub(crate) answer: Answer,
    /// What the app answered, when `--forward-to` is set and the delivery verified.
    pub(crate) forward: Option<Forward>,
}

/// Whether a delivery verified, and why not.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Verdict {
    pub(crate) verified: bool,
    /// The scheme that checked it.
    pub(crate) scheme: String,
    /// In words: which key matched, the handshake answered, or why it was rejected.
    pub(crate) reason: String,
    /// The index of the key that verified it (0 the first `--secret`).
    pub(crate) key: Option<usize>,
    /// The signed id, for schemes that sign one.
    pub(crate) signed_id: Option<String>,
}

/// A response: its status and its body as text.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: String,
}

/// What forwarding a delivery to the app gave.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Forward {
    pub(crate) target: String,
    /// The app's answer, or why there was none.
    pub(crate) outcome: Result<Answer, String>,
}

impl Capture {
    /// What the capture costs against [`MAX_CAPTURED_BYTES`].
    fn size(&self) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|(name, value)| name.len() + value.len())
            .sum();
        headers + self.body.len() + self.path.len()
    }
}

/// The captures: newest last in memory, one JSON line each in the file.
pub(crate) struct Captures {
    inner: Mutex<Inner>,
    file: Option<PathBuf>,
    limit: usize,
}

struct Inner {
    list: VecDeque<Arc<Capture>>,
    bytes: usize,
    next_id: u64,
    /// Lines in the file, stale ones included; rewritten when they outgrow the list.
    lines: usize,
}

impl Captures {
    /// Captures kept in `file` (created with its directory when missing; the last captures it
    /// holds are loaded), or in memory only when `file` is `None`.
    pub(crate) fn open(file: Option<PathBuf>, max_captures: usize) -> anyhow::Result<Self> {
        let captures = Self {
            inner: Mutex::new(Inner {
                list: VecDeque::new(),
                bytes: 0,
                next_id: 1,
                lines: 0,
            }),
            file,
            limit: max_captures.max(1),
        };
        if let Some(path) = &captures.file {
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            let loaded = load(path)?;
            let mut inner = captures.lock();
            for capture in loaded {
                inner.next_id = inner.next_id.max(capture.id + 1);
                inner.lines += 1;
                inner.bytes += capture.size();
                inner.list.push_back(Arc::new(capture));
                captures.evict(&mut inner);
            }
            drop(inner);
            captures.rewrite_if_stale()?;
        }
        Ok(captures)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps `capture` under the next id, dropping the oldest beyond the bounds; the capture
    /// as kept.
    pub(crate) fn add(&self, mut capture: Capture) -> anyhow::Result<Arc<Capture>> {
        let mut inner = self.lock();
        capture.id = inner.next_id;
        inner.next_id += 1;
        inner.bytes += capture.size();
        let capture = Arc::new(capture);
        inner.list.push_back(Arc::clone(&capture));
        self.evict(&mut inner);
        if let Some(path) = &self.file {
            let mut line = serde_json::to_vec(&*capture).context("cannot encode a capture")?;
            line.push(b'\n');
            private(OpenOptions::new().create(true).append(true))
                .open(path)
                .and_then(|mut file| file.write_all(&line))
                .with_context(|| format!("cannot write {}", path.display()))?;
            inner.lines += 1;
        }
        drop(inner);
        self.rewrite_if_stale()?;
        Ok(capture)
    }

    /// Drops the oldest captures until the rest fit the bounds (the newest always stays).
    fn evict(&self, inner: &mut Inner) {
        while inner.list.len() > 1
            && (inner.list.len() > self.limit || inner.bytes > MAX_CAPTURED_BYTES)
        {
            if let Some(old) = inner.list.pop_front() {
                inner.bytes -= old.size();
            }
        }
    }

    /// Rewrites the file with the captures kept once it holds twice as many lines (and some),
    /// so it stays within about twice the bounds.
    fn rewrite_if_stale(&self) -> anyhow::Result<()> {
        let Some(path) = &self.file else {
            return Ok(());
        };
        let mut inner = self.lock();
        if inner.lines <= 2 * inner.list.len() + 16 {
            return Ok(());
        }
        let fresh = path.with_extension("jsonl.tmp");
        let mut file = private(OpenOptions::new().create(true).write(true).truncate(true))
            .open(&fresh)
            .with_context(|| format!("cannot write {}", fresh.display()))?;
        for capture in &inner.list {
            serde_json::to_writer(&mut file, &**capture).context("cannot encode a capture")?;
            file.write_all(b"\n")
                .with_context(|| format!("cannot write {}", fresh.display()))?;
        }
        fs::rename(&fresh, path).with_context(|| format!("cannot replace {}", path.display()))?;
        inner.lines = inner.list.len();
        Ok(())
    }

    /// Every capture kept, newest first.
    pub(crate) fn newest_first(&self) -> Vec<Arc<Capture>> {
        self.lock().list.iter().rev().cloned().collect()
    }

    /// The capture `id`, if it is still kept.
    pub(crate) fn get(&self, id: u64) -> Option<Arc<Capture>> {
        let inner = self.lock();
        // Ids grow with position: search instead of scanning.
        let at = inner
            .list
            .binary_search_by_key(&id, |capture| capture.id)
            .ok()?;
        inner.list.get(at).cloned()
    }
}

/// `options` creating files only their owner can read (captures hold bodies and signatures).
fn private(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, 0o600);
    options
}

/// The captures in `path`, oldest first; none when it does not exist. A line that does not
/// parse (a capture cut short when the process stopped) is skipped.
fn load(path: &Path) -> anyhow::Result<Vec<Capture>> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut captures = Vec::new();
    for line in BufReader::new(file).lines() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        if let Ok(capture) = serde_json::from_str::<Capture>(&line) {
            captures.push(capture);
        }
    }
    Ok(captures)
}

/// Where captures are kept by default: `hookverify/captures.jsonl` in the user's data
/// directory (`$XDG_DATA_HOME`, else `~/.local/share`; `~/Library/Application Support` on
/// macOS; `%APPDATA%` on Windows).
pub(crate) fn default_store() -> Option<PathBuf> {
    let env = |name| std::env::var_os(name).filter(|value| !value.is_empty());
    let data = if cfg!(windows) {
        env("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|home| PathBuf::from(home).join("Library/Application Support"))
    } else {
        env("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| env("HOME").map(|home| PathBuf::from(home).join(".local/share")))
    };
    data.map(|dir| dir.join("hookverify").join("captures.jsonl"))
}

/// Bytes as hex in JSON.
mod hex_bytes {
    use serde::{Deserialize as _, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&const_hex::encode(bytes))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        const_hex::decode(text).map_err(serde::de::Error::custom)
    }
}
