//! Helpers shared by hookverify's tests: raw-TCP clients that behave as hostile clients do
//! (slow, silent, lying, idle), and servers started as child processes.
//!
//! Every wait here is bounded by an explicit patience, so a server that misbehaves fails its
//! test instead of hanging the suite.

#![allow(
    clippy::panic,
    clippy::expect_used,
    reason = "test helpers fail loudly, naming what went wrong"
)]

pub mod fixtures;
pub mod hostile;
pub mod payload;
mod process;
mod raw;
pub mod receiver;
mod redis;
pub mod request_urls;
pub mod suite;
pub mod wire;

pub use crate::process::{ServerProcess, address_space_limited, example};
pub use crate::raw::{Connection, Response, request_head};
pub use crate::redis::RedisServer;
