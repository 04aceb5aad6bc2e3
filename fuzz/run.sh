#!/usr/bin/env bash
# Runs fuzz targets one after the other for a fixed time each.
#
#   fuzz/run.sh SECONDS [TARGET...]     (all targets when none is named)
#
# New inputs go to $FUZZ_WORK/<target> (default fuzz/target/corpus/<target>), seeded from the
# committed fuzz/corpus/<target>; crashes land in fuzz/artifacts/<target>/ and fail the run.
set -euo pipefail
cd "$(dirname "$0")"

seconds=${1:-30}
shift || true
if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

for target in "${targets[@]}"; do
  work="${FUZZ_WORK:-target/corpus}/$target"
  mkdir -p "$work"
  echo "==> fuzzing $target for ${seconds}s"
  cargo +nightly fuzz run "$target" "$work" "corpus/$target" -- \
    -dict=webhook.dict -max_total_time="$seconds" -print_final_stats=1 2>&1 |
    grep -E '^(#[0-9]+\s+DONE|Done|stat::|SUMMARY|==[0-9]+==|thread .* panicked)|INFO: Running with|panicked at' || true
  # grep only trims the log; a crash is judged by the artifact it leaves.
  if compgen -G "artifacts/$target/*" > /dev/null; then
    echo "fuzz target $target found a crash: $(ls artifacts/$target)" >&2
    exit 1
  fi
done
