//! The servers `scripts/http_bench.py` loads with `wrk`: one process, one core, three routes.
//!
//! ```sh
//! cargo bench -p hookverify-bench --bench servers --no-run
//! python3 scripts/http_bench.py            # runs them pinned, with wrk on the other core
//! ```
//!
//! `servers axum` and `servers actix` serve on 127.0.0.1 (the port is printed on the first
//! line) until their standard input closes:
//!
//! - `/plain` collects the body (axum's `Bytes`, actix's `web::Bytes`) and answers its length;
//! - `/hashed` does the same and computes the bare pre-keyed HMAC-SHA256 of what Stripe signs
//!   (`{t}.` and the body) itself: the hashing baseline, what any verifier must spend;
//! - `/core` (axum only) collects the body and verifies it with core's one-shot `verify` in the
//!   handler: what the layer costs beyond core's own work is `/verified` against it;
//! - `/verified` is `/plain` behind the verify layer (axum) or middleware (actix), with a
//!   Stripe verifier whose clock is fixed at the signing time.
//!
//! axum runs on a current-thread tokio runtime, actix on one worker, so that pinned to one
//! core the server's requests per second are the inverse of its CPU time per request.
//!
//! `servers sign SIZE BODY_FILE` writes a body of SIZE bytes and prints the headers that sign
//! it; `servers limit SIZE` prints how many bare HMACs of that size one core computes per
//! second: the SHA-256 limit a verifier cannot beat. `servers repeat ROUTE SIZE COUNT` calls
//! the axum router COUNT times in process (no sockets), for callgrind.

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::missing_docs_in_private_items,
    missing_docs,
    reason = "a benchmark binary"
)]

use std::hint::black_box;
use std::io::Read as _;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hmac::{Hmac, KeyInit as _, Mac as _};
use hookverify_core::{Clock, Scheme, SignOptions, Verifier};
use sha2::Sha256;

const SECRET: &str = "whsec_bench-test-only-secret";
const SIGNED_AT: u64 = 1_700_000_000;

#[derive(Debug, Clone, Copy)]
struct Fixed;

impl Clock for Fixed {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(SIGNED_AT)
    }
}

fn verifier() -> Verifier {
    Verifier::builder(Scheme::stripe())
        .secret(SECRET)
        .with_clock(Fixed)
        .build()
        .unwrap()
}

/// The pre-keyed HMAC the hashing baseline clones per request.
fn keyed() -> Hmac<Sha256> {
    Hmac::new_from_slice(SECRET.as_bytes()).unwrap()
}

/// What `/hashed` does beyond collecting: the bare HMAC of Stripe's signed content.
fn hash(keyed: &Hmac<Sha256>, body: &[u8]) -> usize {
    let mut mac = keyed.clone();
    mac.update(b"1700000000.");
    mac.update(body);
    black_box(mac.finalize().into_bytes()).len()
}

fn body(size: usize) -> Vec<u8> {
    let mut body = br#"{"id":"evt_bench","object":"event","data":""#.to_vec();
    body.resize(size.saturating_sub(3), b'a');
    body.extend_from_slice(br#""}"#);
    body.truncate(size);
    body
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["axum", ..] => axum_server::run(),
        ["repeat", route, size, count, ..] => {
            axum_server::repeat(route, size.parse().unwrap(), count.parse().unwrap());
        }
        ["actix", ..] => actix_server::run(),
        ["sign", size, path, ..] => {
            let body = body(size.parse().unwrap());
            std::fs::write(path, &body).unwrap();
            let signed_at = Fixed.now();
            for (name, value) in verifier().sign(&body, &SignOptions::at(signed_at)).unwrap() {
                println!("{name}: {value}");
            }
        }
        ["limit", size, ..] => {
            let body = body(size.parse().unwrap());
            let keyed = keyed();
            let (mut count, started) = (0_u64, Instant::now());
            while started.elapsed() < Duration::from_secs(2) {
                for _ in 0..64 {
                    hash(&keyed, black_box(&body));
                }
                count += 64;
            }
            println!("{:.0}", count as f64 / started.elapsed().as_secs_f64());
        }
        // `cargo bench` without arguments (and CI's bench compile) has nothing to run.
        _ => println!("usage: servers axum|actix | sign SIZE BODY_FILE | limit SIZE"),
    }
}

