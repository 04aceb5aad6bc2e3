//! Requests per second through an actix-web app over real HTTP on 127.0.0.1, with and without
//! the `VerifyWebhook` middleware, side by side in one run; the same shape as the tower crate's
//! axum bench.
//!
//! ```sh
//! cargo bench -p hookverify-actix --bench actix
//! ```
//!
//! Both routes get the same signed request and collect the body with `web::Bytes`; the
//! verified one is wrapped in `VerifyWebhook` with a Stripe verifier. A hyper client keeps
//! [`IN_FLIGHT`] requests in flight against a one-worker server, so both cores stay busy.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::missing_docs_in_private_items,
    missing_docs,
    reason = "a benchmark binary"
)]

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use actix_web::{App, HttpServer, web};
use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hookverify_actix::VerifyWebhook;
use hookverify_core::{Clock, Scheme, SignOptions, Verifier};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

const IN_FLIGHT: u64 = 16;

#[derive(Debug, Clone, Copy)]
struct Fixed(SystemTime);

impl Clock for Fixed {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// A Stripe verifier whose clock stays at `now`, when the bench signs.
fn stripe_at(now: SystemTime) -> Verifier {
    Verifier::builder(Scheme::stripe())
        .secret("whsec_bench-test-only-secret")
        .with_clock(Fixed(now))
        .build()
        .unwrap()
}

async fn collect(body: Bytes) -> String {
    body.len().to_string()
}

/// The two routes both benches call: `/baseline` only collects the body, `/verified` does the
/// same behind the middleware.
fn routes(verifier: Verifier) -> impl Fn(&mut web::ServiceConfig) + Clone {
    move |config| {
        config
            .app_data(web::PayloadConfig::new(4 * 1024 * 1024))
            .route("/baseline", web::post().to(collect))
            .service(
                web::resource("/verified")
                    .wrap(VerifyWebhook::new(verifier.clone()))
                    .route(web::post().to(collect)),
            );
    }
}

/// Starts the server on its own thread and actix system; it lives as long as the process.
fn serve(verifier: Verifier) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let routes = routes(verifier);
            let server = HttpServer::new(move || App::new().configure(routes.clone()))
                .workers(1)
                .disable_signals()
                .bind(("127.0.0.1", 0))
                .unwrap();
            tx.send(server.addrs()[0]).unwrap();
            server.run().await.unwrap();
        });
    });
    rx.recv().unwrap()
}

async fn send(
    client: Client<HttpConnector, Full<Bytes>>,
    addr: SocketAddr,
    path: &'static str,
    headers: Vec<(String, String)>,
    body: Bytes,
) {
    let mut request = http::Request::post(format!("http://{addr}{path}"));
    for (name, value) in &headers {
        request = request.header(name, value);
    }
    let response = client
        .request(request.body(Full::new(body)).unwrap())
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    response.into_body().collect().await.unwrap();
}

fn actix_app(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let now = SystemTime::now();
    let verifier = stripe_at(now);
    let addr = serve(verifier.clone());
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();

    for size in [1024, 64 * 1024] {
        let body = Bytes::from(vec![b'x'; size]);
        let headers = verifier.sign(&body, &SignOptions::at(now)).unwrap();
        let mut group = c.benchmark_group(format!("actix_app/{}KiB", size / 1024));
        group.throughput(Throughput::Elements(IN_FLIGHT));
        group.measurement_time(Duration::from_secs(8));
        // Both routes get the same signed request; only the middleware differs.
        for (name, path) in [
            ("baseline_collect_body", "/baseline"),
            ("verify_layer", "/verified"),
        ] {
            group.bench_function(name, |b| {
                b.to_async(&runtime).iter(|| {
                    let mut batch = tokio::task::JoinSet::new();
                    for _ in 0..IN_FLIGHT {
                        let request =
                            send(client.clone(), addr, path, headers.clone(), body.clone());
                        batch.spawn(request);
                    }
                    async move { batch.join_all().await }
                });
            });
        }
        group.finish();
    }
}

/// The same two routes called in-process (`actix_web::test::call_service`, no sockets): what
/// the middleware itself costs, without the network around it.
fn in_process(c: &mut Criterion) {
    let system = actix_web::rt::System::new();
    let now = SystemTime::now();
    let verifier = stripe_at(now);
    let app = system.block_on(actix_web::test::init_service(
        App::new().configure(routes(verifier.clone())),
    ));
    for size in [1024, 64 * 1024] {
        let body = Bytes::from(vec![b'x'; size]);
        let headers = verifier.sign(&body, &SignOptions::at(now)).unwrap();
        let mut group = c.benchmark_group(format!("actix_in_process/{}KiB", size / 1024));
        group.throughput(Throughput::Elements(1));
        for (name, path) in [
            ("baseline_collect_body", "/baseline"),
            ("verify_layer", "/verified"),
        ] {
            group.bench_function(name, |b| {
                b.iter(|| {
                    let mut request = actix_web::test::TestRequest::post().uri(path);
                    for (name, value) in &headers {
                        request = request.insert_header((name.as_str(), value.as_str()));
                    }
                    let request = request.set_payload(body.clone()).to_request();
                    let response = system.block_on(actix_web::test::call_service(&app, request));
                    assert!(response.status().is_success());
                });
            });
        }
        group.finish();
    }
}

criterion_group!(benches, actix_app, in_process);
criterion_main!(benches);
