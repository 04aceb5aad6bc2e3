//! What the replay guard adds to each delivery: verification alone against verification plus
//! the guard over a `MemoryStore` (the target: at most 1 µs more), and the guard's claim, and
//! claim plus commit, over a `RedisStore` against `redis-benchmark` sending the same command to
//! the same server just before and just after.
//!
//! ```sh
//! cargo bench -p hookverify-replay --features redis --bench overhead
//! taskset -c 1 cargo bench -p hookverify-replay --features redis --bench overhead -- guard/redis
//! ```
//!
//! On a VM, a loopback round trip between two cores can take several times longer than on one
//! (waking an idle virtual CPU), and which one the scheduler picks changes from run to run.
//! `redis-server` and `redis-benchmark` are children of the bench and inherit its CPU set, so
//! under `taskset` all three share one core and the Redis numbers are comparable; without it,
//! compare the guard only with a `redis-benchmark` line of the same magnitude.
//!
//! Every admitted delivery must be new (the same one twice is a duplicate), so a pool of
//! distinct 256 B GitHub deliveries is signed up front and each pass over it runs under a new
//! guard scope: the same deliveries, new keys. Timing covers the passes only; scopes, fresh
//! stores and dropped tickets are handled between them. Futures run on a current-thread tokio
//! runtime, one `block_on` per sample, so no per-iteration executor cost is measured.
//! The Redis group starts its own `redis-server` (`hookverify-test-support`); the comparison
//! line is skipped when `redis-benchmark` is not installed.

#![allow(
    clippy::panic,
    clippy::print_stdout,
    missing_docs,
    reason = "a benchmark binary: fails loudly and prints its comparison"
)]

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use hookverify_core::{SignOptions, Verified, Verifier};
use hookverify_replay::{Admission, DEFAULT_CAPACITY, Guard, RedisStore, Ticket};
use hookverify_test_support::RedisServer;
use tokio::runtime::Runtime;

const SECRET: &str = "bench-test-only-secret";
const BODY_SIZE: usize = 256;
/// Deliveries per pass: about 2 MB of bodies, headers and results, so a pass stays in cache
/// and a cache miss is not what the guard is charged for.
const POOL: usize = 4096;
/// A memory store is replaced before it holds this many keys: well below its capacity, so
/// every claim inserts and none evicts (GitHub deliveries are kept for the three-day horizon,
/// so nothing expires during a run either).
const STORE_FILL: usize = DEFAULT_CAPACITY / 2;
/// Requests `redis-benchmark` sends.
const REDIS_REQUESTS: &str = "20000";

/// One delivery of the pool, signed and verified once up front.
struct Delivery {
    body: Vec<u8>,
    headers: Vec<(String, String)>,
    verified: Verified,
}