/// Blocks until standard input closes: the script that started the server holds it.
fn until_stdin_closes() {
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
}

mod axum_server {
    use super::{Bytes, hash, keyed, until_stdin_closes, verifier};
    use axum::Router;
    use axum::routing::post;
    use hookverify_core::{Clock as _, SignOptions};
    use hookverify_tower::VerifyWebhookLayer;

    async fn plain(body: Bytes) -> String {
        body.len().to_string()
    }

    /// The handler verifies the collected body with core's one-shot `verify` itself.
    async fn core(request: axum::extract::Request) -> String {
        thread_local! {
            static VERIFIER: hookverify_core::Verifier = verifier();
        }
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        VERIFIER
            .with(|verifier| verifier.verify(&parts.headers, &body, verifier.now()))
            .unwrap();
        body.len().to_string()
    }

    fn app() -> Router {
        let keyed = keyed();
        Router::new()
            .route("/plain", post(plain))
            .route(
                "/hashed",
                post(move |body: Bytes| async move { hash(&keyed, &body).to_string() }),
            )
            .route("/core", post(core))
            .route(
                "/verified",
                post(plain).route_layer(VerifyWebhookLayer::new(verifier())),
            )
    }

    /// Calls `/{route}` `count` times without sockets, each with the signed body of `size`.
    pub(super) fn repeat(route: &str, size: usize, count: usize) {
        use tower::ServiceExt as _;
        let body = Bytes::from(super::body(size));
        let signed_at = super::Fixed.now();
        let headers = verifier().sign(&body, &SignOptions::at(signed_at)).unwrap();
        let uri = format!("/{route}");
        // As `axum::serve` does per connection: handlers become routes once, not per request.
        let app = app().with_state(());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            for _ in 0..count {
                let mut request = http::Request::post(&uri);
                for (name, value) in &headers {
                    request = request.header(name, value);
                }
                let request = request.body(axum::body::Body::from(body.clone())).unwrap();
                let response = app.clone().oneshot(request).await.unwrap();
                assert!(response.status().is_success());
            }
        });
    }

    pub(super) fn run() {
        let app = app();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            println!("{}", listener.local_addr().unwrap().port());
            let server = axum::serve(listener, app);
            tokio::select! {
                result = server => result.unwrap(),
                () = async { tokio::task::spawn_blocking(until_stdin_closes).await.unwrap() } => {}
            }
        });
    }
}

mod actix_server {
    use super::{Bytes, hash, keyed, until_stdin_closes, verifier};
    use actix_web::{App, HttpServer, web};
    use hookverify_actix::VerifyWebhook;

    async fn plain(body: Bytes) -> String {
        body.len().to_string()
    }

    async fn hashed(body: Bytes) -> String {
        thread_local! {
            static KEYED: hmac::Hmac<sha2::Sha256> = keyed();
        }
        KEYED.with(|keyed| hash(keyed, &body)).to_string()
    }

    pub(super) fn run() {
        let verifier = verifier();
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                App::new()
                    .app_data(web::PayloadConfig::new(4 * 1024 * 1024))
                    .route("/plain", web::post().to(plain))
                    .route("/hashed", web::post().to(hashed))
                    .service(
                        web::resource("/verified")
                            .wrap(VerifyWebhook::new(verifier.clone()))
                            .route(web::post().to(plain)),
                    )
            })
            .workers(1)
            .disable_signals()
            .bind(("127.0.0.1", 0))
            .unwrap();
            println!("{}", server.addrs()[0].port());
            let server = server.run();
            let handle = server.handle();
            std::thread::spawn(move || {
                until_stdin_closes();
                actix_web::rt::System::new().block_on(handle.stop(false));
            });
            server.await.unwrap();
        });
    }
}
