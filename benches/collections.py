#!/usr/bin/env python3
"""Big collections: raft-kv against redis-server on hashes, sets, sorted sets and lists of
many members.

Usage (from the repository root):

    cargo build --release
    python3 benches/collections.py                 # 1M members per value (a few minutes)
    python3 benches/collections.py --members 100000

For each type it fills one key with N members through redis-cli --pipe (and, for reference,
N plain string keys), then runs
redis-benchmark (-c 20) on commands that touch one member of that key: against a 3-node
raft-kv cluster (through the leader, every write fsync'd) and against redis-server without
persistence, and prints ops/s with the ratio. Then it measures memory: how much one key of N
members grows the RSS of a single raft-kv node (snapshots every 300 entries, so its in-memory
log stays small) against how much it grows redis-server's.

Output: a markdown table on stdout and in benches/results/collections.md. Every process this
script starts is killed when it exits.

Requirements: redis-server, redis-cli and redis-benchmark on PATH (Debian: redis-server
redis-tools), Python 3.9+.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "raft-kv")

# Per type: how to fill the key (one command per 1000 members) and the one-member commands
# to time (`__rand_int__` is replaced by redis-benchmark with a random number below -r,
# `{mid}` by half the member count).
TYPES = {
    # Not a collection: plain keys, the cluster's usual rate to compare the others with.
    "string": (
        lambda lo, hi: ["MSET"] + [x for j in range(lo, hi) for x in (f"s{j}", f"v{j}")],
        ["SET s__rand_int__ v", "GET s__rand_int__"],
    ),
    "hash": (
        lambda lo, hi: ["HSET", "k"] + [x for j in range(lo, hi) for x in (f"f{j}", f"v{j}")],
        ["HSET k f__rand_int__ v", "HGET k f__rand_int__", "HDEL k x__rand_int__"],
    ),
    "set": (
        lambda lo, hi: ["SADD", "k"] + [f"m{j}" for j in range(lo, hi)],
        ["SADD k m__rand_int__", "SISMEMBER k m__rand_int__", "SREM k x__rand_int__"],
    ),
    "zset": (
        lambda lo, hi: ["ZADD", "k"] + [x for j in range(lo, hi) for x in (str(j), f"m{j}")],
        ["ZADD k 5 m__rand_int__", "ZSCORE k m__rand_int__", "ZINCRBY k 1 m__rand_int__",
         "ZREVRANGE k 0 9", "ZPOPMIN k"],
    ),
    "list": (
        lambda lo, hi: ["RPUSH", "k"] + [f"element:{j:08d}" for j in range(lo, hi)],
        ["RPUSH k x", "LPOP k", "LINDEX k {mid}", "LRANGE k 0 9"],
    ),
}

processes: list[subprocess.Popen] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(port: int, *args: str) -> str:
    out = subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True, timeout=30)
    return out.stdout.decode().strip()


def wait_for(what: str, check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    sys.exit(f"timed out waiting for {what}")


def start(cmd: list[str]) -> subprocess.Popen:
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    processes.append(p)
    return p


def start_redis() -> tuple[subprocess.Popen, int]:
    port = free_port()
    p = start(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"])
    wait_for("redis-server", lambda: cli(port, "ping") == "PONG")
    return p, port


def start_raft(n: int, data: str, extra: list[str]) -> tuple[list[subprocess.Popen], int]:
    """Starts an n-node cluster; returns its processes and the leader's client port."""
    peers = ",".join(f"127.0.0.1:{free_port()}" for _ in range(n))
    ports = [free_port() for _ in range(n)]
    nodes = [
        start([BINARY, "--id", str(i + 1), f"--cluster={peers}", "--port", str(ports[i]),
               "--data-dir", os.path.join(data, f"node-{i + 1}"), *extra])
        for i in range(n)
    ]

    def leader():
        for port in ports:
            if "role:master" in cli(port, "info", "replication"):
                return port
        return None

    port = wait_for("a raft-kv leader", leader)
    wait_for("a first write", lambda: cli(port, "set", "warm", "1") == "OK")
    return nodes, port


