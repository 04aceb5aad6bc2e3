//! Serving an axum app as a public webhook endpoint must be served: every client is bounded in
//! time, and the number of clients is bounded.
//!
//! `axum::serve` sets no timeouts at all: a client that sends its headers one byte a second, or
//! connects and says nothing, holds its connection (and what was buffered for it) forever. Here
//! hyper gets a timer, so:
//!
//! - the request head must arrive within [`HEADER_READ_TIMEOUT`], which also closes silent
//!   connections and idle keep-alive connections after that long;
//! - the body must arrive within [`BODY_TIMEOUT`] of the head: the verify layers are given
//!   that deadline (`VerifyWebhookLayer::body_timeout`), and a slow body gets 408;
//! - at most [`MAX_CONNECTIONS`] connections are served at once; more wait in the kernel's
//!   backlog until one ends (keep it below the process's file-descriptor limit);
//! - the verify layers share one `BodyBudget` of [`BODY_BUDGET`] bytes, so however many
//!   deliveries are in flight, their bodies hold at most that much.
//!
//! So a request is fully received within 30 s of connecting, or it is over.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// The request line and headers must arrive within this; idle connections close after it.
pub(crate) const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The body must arrive within this once the headers are in.
pub(crate) const BODY_TIMEOUT: Duration = Duration::from_secs(20);
/// Connections served at once.
pub(crate) const MAX_CONNECTIONS: usize = 512;
/// Body bytes all deliveries in flight may hold together.
pub(crate) const BODY_BUDGET: usize = 64 * 1024 * 1024;

/// Serves `app` on `listener` until the process ends.
pub(crate) async fn serve(listener: TcpListener, app: Router) {
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = Arc::clone(&connections).acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors, most likely: wait for connections to end rather
                // than spin.
                tracing::warn!(%error, "cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            let service = TowerToHyperService::new(app);
            let served = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let Err(error) = served {
                tracing::debug!(%error, "connection ended with an error");
            }
            drop(permit);
        });
    }
}
