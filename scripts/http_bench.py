#!/usr/bin/env python3
"""The middleware over HTTP: the server pinned to one core, wrk on the other.

    cargo bench -p hookverify-bench --bench servers --no-run
    python3 scripts/http_bench.py [--rounds 5] [--seconds 3]     # layer against the hashing baseline
    python3 scripts/http_bench.py --scaling                      # in flight × body size, and the plot

The servers (crates/hookverify-bench/benches/servers.rs) run on one core (`taskset -c 0`),
axum on a current-thread runtime and actix-web on one worker, so requests per second are the
inverse of the server's CPU time per request; wrk runs on the other core (`taskset -c 1`).
Each round loads every route once, in turn, so a slow spell of the shared machine hits all of
them; the ratios are computed per round and reported as the median with the spread.

Writes target/http-bench/*.json, prints Markdown, and with --scaling writes
docs/bench-scaling.svg. Needs Debian's wrk. Standard library only.
"""

import argparse
import contextlib
import io
import json
import math
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile

from instructions import bench_binary

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "http-bench"
ROUTES = ("plain", "hashed", "core", "verified")
SIZES = {"1KiB": 1024, "64KiB": 64 * 1024}
SCALING_SIZES = [256, 1024, 4096, 16384, 65536, 262144, 1048576]
IN_FLIGHT = (1, 2, 16)


def script(exe, size, tmp):
    """A wrk script that posts a signed body of `size` bytes."""
    body = pathlib.Path(tmp) / f"body-{size}"
    signed = subprocess.run([str(exe), "sign", str(size), str(body)],
                            capture_output=True, text=True, check=True).stdout
    lines = ['wrk.method = "POST"',
             f'local f = io.open("{body}", "rb"); wrk.body = f:read("*a"); f:close()',
             'wrk.headers["Content-Type"] = "application/json"']
    for line in signed.splitlines():
        name, value = line.split(": ", 1)
        lines.append(f'wrk.headers["{name}"] = "{value}"')
    path = pathlib.Path(tmp) / f"post-{size}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


class Server:
    def __init__(self, exe, framework):
        self.process = subprocess.Popen(["taskset", "-c", "0", str(exe), framework],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = int(self.process.stdout.readline())

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def load(port, route, lua, connections, seconds):
    """Requests per second wrk sustained; fails on any non-2xx answer."""
    out = subprocess.run(["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
                          "-s", str(lua), f"http://127.0.0.1:{port}/{route}"],
                         capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        sys.exit(f"/{route} did not answer every request with 2xx:\n{out}")
    return float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))


def spread(values):
    return f"{min(values):.2f}–{max(values):.2f}"


def against_baseline(exe, rounds, seconds, connections):
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        luas = {label: script(exe, size, tmp) for label, size in SIZES.items()}
        for framework in ("axum", "actix"):
            with Server(exe, framework) as server:
                for label, lua in luas.items():
                    for route in ROUTES:  # warm up: connections, allocator, caches
                        load(server.port, route, lua, connections, 1)
                    runs = {route: [] for route in ROUTES}
                    for _ in range(rounds):
                        for route in ROUTES:
                            runs[route].append(load(server.port, route, lua, connections, seconds))
                    results[f"{framework}/{label}"] = runs
                    print(f"{framework} {label} done", file=sys.stderr)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "baseline.json").write_text(json.dumps(results, indent=1))
    print(f"Server on one core, wrk -t1 -c{connections} on the other, {rounds} rounds of "
          f"{seconds} s per route; CPU time per request = 1 / (requests per second).\n")
    print("| server | body | collect only | collect + bare HMAC | core `verify` in the handler | "
          "behind the layer | layer / HMAC baseline (throughput) | spread | layer − HMAC | "
          "layer − core |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for key, runs in results.items():
        framework, label = key.split("/")
        micros = {route: 1e6 / statistics.median(runs[route]) for route in ROUTES}
        ratios = [v / h for v, h in zip(runs["verified"], runs["hashed"])]
        met = "" if statistics.median(ratios) >= 0.95 else " ✗"
        print(f"| {framework} | {label} | {micros['plain']:.1f} µs | {micros['hashed']:.1f} µs | "
              f"{micros['core']:.1f} µs | {micros['verified']:.1f} µs | "
              f"**{statistics.median(ratios):.2f}**{met} | {spread(ratios)} | "
              f"{micros['verified'] - micros['hashed']:+.2f} µs | "
              f"{micros['verified'] - micros['core']:+.2f} µs |")


def limit(exe, size):
    out = subprocess.run(["taskset", "-c", "0", str(exe), "limit", str(size)],
                         capture_output=True, text=True, check=True).stdout
    return float(out)


def scaling(exe, seconds):
    results = {"limit": {}, "plain": {}, "verified": {str(c): {} for c in IN_FLIGHT}}
    with tempfile.TemporaryDirectory() as tmp:
        with Server(exe, "axum") as server:
            for size in SCALING_SIZES:
                lua = script(exe, size, tmp)
                load(server.port, "verified", lua, 16, 1)
                for connections in IN_FLIGHT:
                    results["verified"][str(connections)][str(size)] = load(
                        server.port, "verified", lua, connections, seconds)
                results["plain"][str(size)] = load(server.port, "plain", lua, 16, seconds)
                print(f"{size} B done", file=sys.stderr)
        for size in SCALING_SIZES:
            results["limit"][str(size)] = limit(exe, size)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "scaling.json").write_text(json.dumps(results, indent=1))
    report_scaling(results)


