//! The adapters in process (no sockets): axum's router (`oneshot`) and actix-web's app
//! (`test::call_service`) on the routes of `apps`, at 256 B, 1 KiB, 64 KiB and 1 MiB, in one
//! run. What the layer costs beyond the bare HMAC is `verified` against `hashed`; beyond core's
//! own verification, `verified` against `core`.
//!
//! ```sh
//! cargo bench -p hookverify-bench --bench adapters
//! python3 scripts/bench_report.py          # the in-process table in BENCHMARKS.md
//! ```
//!
//! Over HTTP, with the server pinned to one core and wrk on the other, see `servers` and
//! `scripts/http_bench.py`.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    missing_docs,
    reason = "a benchmark binary"
)]

mod apps;

use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};

const SIZES: [(usize, &str); 4] = [
    (256, "256B"),
    (1024, "1KiB"),
    (64 * 1024, "64KiB"),
    (1024 * 1024, "1MiB"),
];

fn axum_in_process(c: &mut Criterion) {
    use tower::ServiceExt as _;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let app = apps::axum_app::router();
    for (size, label) in SIZES {
        let (body, headers) = apps::delivery(size);
        let mut group = c.benchmark_group(format!("axum_in_process/{label}"));
        if size >= 64 * 1024 {
            group.sample_size(20).sampling_mode(SamplingMode::Flat);
        }
        for route in apps::ROUTES {
            let uri = format!("/{route}");
            group.bench_function(route, |b| {
                b.to_async(&runtime).iter(|| {
                    let mut request = http::Request::post(&uri);
                    for (name, value) in &headers {
                        request = request.header(name, value);
                    }
                    let request = request.body(axum::body::Body::from(body.clone())).unwrap();
                    let app = app.clone();
                    async move {
                        let response = app.oneshot(request).await.unwrap();
                        assert!(response.status().is_success());
                    }
                });
            });
        }
        group.finish();
    }
}

fn actix_in_process(c: &mut Criterion) {
    use actix_web::test::{TestRequest, call_service, init_service};

    let system = actix_web::rt::System::new();
    let app = system.block_on(init_service(
        actix_web::App::new().configure(apps::actix_app::routes),
    ));
    for (size, label) in SIZES {
        let (body, headers) = apps::delivery(size);
        let mut group = c.benchmark_group(format!("actix_in_process/{label}"));
        if size >= 64 * 1024 {
            group.sample_size(20).sampling_mode(SamplingMode::Flat);
        }
        for route in apps::ROUTES {
            let uri = format!("/{route}");
            group.bench_function(route, |b| {
                b.iter(|| {
                    let mut request = TestRequest::post().uri(&uri);
                    for (name, value) in &headers {
                        request = request.insert_header((name.as_str(), value.as_str()));
                    }
                    let request = request.set_payload(body.clone()).to_request();
                    let response = system.block_on(call_service(&app, request));
                    assert!(response.status().is_success());
                });
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = axum_in_process, actix_in_process
}
criterion_main!(benches);