/// `POOL` distinct GitHub deliveries of `BODY_SIZE` bytes, each body carrying its index.
fn pool(verifier: &Verifier) -> Vec<Delivery> {
    (0..POOL)
        .map(|index| {
            let mut body = format!(r#"{{"delivery":{index},"payload":""#).into_bytes();
            body.resize(BODY_SIZE - 2, b'x');
            body.extend_from_slice(b"\"}");
            let headers = verifier
                .sign(&body, &SignOptions::at(verifier.now()))
                .expect("GitHub signs any body");
            let verified = verifier
                .verify(&headers, &body, verifier.now())
                .expect("a delivery just signed verifies");
            Delivery {
                body,
                headers,
                verified,
            }
        })
        .collect()
}

/// The sizes of the passes that make up `iters` iterations: whole pools, then the rest.
fn passes(iters: u64) -> impl Iterator<Item = usize> {
    let pool = POOL as u64;
    (0..iters.div_ceil(pool)).map(move |pass| {
        let size = (iters - pass * pool).min(pool);
        usize::try_from(size).expect("a pass is at most POOL deliveries")
    })
}

/// Guards whose keys never repeat: each pass gets a scope of its own over one store.
struct Scopes {
    /// Tells apart the benchmarks that share a store.
    name: &'static str,
    base: Guard,
    pass: u64,
    /// Keys claimed in the store since it was made, when it is counted (memory).
    held: usize,
    /// Makes a new, empty store once `held` would pass `STORE_FILL`; `None`: keep the store.
    fresh: Option<fn() -> Guard>,
}

impl Scopes {
    fn new(name: &'static str, base: Guard, fresh: Option<fn() -> Guard>) -> Self {
        Self {
            name,
            base,
            pass: 0,
            held: 0,
            fresh,
        }
    }

    /// The guard for the next pass of `size` deliveries. Called between timed passes: the old
    /// store is dropped here, not while timing.
    fn next(&mut self, size: usize) -> Guard {
        if let Some(fresh) = self.fresh
            && self.held + size > STORE_FILL
        {
            self.base = fresh();
            self.held = 0;
        }
        self.held += size;
        self.pass += 1;
        // A scope only adds its bytes to the key's hash input: the claim is the same work.
        self.base
            .clone()
            .scope(&format!("{}-{}", self.name, self.pass))
    }
}

fn admitted(admission: Admission) -> Ticket {
    match admission {
        Admission::Proceed(ticket) => ticket,
        Admission::Refuse(refusal) => panic!("a new delivery was refused: {refusal:?}"),
    }
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread tokio runtime")
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

/// Verification alone, then verification with the guard over a `MemoryStore`: the
/// difference is the guard's cost in one process.
fn memory(c: &mut Criterion) {
    let verifier = Verifier::github(SECRET).expect("a GitHub verifier");
    let pool = pool(&verifier);
    let runtime = runtime();
    let mut group = c.benchmark_group("guard/memory");

    group.bench_function("verify", |b| {
        b.iter_custom(|iters| {
            let mut elapsed = Duration::ZERO;
            for size in passes(iters) {
                let start = Instant::now();
                for delivery in pool.iter().take(size) {
                    let verified = verifier
                        .verify(&delivery.headers, &delivery.body, verifier.now())
                        .expect("the pool verifies");
                    black_box(verified);
                }
                elapsed += start.elapsed();
            }
            elapsed
        });
    });

    let mut scopes = Scopes::new("memory", Guard::in_memory(), Some(Guard::in_memory));
    group.bench_function("verify+admit+settle", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut elapsed = Duration::ZERO;
                for size in passes(iters) {
                    let guard = scopes.next(size);
                    let start = Instant::now();
                    for delivery in pool.iter().take(size) {
                        let verified = verifier
                            .verify(&delivery.headers, &delivery.body, verifier.now())
                            .expect("the pool verifies");
                        let admission = guard.admit(&verifier, &verified, &delivery.body).await;
                        admitted(admission).settle(true).await;
                    }
                    elapsed += start.elapsed();
                }
                elapsed
            })
        });
    });
    group.finish();
}

/// The guard's claim (one round trip) and claim plus commit (two) over a `RedisStore` on one
/// connection, one delivery at a time, on deliveries verified up front; then `redis-benchmark`
/// with the claim's command, one client, for the bare round trip.
fn redis(c: &mut Criterion) {
    let server = RedisServer::start();
    let verifier = Verifier::github(SECRET).expect("a GitHub verifier");
    let pool = pool(&verifier);
    let runtime = runtime();
    let store = runtime
        .block_on(RedisStore::connect(&server.url()))
        .expect("the Redis store connects to the server just started");
    // Round trips on a shared machine drift with its load: the bare command is timed just
    // before and just after the guard, so both bracket it.
    redis_benchmark(&server, "before");
    let mut group = c.benchmark_group("guard/redis");

    let mut scopes = Scopes::new("admit", Guard::new(store.clone()), None);
    group.bench_function("admit", |b| {
        b.iter_custom(|iters| {
            let (elapsed, tickets) = runtime.block_on(async {
                let mut elapsed = Duration::ZERO;
                let mut tickets = Vec::new();
                for size in passes(iters) {
                    let guard = scopes.next(size);
                    tickets.reserve(size);
                    let start = Instant::now();
                    for delivery in pool.iter().take(size) {
                        let admission = guard
                            .admit(&verifier, &delivery.verified, &delivery.body)
                            .await;
                        tickets.push(admitted(admission));
                    }
                    elapsed += start.elapsed();
                }
                (elapsed, tickets)
            });
            // Dropped outside the runtime, an unsettled ticket sends no release: its claim
            // simply expires after the in-flight timeout, so no background round trip overlaps
            // the next sample.
            drop(tickets);
            elapsed
        });
    });

    let mut scopes = Scopes::new("admit+settle", Guard::new(store), None);
    group.bench_function("admit+settle", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut elapsed = Duration::ZERO;
                for size in passes(iters) {
                    let guard = scopes.next(size);
                    let start = Instant::now();
                    for delivery in pool.iter().take(size) {
                        let admission = guard
                            .admit(&verifier, &delivery.verified, &delivery.body)
                            .await;
                        admitted(admission).settle(true).await;
                    }
                    elapsed += start.elapsed();
                }
                elapsed
            })
        });
    });
    group.finish();

    redis_benchmark(&server, "after");
}

