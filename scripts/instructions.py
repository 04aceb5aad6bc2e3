#!/usr/bin/env python3
"""Instructions per verification, under callgrind, for each preset's 256-byte delivery.

    python3 scripts/instructions.py [PRESET...] [--markdown]

Runs the `instructions` bench binary under `valgrind --tool=callgrind` at two iteration
counts for hookverify and for the bare primitive; the difference divided by the extra
iterations is the exact cost of one call, setup excluded. Instruction counts do not move with
the machine's load, so small costs can be compared across changes. Standard library only.
"""

import json
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
LOW, HIGH = 200, 1200


def bench_binary(bench):
    """hookverify-bench's `bench` binary, built from the tree as it is (also used by
    http_bench.py). Cargo names the executable it built: the newest file of that name in
    target/ could be a scratch build of other sources."""
    command = ["cargo", "bench", "-p", "hookverify-bench", "--bench", bench, "--no-run",
               "--message-format=json"]
    built = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    for line in built.stdout.splitlines():
        message = json.loads(line)
        if (message.get("reason") == "compiler-artifact" and message.get("executable")
                and message["target"]["name"] == bench):
            return pathlib.Path(message["executable"])
    sys.exit(f"cargo built no `{bench}` bench binary")


def instructions(exe, preset, contender, iterations):
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "callgrind.out"
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                        str(exe), preset, contender, str(iterations)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        summary = re.search(r"^summary:\s*(\d+)", out.read_text(), re.M)
        return int(summary.group(1))


def per_call(exe, preset, contender):
    low = instructions(exe, preset, contender, LOW)
    high = instructions(exe, preset, contender, HIGH)
    return (high - low) / (HIGH - LOW)


def presets(exe):
    listing = subprocess.run([str(exe), "--list"], capture_output=True, text=True, check=True)
    return listing.stdout.split()


def main():
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    markdown = "--markdown" in sys.argv
    exe = bench_binary("instructions")
    names = args or presets(exe)
    if markdown:
        print("| preset | primitive | hookverify | beyond the primitive | ratio "
              "| streaming | beyond the primitive | streaming / one-shot |")
        print("|---|---|---|---|---|---|---|---|")
    for name in names:
        primitive = per_call(exe, name, "primitive")
        ours = per_call(exe, name, "hookverify")
        streamed = per_call(exe, name, "streaming")
        if markdown:
            print(f"| `{name}` | {primitive:,.0f} | {ours:,.0f} | {ours - primitive:,.0f} | "
                  f"{ours / primitive:.2f}× | {streamed:,.0f} | {streamed - primitive:,.0f} | "
                  f"{streamed / ours:.2f}× |")
        else:
            print(f"{name:24} primitive {primitive:9.0f}  hookverify {ours:9.0f}  "
                  f"beyond {ours - primitive:7.0f}  {ours / primitive:5.2f}x  "
                  f"streaming {streamed:9.0f}  beyond {streamed - primitive:7.0f}", flush=True)


if __name__ == "__main__":
    main()
