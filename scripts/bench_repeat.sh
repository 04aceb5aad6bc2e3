#!/usr/bin/env bash
# Runs the 256-byte core groups (floor and hookverify one-shot) several times, each run in a
# fresh process, and keeps every run's criterion medians in target/bench-repeat/run-N.json.
# scripts/bench_report.py then reports each run's ratios and their median.
#
#   scripts/bench_repeat.sh [RUNS]      (default 5)
#
# On a shared machine the cost of a few hundred nanoseconds of header parsing swings from one
# process to the next while the SHA-NI-bound floor barely moves, so one run's 256-byte ratio is
# a sample, not a measurement.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-5}
out=target/bench-repeat
rm -rf "$out"
mkdir -p "$out"
cargo bench -p hookverify-core --bench verify --no-run
for run in $(seq 1 "$runs"); do
  cargo bench -p hookverify-core --bench verify -- \
    '^(github|stripe|standard_webhooks)/256B/(floor_hmac_sha256|hookverify)$' \
    --warm-up-time 1 --measurement-time 3 >/dev/null 2>&1
  python3 - "$out/run-$run.json" <<'PY'
import json, pathlib, sys
results = {}
for bench in pathlib.Path("target/criterion").glob("*_256B/*/new/benchmark.json"):
    meta = json.loads(bench.read_text())
    estimates = json.loads((bench.parent / "estimates.json").read_text())
    results[f'{meta["group_id"]}/{meta["function_id"]}'] = estimates["median"]["point_estimate"]
pathlib.Path(sys.argv[1]).write_text(json.dumps(results, indent=1, sort_keys=True))
PY
  echo "run $run of $runs done"
done
