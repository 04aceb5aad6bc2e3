//! The servers `scripts/http_bench.py` loads with `wrk`: one process, one core, the routes of
//! `apps` (collect, collect and hash, verify in the handler, verify in the layer).
//!
//! ```sh
//! cargo bench -p hookverify-bench --bench servers --no-run
//! python3 scripts/http_bench.py            # runs them pinned, with wrk on the other core
//! ```
//!
//! `servers axum` and `servers actix` serve on 127.0.0.1 (the port is printed on the first
//! line) until their standard input closes. axum runs on a current-thread tokio runtime, actix
//! on one worker, so that pinned to one core the server's requests per second are the inverse
//! of its CPU time per request.
//!
//! `servers sign SIZE BODY_FILE` writes a body of SIZE bytes and prints the headers that sign
//! it; `servers limit SIZE` prints how many bare HMACs of that size one core computes per
//! second: the SHA-256 limit a verifier cannot beat. `servers repeat ROUTE SIZE COUNT` calls
//! the axum router COUNT times in process (no sockets), for callgrind.

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    missing_docs,
    reason = "a benchmark binary"
)]

mod apps;

use std::hint::black_box;
use std::io::Read as _;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["axum", ..] => axum_server(),
        ["actix", ..] => actix_server(),
        ["repeat", route, size, count, ..] => {
            repeat(route, size.parse().unwrap(), count.parse().unwrap());
        }
        ["sign", size, path, ..] => {
            let (body, headers) = apps::delivery(size.parse().unwrap());
            std::fs::write(path, &body).unwrap();
            for (name, value) in headers {
                println!("{name}: {value}");
            }
        }
        ["limit", size, ..] => {
            let (body, _) = apps::delivery(size.parse().unwrap());
            let keyed = apps::keyed();
            let (mut count, started) = (0_u64, Instant::now());
            while started.elapsed() < Duration::from_secs(2) {
                for _ in 0..16 {
                    apps::hash(&keyed, black_box(&body));
                }
                count += 16;
            }
            println!("{:.0}", count as f64 / started.elapsed().as_secs_f64());
        }
        // `cargo bench` without arguments (and CI's bench compile) has nothing to run.
        _ => println!(
            "usage: servers axum|actix | sign SIZE BODY_FILE | limit SIZE | repeat ROUTE SIZE COUNT"
        ),
    }
}

/// Blocks until standard input closes: the script that started the server holds it.
fn until_stdin_closes() {
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
}

fn axum_server() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap().port());
        let server = axum::serve(listener, apps::axum_app::router());
        tokio::select! {
            result = server => result.unwrap(),
            () = async { tokio::task::spawn_blocking(until_stdin_closes).await.unwrap() } => {}
        }
    });
}

fn actix_server() {
    use actix_web::{App, HttpServer};
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(|| App::new().configure(apps::actix_app::routes))
            .workers(1)
            .disable_signals()
            .bind(("127.0.0.1", 0))
            .unwrap();
        println!("{}", server.addrs().first().unwrap().port());
        let server = server.run();
        let handle = server.handle();
        std::thread::spawn(move || {
            until_stdin_closes();
            actix_web::rt::System::new().block_on(handle.stop(false));
        });
        server.await.unwrap();
    });
}

/// Calls the axum router's `/{route}` `count` times without sockets, with a body of `size`.
fn repeat(route: &str, size: usize, count: usize) {
    use tower::ServiceExt as _;
    let (body, headers) = apps::delivery(size);
    let uri = format!("/{route}");
    let app = apps::axum_app::router();
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
