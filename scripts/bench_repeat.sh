#!/usr/bin/env bash
# Runs the 256-byte core groups (floor and hookverify one-shot) several times, each run in a
# fresh process, and keeps each run's criterion results in target/bench-repeat/run-N/.
# scripts/bench_report.py then reports each run's ratios and their median.
#
#   scripts/bench_repeat.sh [RUNS]              (default 5)
#   scripts/bench_repeat.sh --presets [RUNS]    every preset's one-shot and primitive, 256 B and
#                                               64 KiB
#
# On a shared machine the cost of a few hundred nanoseconds of header parsing swings from one
# process to the next while the SHA-NI-bound floor barely moves, so one run's 256-byte ratio is
# a sample, not a measurement.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--presets" ]; then
  runs=${2:-5}
  out=target/bench-repeat-presets
  rm -rf "$out"
  mkdir -p "$out"
  cargo bench -p hookverify-bench --bench presets --no-run
  for run in $(seq 1 "$runs"); do
    cargo bench -p hookverify-bench --bench presets -- \
      '^presets/[^/]+/(256B/(primitive|hookverify|lookups)|64KiB/(primitive|hookverify))$' \
      --warm-up-time 0.5 --measurement-time 1 >/dev/null 2>&1
    mkdir "$out/run-$run"
    cp -r target/criterion/presets_*_256B target/criterion/presets_*_64KiB "$out/run-$run/"
    echo "run $run of $runs done"
  done
  exit 0
fi

runs=${1:-5}
out=target/bench-repeat
rm -rf "$out"
mkdir -p "$out"
cargo bench -p hookverify-bench --bench verify --no-run
for run in $(seq 1 "$runs"); do
  cargo bench -p hookverify-bench --bench verify -- \
    '^(github|stripe|standard_webhooks)/256B/(floor_hmac_sha256|hookverify)$' \
    --warm-up-time 1 --measurement-time 3 >/dev/null 2>&1
  mkdir "$out/run-$run"
  cp -r target/criterion/*_256B "$out/run-$run/"
  echo "run $run of $runs done"
done