def fill(port: int, kind: str, members: int):
    build, _ = TYPES[kind]
    chunks = []
    for lo in range(0, members, 1000):
        args = build(lo, min(lo + 1000, members))
        chunks.append(f"*{len(args)}\r\n" + "".join(f"${len(a)}\r\n{a}\r\n" for a in args))
    subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input="".join(chunks).encode(),
                   stdout=subprocess.DEVNULL, check=True, timeout=600)


def rate(port: int, command: str, members: int, requests: int) -> float:
    out = subprocess.run(
        ["redis-benchmark", "-p", str(port), "-n", str(requests), "-c", "20", "-r",
         str(members), "-q", *command.split()],
        capture_output=True, timeout=600).stdout.decode()
    found = re.findall(r"([0-9.]+) requests per second", out.replace("\r", "\n"))
    return float(found[-1]) if found else 0.0


def rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def memory_growth(kind: str, members: int, data: str) -> tuple[float, float]:
    """RSS growth in MB from filling one key: (redis-server, raft-kv single node)."""
    grown = []
    for name in ("redis", "raft"):
        if name == "redis":
            p, port = start_redis()
            nodes = [p]
        else:
            nodes, port = start_raft(1, os.path.join(data, f"mem-{kind}"),
                                     ["--snapshot-entries", "300"])
        before = rss(nodes[0].pid)
        fill(port, kind, members)
        cli(port, "debug", "digest")  # a read after every write
        time.sleep(3)  # let a snapshot in progress finish and free its buffer
        grown.append((rss(nodes[0].pid) - before) / 1e6)
        for p in nodes:
            p.kill()
            p.wait()
    return grown[0], grown[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20_000)
    args = parser.parse_args()
    if not os.path.exists(BINARY):
        sys.exit("build first: cargo build --release")
    for tool in ("redis-server", "redis-cli", "redis-benchmark"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found (Debian: apt-get install redis-server redis-tools)")
    data = tempfile.mkdtemp(prefix="raft-kv-collections-")
    rows = []
    try:
        _, raft_port = start_raft(3, os.path.join(data, "cluster"), [])
        _, redis_port = start_redis()
        for kind, (_, commands) in TYPES.items():
            for port in (raft_port, redis_port):
                cli(port, "del", "k")
                fill(port, kind, args.members)
            for command in commands:
                command = command.replace("{mid}", str(args.members // 2))
                raft = rate(raft_port, command, args.members, args.requests)
                redis = rate(redis_port, command, args.members, args.requests)
                rows.append((kind, command, raft, redis))
                print(f"{kind:5} {command:28} raft-kv {raft:9.0f}/s  redis {redis:9.0f}/s  "
                      f"{raft / redis if redis else 0:.2f}x", flush=True)
        for p in processes:
            p.kill()
            p.wait()
        processes.clear()
        memory = []
        for kind in TYPES:
            redis_mb, raft_mb = memory_growth(kind, args.members, data)
            memory.append((kind, redis_mb, raft_mb))
            print(f"{kind:5} memory: redis +{redis_mb:.1f} MB, raft-kv +{raft_mb:.1f} MB, "
                  f"{raft_mb / redis_mb if redis_mb else 0:.2f}x", flush=True)
    finally:
        for p in processes:
            p.kill()
        shutil.rmtree(data, ignore_errors=True)

    lines = [
        f"# Big collections, {args.members:,} members per value",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs; "
        "raft-kv: 3 nodes, through the leader, fsync on; redis-server: no persistence; "
        "redis-benchmark -c 20.",
        "",
        "| type | command | raft-kv ops/s | redis-server ops/s | ratio |",
        "|---|---|---:|---:|---:|",
    ]
    lines += [f"| {k} | `{c}` | {a:.0f} | {b:.0f} | {a / b if b else 0:.2f}x |"
              for k, c, a, b in rows]
    lines += ["", "| type | RSS growth, redis-server | RSS growth, raft-kv (1 node) | ratio |",
              "|---|---:|---:|---:|"]
    lines += [f"| {k} | {r:.1f} MB | {f:.1f} MB | {f / r if r else 0:.2f}x |"
              for k, r, f in memory]
    out = os.path.join(ROOT, "benches", "results", "collections.md")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