def report_scaling(results):
    print("axum behind the verify layer, the server on one core; verifications per second. "
          "The bound is what one core can do when it must both receive the body (the "
          "collect-only route's rate) and hash it (the bare HMAC's rate): 1 / (1/collect + "
          "1/HMAC).\n")
    print("| body | " + " | ".join(f"layer, {c} in flight" for c in IN_FLIGHT)
          + " | collect only, 16 in flight | bare HMAC on one core | receive + hash bound "
          "| layer (16) / bound |")
    print("|---|" + "---|" * (len(IN_FLIGHT) + 4))
    for size in SCALING_SIZES:
        row = [results["verified"][str(c)][str(size)] for c in IN_FLIGHT]
        plain, bare = results["plain"][str(size)], results["limit"][str(size)]
        bound = 1 / (1 / plain + 1 / bare)
        print(f"| {human(size)} | " + " | ".join(f"{r:,.0f}/s" for r in row)
              + f" | {plain:,.0f}/s | {bare:,.0f}/s | {bound:,.0f}/s | {row[-1] / bound:.2f} |")
    plot(results)


def human(size):
    return f"{size // 1048576} MiB" if size >= 1048576 else (
        f"{size // 1024} KiB" if size >= 1024 else f"{size} B")


def plot(results):
    """A log-log SVG: verifications per second on one core against body size."""
    width, height, left, bottom, top, right = 760, 400, 70, 50, 20, 230
    xs = [math.log2(s) for s in SCALING_SIZES]
    values = [v for series in results["verified"].values() for v in series.values()]
    values += list(results["limit"].values()) + list(results["plain"].values())
    lo, hi = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))

    def x(size):
        return left + (math.log2(size) - xs[0]) / (xs[-1] - xs[0]) * (width - left - right)

    def y(value):
        return top + (hi - math.log10(value)) / (hi - lo) * (height - top - bottom)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             'font-family="sans-serif" font-size="11">',
             f'<rect width="{width}" height="{height}" fill="white"/>']
    for exponent in range(lo, hi + 1):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(10 ** exponent):.1f}" '
                     f'y2="{y(10 ** exponent):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y(10 ** exponent) + 4:.1f}" '
                     f'text-anchor="end">1e{exponent}</text>')
    for size in SCALING_SIZES:
        parts.append(f'<text x="{x(size):.1f}" y="{height - bottom + 16}" '
                     f'text-anchor="middle">{human(size)}</text>')
    parts.append(f'<text x="{(left + width - right) / 2}" y="{height - 10}" '
                 'text-anchor="middle">body size</text>')
    parts.append(f'<text x="14" y="{(top + height - bottom) / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 14 {(top + height - bottom) / 2})">per second, one core'
                 '</text>')
    series = [("bare HMAC-SHA256 (the limit)", results["limit"], "#000", "4 3"),
              ("collect only, 16 in flight", results["plain"], "#888", "2 2")]
    colors = {"1": "#1f77b4", "2": "#ff7f0e", "16": "#2ca02c"}
    for connections, points in results["verified"].items():
        series.append((f"layer, {connections} in flight", points, colors[connections], ""))
    for index, (label, points, color, dash) in enumerate(series):
        path = " ".join(f"{x(int(s)):.1f},{y(v):.1f}" for s, v in points.items())
        parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2" '
                     f'stroke-dasharray="{dash}"/>')
        legend_y = top + 14 + index * 16
        parts.append(f'<line x1="{width - right + 10}" x2="{width - right + 30}" y1="{legend_y - 4}" '
                     f'y2="{legend_y - 4}" stroke="{color}" stroke-width="2" '
                     f'stroke-dasharray="{dash}"/>')
        parts.append(f'<text x="{width - right + 34}" y="{legend_y}">{label}</text>')
    parts.append("</svg>")
    (ROOT / "docs" / "bench-scaling.svg").write_text("\n".join(parts) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--scaling", action="store_true")
    parser.add_argument("--report", action="store_true",
                        help="with --scaling: report the last run again, without measuring")
    args = parser.parse_args()
    exe = bench_binary("servers")
    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        if args.scaling and args.report:
            report_scaling(json.loads((OUT / "scaling.json").read_text()))
        elif args.scaling:
            scaling(exe, args.seconds)
        else:
            against_baseline(exe, args.rounds, args.seconds, args.connections)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / ("scaling.md" if args.scaling else "baseline.md")).write_text(report.getvalue())
    print(report.getvalue(), end="")


if __name__ == "__main__":
    main()