/// Runs `redis-benchmark` against `server` with the claim's command and prints its numbers.
///
/// The key and value have the store's lengths (`hookverify:r:` and 64 hex digits; `c:` and a
/// 32-digit token; `__rand_int__` becomes 12 digits), and `PX 60000` is the default in-flight
/// timeout, so Redis does the same work as for a claim.
fn redis_benchmark(server: &RedisServer, when: &str) {
    let label =
        format!("redis-benchmark SET NX GET PX (1 client, no pipelining; {when} guard/redis)");
    let url = server.url();
    let port = url
        .trim_start_matches("redis://127.0.0.1:")
        .trim_end_matches('/');
    let key = format!("hookverify:r:{}__rand_int__", "0".repeat(52));
    let value = format!("c:{}", "0".repeat(32));
    let output = Command::new("redis-benchmark")
        .args(["-h", "127.0.0.1", "-p", port])
        .args([
            "-c",
            "1",
            "-P",
            "1",
            "-n",
            REDIS_REQUESTS,
            "-r",
            "100000000",
        ])
        .arg("--csv")
        .args(["SET", &key, &value, "NX", "GET", "PX", "60000"])
        .output();
    let output = match output {
        Ok(output) if output.status.success() => output,
        Ok(output) => {
            println!("{label}: comparison skipped, it failed ({})", output.status);
            return;
        }
        Err(error) => {
            println!("{label}: comparison skipped, cannot run redis-benchmark ({error})");
            return;
        }
    };
    let csv = String::from_utf8_lossy(&output.stdout);
    match parse_csv(&csv) {
        Some(numbers) => println!(
            "{label}: p50 = {:.0} µs, mean = {:.1} µs, rps = {:.0} (1/rps = {:.1} µs)",
            numbers.p50_ms * 1000.0,
            numbers.mean_ms * 1000.0,
            numbers.rps,
            1e6 / numbers.rps,
        ),
        None => println!("{label}: comparison skipped, unexpected output:\n{csv}"),
    }
}

/// What `redis-benchmark --csv` (7.0) reports for one command.
struct Numbers {
    rps: f64,
    mean_ms: f64,
    p50_ms: f64,
}

/// Reads the header line and the command's line of `redis-benchmark --csv`:
/// `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",…`, every field quoted
/// (the command has no comma or quote in it).
fn parse_csv(csv: &str) -> Option<Numbers> {
    let split = |line: &str| -> Vec<String> {
        line.split(',')
            .map(|field| field.trim().trim_matches('"').to_owned())
            .collect()
    };
    let mut lines = csv.lines().filter(|line| !line.trim().is_empty());
    let header = split(lines.next()?);
    let row = split(lines.next()?);
    let field = |name: &str| -> Option<f64> {
        let at = header.iter().position(|column| column == name)?;
        row.get(at)?.parse().ok()
    };
    Some(Numbers {
        rps: field("rps")?,
        mean_ms: field("avg_latency_ms")?,
        p50_ms: field("p50_latency_ms")?,
    })
}

criterion_group! {
    name = benches;
    config = config();
    targets = memory, redis
}
criterion_main!(benches);
