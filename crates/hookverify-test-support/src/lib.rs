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

#[cfg(feature = "servers")]
pub mod fixtures;
#[cfg(feature = "fuzz")]
pub mod fuzz;
#[cfg(feature = "servers")]
pub mod hostile;
#[cfg(feature = "servers")]
pub mod payload;
#[cfg(feature = "servers")]
mod process;
#[cfg(feature = "servers")]
mod raw;
#[cfg(feature = "servers")]
pub mod receiver;
#[cfg(feature = "servers")]
mod redis;
#[cfg(feature = "servers")]
pub mod request_urls;
#[cfg(feature = "servers")]
pub mod suite;
#[cfg(feature = "servers")]
pub mod wire;

#[cfg(feature = "servers")]
pub use crate::process::{ServerProcess, address_space_limited, example};
#[cfg(feature = "servers")]
pub use crate::raw::{Connection, Response, request_head};
#[cfg(feature = "servers")]
pub use crate::redis::RedisServer;
