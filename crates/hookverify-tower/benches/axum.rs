//! Requests per second through an axum router over real HTTP on 127.0.0.1, with and without
//! the verify layer, side by side in one run.
//!
//! ```sh
//! cargo bench -p hookverify-tower --features axum --bench axum
//! ```
//!
//! Both routes get the same signed request and collect the body with axum's `Bytes` extractor;
//! the verified one sits behind `VerifyWebhookLayer` with a Stripe verifier. A keep-alive hyper client keeps
//! [`IN_FLIGHT`] requests in flight on a two-worker runtime, so the machine's two cores stay
//! busy and the throughput reflects the CPU each request costs (one request at a time mostly
//! measures thread wake-ups). The `in_process` groups call the same router without sockets.

#![allow(
    clippy::unwrap_used,
    clippy::missing_docs_in_private_items,
    missing_docs,
    reason = "a benchmark binary"
)]

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::routing::post;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hookverify_core::{Clock, Scheme, SignOptions, Verifier};
use hookverify_tower::VerifyWebhookLayer;
use http::Request;
use http_body_util::BodyExt as _;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

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

async fn serve(verifier: Verifier) -> SocketAddr {
    let app = Router::new().route("/baseline", post(collect)).route(
        "/verified",
        post(collect).route_layer(VerifyWebhookLayer::new(verifier)),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// Requests kept in flight by the TCP benchmark.
const IN_FLIGHT: u64 = 16;

async fn send(
    client: Client<HttpConnector, Body>,
    addr: SocketAddr,
    path: &'static str,
    headers: Vec<(String, String)>,
    body: Bytes,
) {
    let mut request = Request::post(format!("http://{addr}{path}"));
    for (name, value) in &headers {
        request = request.header(name, value);
    }
    let response = client
        .request(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    response.into_body().collect().await.unwrap();
}

fn axum_router(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let now = SystemTime::now();
    let verifier = stripe_at(now);
    let addr = runtime.block_on(serve(verifier.clone()));
    let client: Client<HttpConnector, Body> = Client::builder(TokioExecutor::new()).build_http();

    for size in [1024, 64 * 1024] {
        let body = Bytes::from(vec![b'x'; size]);
        let headers = verifier.sign(&body, &SignOptions::at(now)).unwrap();
        let mut group = c.benchmark_group(format!("axum_router/{}KiB", size / 1024));
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

/// The same two routes called in-process (`Router::oneshot`, no sockets): what the layer itself
/// costs, without the network around it.
fn in_process(c: &mut Criterion) {
    use tower::ServiceExt as _;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let now = SystemTime::now();
    let verifier = stripe_at(now);
    let app = Router::new().route("/baseline", post(collect)).route(
        "/verified",
        post(collect).route_layer(VerifyWebhookLayer::new(verifier.clone())),
    );
    for size in [1024, 64 * 1024] {
        let body = Bytes::from(vec![b'x'; size]);
        let headers = verifier.sign(&body, &SignOptions::at(now)).unwrap();
        let request = |path: &str, headers: &[(String, String)]| {
            let mut request = Request::post(path);
            for (name, value) in headers {
                request = request.header(name, value);
            }
            request.body(Body::from(body.clone())).unwrap()
        };
        let mut group = c.benchmark_group(format!("in_process/{}KiB", size / 1024));
        group.throughput(Throughput::Elements(1));
        group.bench_function("baseline_collect_body", |b| {
            b.to_async(&runtime).iter(|| {
                let app = app.clone();
                let request = request("/baseline", &headers);
                async move { app.oneshot(request).await.unwrap() }
            });
        });
        group.bench_function("verify_layer", |b| {
            b.to_async(&runtime).iter(|| {
                let app = app.clone();
                let request = request("/verified", &headers);
                async move { app.oneshot(request).await.unwrap() }
            });
        });
        group.finish();
    }
}

criterion_group!(benches, axum_router, in_process);
criterion_main!(benches);
