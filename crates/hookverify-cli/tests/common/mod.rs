//! What the inspector's tests share: `hookverify listen` for Stripe deliveries, with a store
//! file of the test's own.

#![allow(dead_code, reason = "each test file uses a different subset")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh store file in the temporary directory, named after `test`.
pub(crate) fn store(test: &str) -> PathBuf {
    static STORES: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "hookverify-{test}-{}-{}.jsonl",
        std::process::id(),
        STORES.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_file(&path);
    path
}

/// `hookverify listen` for Stripe deliveries signed with `secret`, on a free port, keeping
/// its captures in `store`.
pub(crate) fn listen(secret: &str, store: &Path, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookverify"));
    command
        .args(["listen", "--scheme", "stripe", "--secret", secret])
        .args(["--addr", "127.0.0.1:0", "--store"])
        .arg(store)
        .args(extra);
    command
}
