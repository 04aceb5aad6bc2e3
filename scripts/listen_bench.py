#!/usr/bin/env python3
"""`hookverify listen` capturing deliveries: how many per second, and whether memory grows.

    cargo build --release -p hookverify-cli
    python3 scripts/listen_bench.py [--rounds 6] [--seconds 5] [--size 1024]

Starts `listen` pinned to one core (`taskset -c 0`) with a captures file in a temporary
directory, and loads it with wrk on the other core (16 connections) with one signed Stripe
delivery, round after round. Every answer must be 2xx: each is a delivery verified, printed and
appended to the file. After each round it reads the server's resident memory (VmRSS) and the
file's size; memory must level off once the captures reach --max-captures (1000 by default),
which is when the oldest start being dropped. Needs Debian's wrk. Standard library only.
"""

import argparse
import pathlib
import re
import socket
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXE = ROOT / "target" / "release" / "hookverify"
SECRET = "whsec_listen-bench-test-only"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_kib(pid):
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s*(\d+)", status).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--size", type=int, default=1024)
    args = parser.parse_args()
    if not EXE.exists():
        sys.exit("build it first: cargo build --release -p hookverify-cli")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        body = tmp / "body.json"
        body.write_text('{"id":"evt_listen_bench","data":"' + "a" * (args.size - 36) + '"}')
        signed = subprocess.run([str(EXE), "sign", "--scheme", "stripe", "--secret", SECRET,
                                 "--body-file", str(body)],
                                capture_output=True, text=True, check=True).stdout
        lua = ['wrk.method = "POST"',
               f'local f = io.open("{body}", "rb"); wrk.body = f:read("*a"); f:close()',
               'wrk.headers["Content-Type"] = "application/json"']
        for line in signed.splitlines():
            if ": " in line:
                name, value = line.split(": ", 1)
                lua.append(f'wrk.headers["{name}"] = "{value}"')
        script = tmp / "post.lua"
        script.write_text("\n".join(lua) + "\n")
        port = free_port()
        store = tmp / "captures.jsonl"
        server = subprocess.Popen(["taskset", "-c", "0", str(EXE), "listen", "--scheme", "stripe",
                                   "--secret", SECRET, "--addr", f"127.0.0.1:{port}",
                                   "--store", str(store)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(50):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            print(f"`hookverify listen` on one core, wrk -t1 -c16 on the other, "
                  f"{args.size} B Stripe deliveries, captures file on local disk.\n")
            print("| round | captured per second | resident memory after | captures file |")
            print("|---|---|---|---|")
            print(f"| before | – | {rss_kib(server.pid) / 1024:.1f} MiB | – |")
            for round_ in range(1, args.rounds + 1):
                out = subprocess.run(["taskset", "-c", "1", "wrk", "-t1", "-c16",
                                      f"-d{args.seconds}s", "-s", str(script),
                                      f"http://127.0.0.1:{port}/webhooks"],
                                     capture_output=True, text=True, check=True).stdout
                if "Non-2xx" in out or "Socket errors" in out:
                    sys.exit(f"listen did not answer every delivery with 2xx:\n{out}")
                rate = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
                size = store.stat().st_size / (1024 * 1024)
                print(f"| {round_} | {rate:,.0f} | {rss_kib(server.pid) / 1024:.1f} MiB | "
                      f"{size:.1f} MiB |", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
