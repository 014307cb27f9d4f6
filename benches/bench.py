#!/usr/bin/env python3
"""Reproducible benchmark of raft-kv side by side with redis-server.

Usage (from the repository root):

    cargo build --release
    python3 benches/bench.py                  # full run: 3 rounds, -n 200000 (tens of minutes)
    python3 benches/bench.py --quick          # fast check: 1 round, -n 10000
    python3 benches/bench.py --rounds 5       # more rounds (medians are reported)
    python3 benches/bench.py --scale          # full run plus the scale section (slow)
    python3 benches/bench.py --scale-only     # only the scale section; keeps the last
                                              # throughput/latency results of latest.json
    python3 benches/bench.py --matrix-only    # the default run, keeping the last scale
                                              # section of latest.json
    python3 benches/bench.py --quick --scale  # fast check of everything

On one machine it starts a 5-node and a 3-node raft-kv cluster (release build, every write
fsync'd, data in a temporary directory on local disk) and redis-server twice (AOF with
`appendfsync always`, and no persistence at all), each on free ports. It runs
`redis-benchmark -t set,get -n N -c 50` with `-P 1` and `-P 16`, and `-c 1` for latency,
through the leader and through a follower of each cluster (found with `INFO raft`) and against
both redis-servers, alternating targets in every round. It prints the medians of ops/s and of
p50/p99 latency, with the ratio to each redis-server mode, and the targets of the issue as
PASS/MISS (reported, never asserted: the machine is shared).

The scale section (5-node cluster) measures the RSS at 1M keys (16-byte keys, 100-byte values)
of the leader against redis-server, the restart time of a killed node holding 1M keys, the
catch-up rate of a follower that missed N writes, and the disk usage of the data directories
during a sustained write load (it must stay flat: log compaction).

Output goes to stdout and to benches/results/: latest.md (table, machine, targets),
latest.csv (medians), latest-runs.csv (every run), latest.json (everything, used by
--scale-only) and latest.png (chart). Every process this script starts is killed when it
exits, including on Ctrl-C, SIGTERM, or the death of this script (PR_SET_PDEATHSIG).

Requirements: redis-server and redis-benchmark on PATH (Debian: redis-server redis-tools),
Python 3.9+, matplotlib for the PNG (optional: the chart is skipped without it).
"""

from __future__ import annotations

import argparse
import atexit
import csv
import ctypes
import datetime as dt
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benches" / "results"
HOST = "127.0.0.1"

# Startup and polling bounds, in seconds.
START_TIMEOUT = 60.0
POLL_INTERVAL = 0.05


# --------------------------------------------------------------------------------------------
# Process management: everything started here is registered and killed at exit.
# --------------------------------------------------------------------------------------------

_LIBC = None
try:
    _LIBC = ctypes.CDLL("libc.so.6", use_errno=True)
except OSError:
    _LIBC = None

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Runs in the child before exec: a SIGKILL of this script still kills the child."""
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    # A session of its own: Ctrl-C reaches only this script, which then stops children in order.
    os.setsid()


class Procs:
    """Registry of every child process; `stop_all` runs from finally, atexit and signals."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen] = []
        self.lock = threading.Lock()

    def spawn(self, argv: list[str], log_path: Path | None = None, **kw) -> subprocess.Popen:
        out = open(log_path, "ab") if log_path else subprocess.DEVNULL
        try:
            p = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent, **kw)
        finally:
            if log_path:
                out.close()
        with self.lock:
            self.procs.append(p)
        return p

    def stop(self, p: subprocess.Popen, sig: int = signal.SIGTERM, grace: float = 5.0) -> None:
        if p.poll() is None:
            try:
                p.send_signal(sig)
                p.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            except ProcessLookupError:
                pass
        with self.lock:
            if p in self.procs:
                self.procs.remove(p)

    def stop_all(self) -> None:
        with self.lock:
            procs = list(self.procs)
        for p in procs:
            if p.poll() is None:
                try:
                    p.terminate()
                except ProcessLookupError:
                    pass
        deadline = time.time() + 5
        for p in procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        with self.lock:
            self.procs.clear()


PROCS = Procs()
atexit.register(PROCS.stop_all)


def _on_signal(signum, _frame):
    # Turn SIGTERM/SIGHUP into an exception so every finally block (and atexit) runs.
    raise SystemExit(128 + signum)


signal.signal(signal.SIGTERM, _on_signal)
# Ctrl-C raises KeyboardInterrupt even when a non-interactive parent shell ignored SIGINT.
signal.signal(signal.SIGINT, signal.default_int_handler)
signal.signal(signal.SIGHUP, _on_signal)


_PORTS_GIVEN: set[int] = set()


def free_ports(n: int) -> list[int]:
    """n distinct free ports below the kernel's ephemeral range.

    Ports from the ephemeral range (what binding port 0 returns) can be taken between our
    choice and the server's bind by the outgoing connections of the nodes already running, so
    ports are drawn at random from below it, checked by binding, and never handed out twice.
    """
    lo_eph = 32768
    try:
        lo_eph = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    except (OSError, ValueError, IndexError):
        pass
    lo, hi = 20000, max(20001 + 10 * n, lo_eph - 1)
    rng = random.Random()
    ports: list[int] = []
    while len(ports) < n:
        port = rng.randrange(lo, hi)
        if port in _PORTS_GIVEN:
            continue
        with socket.socket() as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
        _PORTS_GIVEN.add(port)
        ports.append(port)
    return ports


# --------------------------------------------------------------------------------------------
# A minimal RESP client (for INFO, GET, SET and the pipelined loader).
# --------------------------------------------------------------------------------------------

class RespError(Exception):
    """An error reply (`-ERR ...`) from the server."""


def encode(*args) -> bytes:
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        elif isinstance(a, int):
            a = str(a).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(parts)


class Client:
    def __init__(self, port: int, timeout: float = 5.0) -> None:
        self.sock = socket.create_connection((HOST, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.f = self.sock.makefile("rb")

    def close(self) -> None:
        try:
            self.f.close()
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def read(self):
        line = self.f.readline()
        if not line:
            raise ConnectionError("connection closed")
        t, rest = line[:1], line[1:-2]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return RespError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.f.read(n + 2)
            return data[:-2]
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        if t == b"_":
            return None
        raise ConnectionError(f"unexpected reply {line!r}")

    def cmd(self, *args):
        self.sock.sendall(encode(*args))
        r = self.read()
        if isinstance(r, RespError):
            raise r
        return r


def info_raft(port: int, timeout: float = 2.0) -> dict[str, str] | None:
    """`INFO raft` as a dict, or None when the node does not answer."""
    try:
        with Client(port, timeout=timeout) as c:
            text = c.cmd("INFO", "raft")
    except (OSError, RespError, ConnectionError, ValueError):
        return None
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    out = {}
    for line in str(text).splitlines():
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            out[k.strip()] = v.strip()
    return out


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def disk_usage(path: Path) -> tuple[int, int]:
    """(allocated bytes, apparent bytes) of every file under path."""
    alloc = apparent = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                st = os.lstat(os.path.join(root, name))
            except FileNotFoundError:
                continue  # a segment or snapshot removed by compaction while we walk
            alloc += st.st_blocks * 512
            apparent += st.st_size
    return alloc, apparent


# --------------------------------------------------------------------------------------------
# Servers under test.
# --------------------------------------------------------------------------------------------

@dataclass
class RaftNode:
    id: int
    port: int
    data_dir: Path
    argv: list[str]
    log: Path
    proc: subprocess.Popen | None = None

    def start(self) -> float:
        self.proc = PROCS.spawn(self.argv, log_path=self.log)
        return time.monotonic()


@dataclass
class RaftCluster:
    name: str
    nodes: list[RaftNode] = field(default_factory=list)

    @classmethod
    def create(cls, name: str, size: int, binary: Path, root: Path,
               extra: list[str]) -> "RaftCluster":
        ports = free_ports(2 * size)
        peer, resp = ports[:size], ports[size:]
        cluster_arg = ",".join(f"{HOST}:{p}" for p in peer)
        c = cls(name)
        for i in range(size):
            d = root / name / f"node-{i + 1}"
            d.mkdir(parents=True)
            argv = [str(binary), "--id", str(i + 1), f"--cluster={cluster_arg}",
                    "--port", str(resp[i]), "--data-dir", str(d)] + extra
            c.nodes.append(RaftNode(i + 1, resp[i], d, argv, root / name / f"node-{i + 1}.log"))
        return c

    def start(self) -> None:
        for n in self.nodes:
            n.start()

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Waits until every live node answers INFO raft and all agree on one leader."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            for n in self.nodes:
                if n.proc is not None and n.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} node {n.id} exited with {n.proc.returncode}; "
                                       f"see {n.log}:\n{tail(n.log)}")
            infos = [info_raft(n.port) for n in self.live()]
            last = infos
            if all(infos):
                leaders = {i.get("leader_id") for i in infos}
                roles = [i.get("role") for i in infos]
                if len(leaders) == 1 and roles.count("leader") == 1 and None not in leaders:
                    lid = int(next(iter(leaders)))
                    if self.node(lid).port == self.live()[roles.index("leader")].port:
                        return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name}: no agreed leader after {timeout}s; last INFO: {last}")

    def live(self) -> list[RaftNode]:
        return [n for n in self.nodes if n.proc is not None and n.proc.poll() is None]

    def node(self, node_id: int) -> RaftNode:
        return self.nodes[node_id - 1]

    def leader(self) -> RaftNode:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            for n in self.live():
                i = info_raft(n.port)
                if i and i.get("role") == "leader":
                    return n
            time.sleep(0.1)
        raise RuntimeError(f"{self.name}: no leader")

    def follower(self) -> RaftNode:
        """A live follower; the one with the highest id, so the choice is stable across runs."""
        lead = self.leader()
        for n in reversed(self.live()):
            if n is not lead:
                i = info_raft(n.port)
                if i and i.get("role") == "follower":
                    return n
        raise RuntimeError(f"{self.name}: no live follower")

    def stop(self) -> None:
        for n in self.nodes:
            if n.proc is not None:
                PROCS.stop(n.proc)


@dataclass
class Redis:
    name: str
    port: int
    data_dir: Path
    args: list[str]
    log: Path
    proc: subprocess.Popen | None = None

    @classmethod
    def create(cls, name: str, root: Path, persist: bool) -> "Redis":
        port = free_ports(1)[0]
        d = root / name
        d.mkdir(parents=True)
        mode = (["--appendonly", "yes", "--appendfsync", "always", "--save", ""] if persist
                else ["--save", "", "--appendonly", "no"])
        args = ["redis-server", "--port", str(port), "--bind", HOST, "--dir", str(d),
                "--daemonize", "no", "--protected-mode", "no"] + mode
        return cls(name, port, d, args, root / f"{name}.log")

    def start(self) -> float:
        self.proc = PROCS.spawn(self.args, log_path=self.log)
        return time.monotonic()

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log}:\n{tail(self.log)}")
            try:
                with Client(self.port, timeout=1) as c:
                    if c.cmd("PING") == "PONG":
                        return
            except (OSError, RespError, ConnectionError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not start")

    def stop(self) -> None:
        if self.proc is not None:
            PROCS.stop(self.proc)


def tail(path: Path, n: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


# --------------------------------------------------------------------------------------------
# redis-benchmark runs.
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Config:
    key: str
    clients: int
    pipeline: int
    requests_attr: str  # "n" or "latency_n": which option gives -n


CONFIGS = [
    Config("c50-P1", 50, 1, "n"),
    Config("c50-P16", 50, 16, "n"),
    Config("c1", 1, 1, "latency_n"),
]

REDIS_NOPERSIST = "redis-nopersist"
REDIS_AOF = "redis-aof-always"


def run_benchmark(port: int, cfg: Config, n: int, timeout: float) -> tuple[dict, str]:
    """Runs redis-benchmark once; returns ({TEST: row}, error text)."""
    argv = ["redis-benchmark", "-h", HOST, "-p", str(port), "-t", "set,get", "-n", str(n),
            "-c", str(cfg.clients), "-P", str(cfg.pipeline), "--csv"]
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
    with PROCS.lock:
        PROCS.procs.append(p)
    try:
        out, err = p.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        timed_out = True
    finally:
        with PROCS.lock:
            if p in PROCS.procs:
                PROCS.procs.remove(p)
    text = out.decode(errors="replace")
    rows = {}
    errors = []
    for r in csv.reader(line for line in text.splitlines() if line.startswith('"')):
        if r[0] == "test":
            continue
        try:
            rows[r[0]] = {"rps": float(r[1]), "avg": float(r[2]), "p50": float(r[4]),
                          "p95": float(r[5]), "p99": float(r[6]), "max": float(r[7])}
        except (ValueError, IndexError):
            errors.append(f"unparsed row {r}")
    for line in (text + "\n" + err.decode(errors="replace")).splitlines():
        # The CONFIG GET warning at start is harmless (raft-kv need not implement CONFIG).
        if "rror" in line and "CONFIG" not in line and not line.startswith('"'):
            errors.append(line.strip())
    if timed_out:
        errors.append(f"timed out after {timeout:.0f}s")
    if p.returncode not in (0, None) and not timed_out and not rows:
        errors.append(f"redis-benchmark exit {p.returncode}: {err.decode(errors='replace')[-300:]}")
    return rows, "; ".join(dict.fromkeys(errors))[:500]


# --------------------------------------------------------------------------------------------
# Pipelined loader (exact keys: key:%012d, 16 bytes; value: 100 bytes derived from the index).
# --------------------------------------------------------------------------------------------

def key_of(prefix: str, i: int) -> bytes:
    return b"%s%012d" % (prefix.encode(), i)


def value_of(i: int, size: int = 100) -> bytes:
    v = b"v%012d-" % i
    return v + b"x" * (size - len(v))


def load(port: int, prefix: str, count: int, conns: int = 8, batch: int = 256,
         value_size: int = 100) -> tuple[float, int]:
    """SETs count keys through conns pipelined connections; returns (seconds, retried)."""
    retried = [0]
    samples: list[str] = []
    failures: list[BaseException] = []

    def worker(lo: int, hi: int) -> None:
        try:
            c = Client(port, timeout=30)
            pending = list(range(lo, hi))
            while pending:
                again = []
                for s in range(0, len(pending), batch):
                    chunk = pending[s:s + batch]
                    c.sock.sendall(b"".join(
                        encode(b"SET", key_of(prefix, i), value_of(i, value_size)) for i in chunk))
                    for i in chunk:
                        r = c.read()
                        if isinstance(r, RespError):
                            again.append(i)
                            if len(samples) < 3:
                                samples.append(str(r))
                if again:
                    retried[0] += len(again)
                    if retried[0] > count:
                        raise RuntimeError(f"too many error replies, e.g. {r}")
                    time.sleep(0.2)
                pending = again
            c.close()
        except BaseException as e:  # reported by the caller
            failures.append(e)

    t0 = time.monotonic()
    step = (count + conns - 1) // conns
    threads = [threading.Thread(target=worker, args=(lo, min(count, lo + step)), daemon=True)
               for lo in range(0, count, step)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"load failed: {failures[0]!r}")
    if samples:
        print(f"  (load: {retried[0]} error replies retried, e.g. {samples})", flush=True)
    return time.monotonic() - t0, retried[0]


# --------------------------------------------------------------------------------------------
# The main matrix.
# --------------------------------------------------------------------------------------------

def target_port(targets: dict, name: str) -> int:
    kind = targets[name]
    if isinstance(kind, Redis):
        return kind.port
    cluster, role = kind
    return (cluster.leader() if role == "leader" else cluster.follower()).port


ALL_TARGETS = ["raft5-leader", "raft5-follower", "raft3-leader", "raft3-follower",
               REDIS_AOF, REDIS_NOPERSIST]


def run_matrix(args, root: Path, binary: Path | None) -> dict:
    extra = raft_extra_args(args)
    wanted = args.targets
    servers: list = []
    targets: dict = {}
    clusters: list[RaftCluster] = []
    for size in (5, 3):
        name = f"raft{size}"
        if any(t.startswith(name + "-") for t in wanted):
            c = RaftCluster.create(name, size, binary, root, extra)
            clusters.append(c)
            servers.append(c)
            for role in ("leader", "follower"):
                if f"{name}-{role}" in wanted:
                    targets[f"{name}-{role}"] = (c, role)
    for name, persist in ((REDIS_AOF, True), (REDIS_NOPERSIST, False)):
        if name in wanted:
            r = Redis.create(name, root, persist=persist)
            servers.append(r)
            targets[name] = r
    try:
        for s in servers:
            s.start()
        for s in servers:
            s.wait_ready()
        for c in clusters:
            smoke_test(c)
        names = [t for t in ALL_TARGETS if t in targets]
        runs = []
        commits_before = {c.name: int(info_raft(c.leader().port)["commit_index"])
                          for c in clusters}
        t_start = time.monotonic()
        for rnd in range(args.rounds):
            for cfg in CONFIGS:
                # Rotate the order every round so no target always runs first after a pause.
                order = names[rnd % len(names):] + names[:rnd % len(names)]
                for name in order:
                    n = getattr(args, cfg.requests_attr)
                    port = target_port(targets, name)
                    t0 = time.monotonic()
                    rows, err = run_benchmark(port, cfg, n, args.timeout)
                    secs = time.monotonic() - t0
                    for test in ("SET", "GET"):
                        row = rows.get(test)
                        runs.append({"round": rnd + 1, "target": name, "config": cfg.key,
                                     "test": test, "clients": cfg.clients,
                                     "pipeline": cfg.pipeline, "n": n, "port": port,
                                     "rps": row["rps"] if row else None,
                                     "p50_ms": row["p50"] if row else None,
                                     "p99_ms": row["p99"] if row else None,
                                     "avg_ms": row["avg"] if row else None,
                                     "error": err})
                    summary = "  ".join(
                        f"{t} {rows[t]['rps']:>10.0f} ops/s p50 {rows[t]['p50']:.3f} "
                        f"p99 {rows[t]['p99']:.3f}" for t in ("SET", "GET") if t in rows)
                    print(f"[round {rnd + 1}/{args.rounds}] {name:16s} {cfg.key:8s} "
                          f"{summary} ({secs:.0f}s){'  ERR: ' + err if err else ''}", flush=True)
        elapsed = time.monotonic() - t_start
        diag = []
        if not args.no_diag:
            for name in ("raft5-leader", "raft3-leader", REDIS_AOF):
                if name in targets:
                    diag += diagnose(args, name, targets[name])
        entries = {}
        for c in clusters:
            i = info_raft(c.leader().port)
            entries[c.name] = int(i["commit_index"]) - commits_before[c.name]
        observations = collect_observations(clusters, entries, elapsed)
        return {"runs": runs, "observations": observations, "diag": diag}
    finally:
        for s in servers:
            s.stop()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all threads), in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


FSYNC_EVENTS = "syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync"


def perf_fsyncs_start(pid: int, out: Path) -> subprocess.Popen | None:
    """Counts fsync + fdatasync calls of pid (all its threads) with `perf stat`, if usable."""
    if shutil.which("perf") is None:
        return None
    return PROCS.spawn(["perf", "stat", "-x,", "-o", str(out), "-e", FSYNC_EVENTS,
                        "-p", str(pid)])


def perf_fsyncs_stop(p: subprocess.Popen | None, out: Path) -> int | None:
    if p is None:
        return None
    PROCS.stop(p, sig=signal.SIGINT)
    total, seen = 0, False
    try:
        for line in out.read_text().splitlines():
            parts = line.split(",")
            if len(parts) > 2 and parts[2].startswith("syscalls:"):
                if parts[0].strip().isdigit():
                    total += int(parts[0])
                    seen = True
                elif parts[0].strip() == "<not counted>":
                    seen = True  # the process made no such call while perf watched
    except OSError:
        return None
    return total if seen else None


def diagnose(args, name: str, target) -> list[dict]:
    """SET-only runs with fsync counts (perf) and CPU time: where does a write's time go?"""
    out = []
    for cfg in CONFIGS:
        n = getattr(args, cfg.requests_attr)
        if isinstance(target, Redis):
            pids = {"server": target.proc.pid}
            port, commit = target.port, None
            lead = fol = None
        else:
            cluster = target[0]
            lead, fol = cluster.leader(), cluster.follower()
            pids = {"leader": lead.proc.pid, "follower": fol.proc.pid}
            port = lead.port
            commit = int(info_raft(port)["commit_index"])
            io0 = io_counters(port)
        perfs = {k: perf_fsyncs_start(pid, Path(tempfile.mktemp(prefix=f"perf-{k}-")))
                 for k, pid in pids.items()}
        time.sleep(0.3)  # perf attaches asynchronously
        cpu0 = {k: cpu_seconds(pid) for k, pid in pids.items()}
        all0 = (sum(cpu_seconds(nd.proc.pid) for nd in target[0].live())
                if lead is not None else None)
        t0 = time.monotonic()
        argv = ["redis-benchmark", "-h", HOST, "-p", str(port), "-t", "set", "-n", str(n),
                "-c", str(cfg.clients), "-P", str(cfg.pipeline), "-q"]
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       stdin=subprocess.DEVNULL, timeout=args.timeout,
                       preexec_fn=_die_with_parent)
        secs = time.monotonic() - t0
        cpu = {k: cpu_seconds(pid) - cpu0[k] for k, pid in pids.items()}
        all_cpu = (sum(cpu_seconds(nd.proc.pid) for nd in target[0].live()) - all0
                   if lead is not None else None)
        fs = {}
        for k, p in perfs.items():
            path = Path(p.args[p.args.index("-o") + 1]) if p is not None else None
            fs[k] = perf_fsyncs_stop(p, path) if p is not None else None
            if path is not None:
                path.unlink(missing_ok=True)
        entries = (int(info_raft(port)["commit_index"]) - commit) if commit is not None else n
        io = None
        if commit is not None:
            io1 = io_counters(port)
            if io0 is not None and io1 is not None:
                io = {k: io1[k] - io0[k] for k in io1}
        main_key = "leader" if lead is not None else "server"
        row = {"target": name, "config": cfg.key, "clients": cfg.clients,
               "pipeline": cfg.pipeline, "n": n, "seconds": secs, "ops_per_s": n / secs,
               "entries": entries,
               "fsyncs_main": fs.get(main_key), "fsyncs_follower": fs.get("follower"),
               "entries_per_fsync": (entries / fs[main_key]) if fs.get(main_key) else None,
               # From the leader's own counters (INFO raft): log writes (one fsync each) and
               # AppendEntries messages that carried entries.
               "leader_wal_fsyncs": io["wal_fsyncs"] if io else None,
               "entries_per_wal_fsync": (io["wal_entries_written"] / io["wal_fsyncs"])
               if io and io["wal_fsyncs"] else None,
               "entries_per_append": (io["append_entries_sent"] / io["appends_sent"])
               if io and io["appends_sent"] else None,
               "commands_per_entry": (n / entries) if commit is not None and entries else None,
               "cpu_main_pct": 100 * cpu[main_key] / secs,
               "cpu_follower_pct": (100 * cpu["follower"] / secs) if "follower" in cpu else None,
               "cpu_all_nodes_pct": (100 * all_cpu / secs) if all_cpu is not None else None}
        out.append(row)
        print(f"[diag] {name:16s} SET {cfg.key:8s} {row['ops_per_s']:>9.0f} ops/s, "
              f"{entries} entries, fsyncs {fs}, CPU main {row['cpu_main_pct']:.0f}%"
              + (f", all nodes {row['cpu_all_nodes_pct']:.0f}%" if all_cpu is not None else ""),
              flush=True)
    return out


IO_KEYS = ("wal_fsyncs", "wal_entries_written", "appends_sent", "append_entries_sent")


def io_counters(port: int) -> dict[str, int] | None:
    """The leader's disk and replication totals from INFO raft."""
    i = info_raft(port)
    try:
        return {k: int(i[k]) for k in IO_KEYS} if i else None
    except (KeyError, ValueError):
        return None


def raft_extra_args(args) -> list[str]:
    extra = []
    if args.snapshot_entries:
        extra += ["--snapshot-entries", str(args.snapshot_entries)]
    return extra + args.raft_arg


def smoke_test(c: RaftCluster) -> None:
    """One write through a follower and a linearizable read back through the leader."""
    f, lead = c.follower(), c.leader()
    with Client(f.port, timeout=10) as cl:
        if cl.cmd("SET", "bench:smoke", c.name) != "OK":
            raise RuntimeError(f"{c.name}: SET via follower failed")
    with Client(lead.port, timeout=10) as cl:
        got = cl.cmd("GET", "bench:smoke")
    if got != c.name.encode():
        raise RuntimeError(f"{c.name}: GET via leader returned {got!r}")


def collect_observations(clusters: list[RaftCluster], entries: dict, elapsed: float) -> list:
    obs = [f"matrix wall time {elapsed:.0f}s"]
    if entries:
        obs.append("log entries committed during the matrix: "
                   + ", ".join(f"{k} {v}" for k, v in entries.items()))
    for c in clusters:
        silent = [n.id for n in c.nodes if n.proc is not None and n.proc.poll() is None
                  and info_raft(n.port, timeout=5) is None]
        dead = [n.id for n in c.nodes if n.proc is not None and n.proc.poll() is not None]
        if silent or dead:
            obs.append(f"{c.name}: UNHEALTHY after the matrix: nodes not answering INFO {silent}, "
                       f"nodes exited {dead}")
        lines = 0
        for n in c.nodes:
            try:
                lines += sum(1 for _ in open(n.log, errors="replace"))
            except OSError:
                pass
        obs.append(f"{c.name}: {lines} log lines written by the nodes at the default log level")
    return obs


# --------------------------------------------------------------------------------------------
# Medians, ratios, targets.
# --------------------------------------------------------------------------------------------

def medians(runs: list[dict]) -> list[dict]:
    groups: dict[tuple, list[dict]] = {}
    for r in runs:
        groups.setdefault((r["target"], r["config"], r["test"]), []).append(r)
    out = []
    for (target, cfg, test), rs in groups.items():
        def med(k):
            vals = [r[k] for r in rs if r[k] is not None]
            return statistics.median(vals) if vals else None
        out.append({"target": target, "config": cfg, "test": test,
                    "clients": rs[0]["clients"], "pipeline": rs[0]["pipeline"],
                    "n": rs[0]["n"], "rounds": len([r for r in rs if r["rps"] is not None]),
                    "rps": med("rps"), "p50_ms": med("p50_ms"), "p99_ms": med("p99_ms"),
                    "errors": "; ".join(dict.fromkeys(r["error"] for r in rs if r["error"]))})
    index = {(m["target"], m["config"], m["test"]): m for m in out}
    for m in out:
        for ref, col in ((REDIS_NOPERSIST, "x_nopersist"), (REDIS_AOF, "x_aof")):
            base = index.get((ref, m["config"], m["test"]))
            m[col] = (m["rps"] / base["rps"]) if (base and base["rps"] and m["rps"]) else None
    order = {"raft5-leader": 0, "raft5-follower": 1, "raft3-leader": 2, "raft3-follower": 3,
             REDIS_AOF: 4, REDIS_NOPERSIST: 5}
    cfg_order = {c.key: i for i, c in enumerate(CONFIGS)}
    out.sort(key=lambda m: (cfg_order.get(m["config"], 9), m["test"] != "SET",
                            order.get(m["target"], 9)))
    return out


def evaluate_targets(meds: list[dict]) -> list[dict]:
    idx = {(m["target"], m["config"], m["test"]): m for m in meds}

    def rps(t, c, test):
        m = idx.get((t, c, test))
        return m["rps"] if m else None

    def lat(t, c, test, k):
        m = idx.get((t, c, test))
        return m[k] if m else None

    def ratio(a, b):
        return a / b if (a is not None and b) else None

    lead_set = rps("raft5-leader", "c50-P1", "SET")
    checks = [
        ("SET -c 50 -P 1 via leader vs redis no-persistence",
         ratio(lead_set, rps(REDIS_NOPERSIST, "c50-P1", "SET")), ">=", 0.5, "x"),
        ("SET -c 50 -P 1 via leader vs redis appendfsync always",
         ratio(lead_set, rps(REDIS_AOF, "c50-P1", "SET")), ">=", 0.6, "x"),
        ("SET -c 50 -P 1 via follower vs via leader",
         ratio(rps("raft5-follower", "c50-P1", "SET"), lead_set), ">=", 0.8, "x"),
        ("SET -c 50 -P 16 via leader vs redis no-persistence",
         ratio(rps("raft5-leader", "c50-P16", "SET"), rps(REDIS_NOPERSIST, "c50-P16", "SET")),
         ">=", 0.15, "x"),
        ("GET -c 50 -P 1 via follower vs redis no-persistence",
         ratio(rps("raft5-follower", "c50-P1", "GET"), rps(REDIS_NOPERSIST, "c50-P1", "GET")),
         ">=", 0.7, "x"),
        ("single-client SET p50 via leader", lat("raft5-leader", "c1", "SET", "p50_ms"),
         "<=", 0.5, "ms"),
        ("single-client SET p99 via leader", lat("raft5-leader", "c1", "SET", "p99_ms"),
         "<=", 2.0, "ms"),
    ]
    out = []
    for name, val, op, thr, unit in checks:
        if val is None:
            verdict = "n/a"
        else:
            verdict = "PASS" if (val >= thr if op == ">=" else val <= thr) else "MISS"
        out.append({"target": name, "measured": val, "op": op, "threshold": thr,
                    "unit": unit, "result": verdict})
    return out


# --------------------------------------------------------------------------------------------
# Scale section.
# --------------------------------------------------------------------------------------------

def wait_until(pred, timeout: float, interval: float = POLL_INTERVAL):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(interval)
    return None


def linearizable_get_ok(port: int, key: bytes, want: bytes) -> bool:
    try:
        with Client(port, timeout=2) as c:
            return c.cmd("GET", key) == want
    except (OSError, RespError, ConnectionError, ValueError):
        return False


def applied(port: int) -> int | None:
    i = info_raft(port, timeout=1)
    try:
        return int(i["last_applied"]) if i else None
    except (KeyError, ValueError):
        return None


def run_scale(args, root: Path, binary: Path) -> dict:
    res: dict = {"keys": args.scale_keys, "catchup_writes": args.catchup_writes,
                 "disk_seconds": args.disk_seconds}
    c5 = RaftCluster.create("scale-raft5", 5, binary, root, raft_extra_args(args))
    r_mem = Redis.create("scale-" + REDIS_NOPERSIST, root, persist=False)
    r_aof = Redis.create("scale-" + REDIS_AOF, root, persist=True)
    try:
        for s in (c5, r_mem, r_aof):
            s.start()
        for s in (c5, r_mem, r_aof):
            s.wait_ready()
        lead = c5.leader()
        print(f"[scale] loading {args.scale_keys} keys (16-byte keys, 100-byte values) "
              f"into raft5 via the leader ...", flush=True)
        secs, retried = load(lead.port, "key:", args.scale_keys)
        res["load_raft_s"] = secs
        res["load_raft_retried"] = retried
        print(f"[scale] raft5 load: {secs:.1f}s ({args.scale_keys / secs:.0f} keys/s, "
              f"{retried} retried)", flush=True)
        for r in (r_mem, r_aof):
            secs, _ = load(r.port, "key:", args.scale_keys)
            res[f"load_{r.name}_s"] = secs
            print(f"[scale] {r.name} load: {secs:.1f}s", flush=True)
        # Let every follower apply everything before sampling memory.
        commit = int(info_raft(lead.port)["commit_index"])
        for n in c5.live():
            wait_until(lambda: (applied(n.port) or 0) >= commit, 120)
        time.sleep(2)
        res["rss_raft_leader"] = rss_bytes(lead.proc.pid)
        res["rss_raft_followers_max"] = max(rss_bytes(n.proc.pid) for n in c5.live()
                                            if n is not lead)
        res["rss_redis_nopersist"] = rss_bytes(r_mem.proc.pid)
        res["rss_redis_aof"] = rss_bytes(r_aof.proc.pid)
        res["disk_raft_leader_at_load"] = disk_usage(lead.data_dir)[0]
        res["disk_redis_aof_at_load"] = disk_usage(r_aof.data_dir)[0]
        try:
            with Client(lead.port) as cl:
                res["raft_dbsize"] = cl.cmd("DBSIZE")
        except (OSError, RespError, ConnectionError):
            res["raft_dbsize"] = None
        print(f"[scale] RSS at {args.scale_keys} keys: raft leader "
              f"{mb(res['rss_raft_leader'])}, redis no-persist {mb(res['rss_redis_nopersist'])}, "
              f"ratio {res['rss_raft_leader'] / res['rss_redis_nopersist']:.2f}x", flush=True)

        # Restart time of a killed node (a follower, so no election is involved).
        known = 0
        victim = c5.follower()
        PROCS.stop(victim.proc, sig=signal.SIGKILL)
        t0 = victim.start()
        ok = wait_until(lambda: linearizable_get_ok(victim.port, key_of("key:", known),
                                                    value_of(known)), args.timeout)
        res["restart_raft_follower_s"] = (time.monotonic() - t0) if ok else None
        res["restart_raft_node"] = victim.id
        print(f"[scale] raft follower {victim.id} kill -9 -> linearizable GET: "
              f"{fmt(res['restart_raft_follower_s'], 's')}", flush=True)
        # The same for redis-server with the AOF (always fsync), for reference.
        PROCS.stop(r_aof.proc, sig=signal.SIGKILL)
        t0 = r_aof.start()
        ok = wait_until(lambda: linearizable_get_ok(r_aof.port, key_of("key:", known),
                                                    value_of(known)), args.timeout)
        res["restart_redis_aof_s"] = (time.monotonic() - t0) if ok else None
        print(f"[scale] redis-server AOF kill -9 -> GET: {fmt(res['restart_redis_aof_s'], 's')}",
              flush=True)
        r_aof.stop()

        # Follower catch-up after missing N writes.
        victim = c5.follower()
        wait_until(lambda: (applied(victim.port) or 0) >= int(info_raft(c5.leader().port)
                                                             ["commit_index"]), 60)
        before = applied(victim.port)
        PROCS.stop(victim.proc, sig=signal.SIGTERM)
        lead = c5.leader()
        print(f"[scale] follower {victim.id} stopped at applied={before}; writing "
              f"{args.catchup_writes} keys via the leader ...", flush=True)
        # One SET per log entry (redis-benchmark -P 1), so that the catch-up rate counts
        # entries rather than pipelined runs sharing one entry.
        t_w = time.monotonic()
        subprocess.run(["redis-benchmark", "-h", HOST, "-p", str(lead.port), "-t", "set",
                        "-n", str(args.catchup_writes), "-c", "50", "-P", "1", "-d", "100",
                        "-r", "100000000", "-q"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       stdin=subprocess.DEVNULL, timeout=args.timeout,
                       preexec_fn=_die_with_parent)
        secs = time.monotonic() - t_w
        res["catchup_write_s"] = secs
        target = int(info_raft(lead.port)["commit_index"])
        t0 = victim.start()
        first = wait_until(lambda: applied(victim.port), args.timeout)
        t_first = time.monotonic()
        done = wait_until(lambda: (applied(victim.port) or 0) >= target, args.timeout, 0.02)
        t1 = time.monotonic()
        res.update({"catchup_node": victim.id, "catchup_applied_before": before,
                    "catchup_first_applied": first, "catchup_target_commit": target,
                    "catchup_first_info_s": t_first - t0,
                    "catchup_s": (t1 - t0) if done else None})
        if done and before is not None:
            res["catchup_entries_per_s"] = (target - before) / (t1 - t0)
            res["catchup_writes_per_s"] = args.catchup_writes / (t1 - t0)
        print(f"[scale] catch-up: {target - (before or 0)} entries in "
              f"{fmt(res['catchup_s'], 's')} "
              f"({fmt(res.get('catchup_entries_per_s'), 'entries/s', 0)}); first INFO after "
              f"{res['catchup_first_info_s']:.2f}s at applied={first}", flush=True)

        # Disk usage of the data dirs under a sustained write load.
        res["disk_series"] = sustained_disk(args, c5)
        return res
    finally:
        for s in (c5, r_mem, r_aof):
            s.stop()


def sustained_disk(args, c: RaftCluster) -> list[dict]:
    lead = c.leader()
    commit0 = int(info_raft(lead.port)["commit_index"])
    argv = ["redis-benchmark", "-h", HOST, "-p", str(lead.port), "-t", "set", "-r", "1000000",
            "-d", "100", "-c", "50", "-P", "16", "-n", "1000000000", "-q"]
    tmp = Path(tempfile.mkdtemp(prefix="sustained-"))
    segments: list[dict] = []  # one per redis-benchmark process: it exits on an error reply

    def start_segment() -> subprocess.Popen:
        out = tmp / f"segment-{len(segments)}.out"
        segments.append({"out": out, "t0": time.monotonic(), "t1": None})
        return PROCS.spawn(argv, log_path=out)

    p = start_segment()
    series = []
    t0 = time.monotonic()
    print(f"[scale] sustained SET load (-r 1000000 -d 100 -c 50 -P 16) for "
          f"{args.disk_seconds}s; sampling data-dir sizes ...", flush=True)
    try:
        while True:
            t = time.monotonic() - t0
            if p.poll() is not None:
                segments[-1]["t1"] = time.monotonic()
                p = start_segment()
            sample = {"t_s": round(t, 1)}
            for n in c.nodes:
                sample[f"node{n.id}_bytes"] = disk_usage(n.data_dir)[0]
            for n in c.nodes:
                ni = info_raft(n.port, timeout=1)
                sample[f"node{n.id}_state"] = (f"{ni.get('role', '?')[0]}:{ni.get('commit_index')}"
                                               f"/{ni.get('last_applied')}" if ni else "silent")
            i = info_raft(lead.port, timeout=2)
            sample["commit_index"] = int(i["commit_index"]) if i else None
            sample["leader_rss"] = rss_bytes(lead.proc.pid) if lead.proc.poll() is None else None
            series.append(sample)
            if t >= args.disk_seconds:
                break
            time.sleep(min(args.disk_interval, max(0.1, args.disk_seconds - t)))
    finally:
        PROCS.stop(p, sig=signal.SIGINT)
        segments[-1]["t1"] = time.monotonic()
    # redis-benchmark -q prints "SET: rps=... (overall: X) ..." progress lines separated by \r;
    # it exits on the first error reply (e.g. TRYAGAIN), so the load is the sum over segments.
    done = 0.0
    errors = []
    try:
        for seg in segments:
            overall = None
            for chunk in seg["out"].read_text(errors="replace").replace("\r", "\n").splitlines():
                if "overall:" in chunk:
                    try:
                        overall = float(chunk.split("overall:")[1].split(")")[0])
                    except (IndexError, ValueError):
                        pass
                elif "rror" in chunk and "CONFIG" not in chunk:
                    errors.append(chunk.strip())
            if overall:
                done += overall * (seg["t1"] - seg["t0"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    overall = done / max(1e-9, time.monotonic() - t0)
    if len(segments) > 1:
        print(f"[scale] redis-benchmark restarted {len(segments) - 1} times after errors, "
              f"e.g. {errors[:2]}", flush=True)
    if series and series[-1]["commit_index"] is not None:
        rate = (series[-1]["commit_index"] - commit0) / max(1e-9, series[-1]["t_s"])
        print(f"[scale] sustained load: {fmt(overall, 'SET/s', 0)} by redis-benchmark, "
              f"{rate:.0f} committed log entries/s", flush=True)
    for sample in series:
        sample["sets_per_s_overall"] = overall
        sample["load_restarts"] = len(segments) - 1
    if errors:
        series[-1]["load_errors"] = "; ".join(dict.fromkeys(errors))[:300]
    return series


# --------------------------------------------------------------------------------------------
# Reporting.
# --------------------------------------------------------------------------------------------

def mb(b) -> str:
    return "n/a" if b is None else f"{b / 2**20:.1f} MiB"


def fmt(v, unit: str = "", digits: int = 2) -> str:
    if v is None:
        return "n/a"
    return f"{v:,.{digits}f} {unit}".strip()


def fsync_probe(dir_: Path, count: int = 200) -> dict:
    """p50/p99 of one 4 KiB append + fdatasync in the data root: the floor of any durable write."""
    path = dir_ / "fsync-probe"
    lat = []
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        block = b"x" * 4096
        for _ in range(count):
            t0 = time.perf_counter()
            os.write(fd, block)
            os.fdatasync(fd)
            lat.append((time.perf_counter() - t0) * 1000)
    finally:
        os.close(fd)
        path.unlink()
    lat.sort()
    return {"p50_ms": lat[len(lat) // 2], "p99_ms": lat[int(len(lat) * 0.99) - 1],
            "count": count}


def quorum_fsync_probe(dir_: Path, nodes: int, count: int = 200) -> dict:
    """A cluster on one disk: `nodes` threads each write 4 KiB into their own preallocated file
    (as the WAL does) and fdatasync, all starting together; p50/p99 of the time until a
    majority of them are done. A replicated write cannot be acknowledged sooner."""
    import threading
    majority = nodes // 2 + 1
    size = 4 << 20
    block = b"x" * 4096
    fds = []
    try:
        for i in range(nodes):
            fd = os.open(dir_ / f"quorum-probe-{i}", os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
            fds.append(fd)
            os.write(fd, b"\0" * size)
            os.fsync(fd)
        lat = []
        for r in range(count):
            start = threading.Barrier(nodes + 1)
            done = [0.0] * nodes

            def one(i: int) -> None:
                start.wait()
                os.pwrite(fds[i], block, (r * 4096) % size)
                os.fdatasync(fds[i])
                done[i] = time.perf_counter()

            threads = [threading.Thread(target=one, args=(i,)) for i in range(nodes)]
            for t in threads:
                t.start()
            start.wait()
            t0 = time.perf_counter()
            for t in threads:
                t.join()
            lat.append((sorted(done)[majority - 1] - t0) * 1000)
    finally:
        for i, fd in enumerate(fds):
            os.close(fd)
            (dir_ / f"quorum-probe-{i}").unlink()
    lat.sort()
    return {"nodes": nodes, "majority": majority, "p50_ms": lat[len(lat) // 2],
            "p99_ms": lat[int(len(lat) * 0.99) - 1], "count": count}


def machine_info(data_root: Path) -> dict:
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    fs = subprocess.run(["stat", "-f", "-c", "%T", str(data_root)], capture_output=True,
                        text=True).stdout.strip()
    git = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
                           capture_output=True, text=True).stdout.strip()
    redis_v = subprocess.run(["redis-server", "--version"], capture_output=True,
                             text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
            "fs": fs, "data_root": str(data_root), "git": git + ("-dirty" if dirty else ""),
            "redis": redis_v, "fsync": fsync_probe(data_root),
            "quorum_fsync": [quorum_fsync_probe(data_root, n) for n in (3, 5)],
            "loadavg": " ".join(open("/proc/loadavg").read().split()[:3]),
            "mem_total": next((l.split(":")[1].strip() for l in open("/proc/meminfo")
                               if l.startswith("MemTotal")), "?")}


def render_markdown(report: dict) -> str:
    m = report["machine"]
    p = report["params"]
    out = [f"# raft-kv benchmark ({report['date']})", ""]
    out.append(f"Machine: {m['nproc']} CPUs, {m['cpu']}, kernel {m['kernel']}, "
               f"{m['mem_total']} RAM; load average at start {m['loadavg']}, at the end "
               f"{report.get('loadavg_end', '?')} (shared machine: other jobs may run). Data on {m['fs']} ({m['data_root']}). "
               f"raft-kv {m['git']}, {m['redis']}.")
    if m.get("fsync"):
        out.append("")
        out.append(f"Disk: one 4 KiB append + fdatasync in the data directory takes "
                   f"p50 {m['fsync']['p50_ms']:.2f} ms, p99 {m['fsync']['p99_ms']:.2f} ms "
                   f"({m['fsync']['count']} samples). Every acknowledged write waits for at "
                   f"least one such fsync (raft-kv: leader and a majority; redis AOF: one), so "
                   f"this is the floor of single-client SET latency with persistence.")
    for q in m.get("quorum_fsync") or []:
        out.append("")
        out.append(f"{q['nodes']} nodes on this one disk: when {q['nodes']} such writes (into "
                   f"preallocated files, as the WAL does) start together, a majority "
                   f"({q['majority']}) of them are done after p50 {q['p50_ms']:.2f} ms, "
                   f"p99 {q['p99_ms']:.2f} ms "
                   f"({q['count']} samples): the floor of a {q['nodes']}-node cluster's "
                   f"single-client SET latency here, before any network hop.")
    out.append("")
    out.append(f"Command: `{p['command']}`")
    out.append("")
    meds = report.get("medians")
    if meds:
        out.append(f"## Throughput and latency (median of {p['rounds']} rounds)")
        out.append("")
        out.append(f"`redis-benchmark -t set,get -n {p['n']} -c 50 -P 1|16` and "
                   f"`-c 1 -n {p['latency_n']}`, 3-byte values, one key. Targets alternate "
                   f"within each round. `x no-persist` / `x aof-always` = ops/s relative to "
                   f"redis-server with `--save '' --appendonly no` / with "
                   f"`--appendonly yes --appendfsync always`.")
        out.append("")
        out.append("| target | test | -c | -P | ops/s | p50 ms | p99 ms | x no-persist "
                   "| x aof-always | runs |")
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in meds:
            out.append(f"| {r['target']} | {r['test']} | {r['clients']} | {r['pipeline']} | "
                       f"{fmt(r['rps'], '', 0)} | {fmt(r['p50_ms'], '', 3)} | "
                       f"{fmt(r['p99_ms'], '', 3)} | {fmt(r['x_nopersist'], '', 2)} | "
                       f"{fmt(r['x_aof'], '', 2)} | {r['rounds']} |")
        errs = [r for r in meds if r["errors"]]
        if errs:
            out.append("")
            out.append("Errors seen:")
            for r in errs:
                out.append(f"- {r['target']} {r['config']} {r['test']}: {r['errors']}")
        out.append("")
        out.append("## Targets (5-node cluster; reported, not asserted)")
        out.append("")
        out.append("| target | measured | wanted | result |")
        out.append("|---|---:|---:|---|")
        for t in report["targets"]:
            digits = 3 if t["unit"] == "ms" else 2
            out.append(f"| {t['target']} | {fmt(t['measured'], t['unit'], digits)} | "
                       f"{t['op']} {t['threshold']} {t['unit']} | {t['result']} |")
        out.append("")
    if report.get("diag"):
        out.extend(render_diag(report["diag"]))
    sc = report.get("scale")
    if sc:
        out.extend(render_scale(sc, report.get("scale_from")))
    if report.get("observations"):
        out.append("## Observations")
        out.append("")
        out.extend(f"- {o}" for o in report["observations"])
        out.append("")
    return "\n".join(out)


def render_diag(rows: list[dict]) -> list[str]:
    out = ["## Where the time goes (SET-only runs after the matrix, one each)", ""]
    out.append("fsyncs = fsync + fdatasync calls counted with `perf stat` on the leader (redis: "
               "the server) and on one follower; entries = growth of the leader's commit index "
               "(redis: requests); CPU = utime + stime over the run, 100% = one core "
               f"(the machine has {os.cpu_count()}). Batching, from the leader's own counters "
               "(INFO raft): entries per log write (each write ends in one fsync), commands "
               "per log entry (a pipelined run on one connection is one entry) and entries "
               "per AppendEntries message.")
    out.append("")
    out.append("| target | -c | -P | ops/s | entries | leader fsyncs | entries/fsync "
               "| cmds/entry | entries/AppendEntries "
               "| follower fsyncs | leader CPU | follower CPU | all nodes CPU |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        out.append(f"| {r['target']} | {r['clients']} | {r['pipeline']} | "
                   f"{fmt(r['ops_per_s'], '', 0)} | {r['entries']} | "
                   f"{r['fsyncs_main'] if r['fsyncs_main'] is not None else 'n/a'} | "
                   f"{fmt(r.get('entries_per_wal_fsync') or r['entries_per_fsync'], '', 1)} | "
                   f"{fmt(r.get('commands_per_entry'), '', 1)} | "
                   f"{fmt(r.get('entries_per_append'), '', 1)} | "
                   f"{r['fsyncs_follower'] if r['fsyncs_follower'] is not None else ''} | "
                   f"{fmt(r['cpu_main_pct'], '%', 0)} | {fmt(r['cpu_follower_pct'], '%', 0)} | "
                   f"{fmt(r['cpu_all_nodes_pct'], '%', 0)} |")
    out.append("")
    return out


def render_scale(sc: dict, kept_from: str | None = None) -> list[str]:
    out = [f"## Scale (5-node cluster, {sc['keys']:,} keys of 16 bytes with 100-byte values)", ""]
    if kept_from:
        out.extend([f"Kept from an earlier run (`--matrix-only`): `{kept_from}`.", ""])
    out.append("| metric | raft-kv | redis-server | ratio |")
    out.append("|---|---:|---:|---:|")

    def ratio(a, b):
        return f"{a / b:.2f}x" if (a is not None and b) else "n/a"

    out.append(f"| RSS at {sc['keys']:,} keys (leader vs no-persistence) | "
               f"{mb(sc.get('rss_raft_leader'))} | {mb(sc.get('rss_redis_nopersist'))} | "
               f"{ratio(sc.get('rss_raft_leader'), sc.get('rss_redis_nopersist'))} |")
    out.append(f"| RSS at {sc['keys']:,} keys (largest follower vs AOF always) | "
               f"{mb(sc.get('rss_raft_followers_max'))} | {mb(sc.get('rss_redis_aof'))} | "
               f"{ratio(sc.get('rss_raft_followers_max'), sc.get('rss_redis_aof'))} |")
    out.append(f"| load time, pipelined (8 conns x 256) | {fmt(sc.get('load_raft_s'), 's', 1)} | "
               f"{fmt(sc.get('load_scale-redis-nopersist_s'), 's', 1)} (no-persist), "
               f"{fmt(sc.get('load_scale-redis-aof-always_s'), 's', 1)} (AOF) | |")
    out.append(f"| data on disk after load (leader dir vs AOF dir) | "
               f"{mb(sc.get('disk_raft_leader_at_load'))} | {mb(sc.get('disk_redis_aof_at_load'))}"
               f" | {ratio(sc.get('disk_raft_leader_at_load'), sc.get('disk_redis_aof_at_load'))} |")
    out.append(f"| restart after kill -9 until a linearizable GET answers (follower vs AOF) | "
               f"{fmt(sc.get('restart_raft_follower_s'), 's')} | "
               f"{fmt(sc.get('restart_redis_aof_s'), 's')} | "
               f"{ratio(sc.get('restart_raft_follower_s'), sc.get('restart_redis_aof_s'))} |")
    missed = None
    if sc.get("catchup_target_commit") is not None and sc.get("catchup_applied_before") is not None:
        missed = sc["catchup_target_commit"] - sc["catchup_applied_before"]
    out.append(f"| follower catch-up after missing {sc['catchup_writes']:,} writes "
               f"({missed if missed is not None else 'n/a'} log entries, one SET each via "
               f"redis-benchmark -P 1) | {fmt(sc.get('catchup_writes_per_s'), 'writes/s', 0)}, "
               f"{fmt(sc.get('catchup_entries_per_s'), 'entries/s', 0)} "
               f"({fmt(sc.get('catchup_s'), 's')} from restart; first INFO after "
               f"{fmt(sc.get('catchup_first_info_s'), 's')}) | | |")
    series = sc.get("disk_series") or []
    if series:
        nodes = [k for k in series[0] if k.startswith("node") and k.endswith("_bytes")]
        tot = [sum(s[k] for k in nodes) for s in series]
        q = max(1, len(series) // 4)
        early = max(tot[:q])
        late = max(tot[-q:])
        commits = [s["commit_index"] for s in series if s["commit_index"] is not None]
        rate = ((commits[-1] - commits[0]) / max(1e-9, series[-1]["t_s"] - series[0]["t_s"])
                if len(commits) > 1 else None)
        out.append(f"| disk of all 5 data dirs under {sc['disk_seconds']}s sustained SET load "
                   f"(max of first vs last quarter) | {mb(early)} -> {mb(late)} | | "
                   f"{ratio(late, early)} |")
        out.append(f"| sustained write rate during the disk test (-c 50 -P 16 -r 1M -d 100) | "
                   f"{fmt(series[-1].get('sets_per_s_overall'), 'SET/s', 0)} "
                   f"({fmt(rate, 'log entries/s', 0)}); redis-benchmark restarted "
                   f"{series[-1].get('load_restarts', 0)} times after error replies | | |")
        if series[-1].get("load_errors"):
            out.append(f"| errors seen by the sustained load | {series[-1]['load_errors']} | | |")
        out.append("")
        length = ("the 10 minutes the issue asks for" if sc["disk_seconds"] >= 600 else
                  f"{sc['disk_seconds']:.0f} s (the issue asks for 10 minutes: "
                  "`--disk-seconds 600`)")
        out.append(f"Sustained load: {length}. Samples (all 5 dirs, MiB): "
                   + ", ".join(f"{s['t_s']:.0f}s {t / 2**20:.0f}" for s, t in
                               zip(series[::max(1, len(series) // 12)],
                                   tot[::max(1, len(series) // 12)])))
    out.append("")
    return out


def write_csv(path: Path, rows: list[dict]) -> None:
    if not rows:
        return
    keys = list(dict.fromkeys(k for r in rows for k in r))
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)


def render_png(report: dict, path: Path) -> bool:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: skipping the PNG (pip install matplotlib)")
        return False
    meds = report.get("medians") or []
    series = (report.get("scale") or {}).get("disk_series") or []
    panels = (2 if meds else 0) + (1 if series else 0)
    if panels == 0:
        return False
    fig, axes = plt.subplots(1, panels, figsize=(7 * panels, 5.5))
    if panels == 1:
        axes = [axes]
    ai = 0
    if meds:
        targets = list(dict.fromkeys(m["target"] for m in meds))
        idx = {(m["target"], m["config"], m["test"]): m for m in meds}
        width = 0.8 / len(targets)
        groups = [("SET", "c50-P1"), ("GET", "c50-P1"), ("SET", "c50-P16"), ("GET", "c50-P16")]
        ax = axes[ai]
        ai += 1
        for ti, t in enumerate(targets):
            vals = [(idx.get((t, c, test)) or {}).get("rps") or 0 for test, c in groups]
            ax.bar([g + ti * width for g in range(len(groups))], vals, width, label=t)
        ax.set_xticks([g + 0.4 - width / 2 for g in range(len(groups))])
        ax.set_xticklabels([f"{test} -c50 {c.split('-')[1]}" for test, c in groups])
        ax.set_yscale("log")
        ax.set_ylabel("ops/s (median, log scale)")
        ax.set_title("Throughput")
        ax.grid(axis="y", alpha=0.3)
        ax = axes[ai]
        ai += 1
        lgroups = [("SET", "p50_ms"), ("SET", "p99_ms"), ("GET", "p50_ms"), ("GET", "p99_ms")]
        for ti, t in enumerate(targets):
            vals = [(idx.get((t, "c1", test)) or {}).get(k) or 0 for test, k in lgroups]
            ax.bar([g + ti * width for g in range(len(lgroups))], vals, width, label=t)
        ax.set_xticks([g + 0.4 - width / 2 for g in range(len(lgroups))])
        ax.set_xticklabels([f"{test} {k.split('_')[0]}" for test, k in lgroups])
        ax.set_yscale("log")
        fs = report["machine"].get("fsync")
        if fs:
            ax.axhline(fs["p50_ms"], color="black", linestyle="--", linewidth=1,
                       label=f"disk fdatasync p50 {fs['p50_ms']:.2f} ms")
        ax.set_ylabel("ms (median, log scale)")
        ax.set_title("Single-client latency (-c 1)")
        handles, labels = ax.get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    if series:
        ax = axes[ai]
        nodes = [k for k in series[0] if k.startswith("node") and k.endswith("_bytes")]
        ts = [s["t_s"] for s in series]
        for k in nodes:
            ax.plot(ts, [s[k] / 2**20 for s in series], label=k.replace("_bytes", ""))
        ax.set_xlabel("seconds of sustained SET load")
        ax.set_ylabel("data dir size (MiB)")
        ax.set_title("Disk usage per node (compaction keeps it flat)")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.suptitle(f"raft-kv vs redis-server — {report['date']} — {report['machine']['cpu']}, "
                 f"{report['machine']['nproc']} CPUs", fontsize=10)
    fig.tight_layout(rect=(0, 0.06 if meds else 0, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


# --------------------------------------------------------------------------------------------

def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--binary", type=Path, default=REPO / "target" / "release" / "raft-kv",
                    help="raft-kv binary (default: target/release/raft-kv)")
    ap.add_argument("--build", action="store_true", help="run `cargo build --release` first")
    ap.add_argument("--rounds", type=int, help="rounds of the whole matrix (default 3; 1 with "
                    "--quick)")
    ap.add_argument("-n", type=int, help="requests per -c 50 run (default 200000; 10000 with "
                    "--quick)")
    ap.add_argument("--latency-n", type=int, help="requests per -c 1 run (default 20000; 1000 "
                    "with --quick)")
    ap.add_argument("--targets", default=",".join(ALL_TARGETS),
                    help="comma-separated subset of: " + ", ".join(ALL_TARGETS)
                    + " (e.g. --targets redis-aof-always,redis-nopersist to check the harness "
                    "without a raft-kv binary)")
    ap.add_argument("--quick", action="store_true", help="small counts for a fast check")
    ap.add_argument("--scale", action="store_true", help="also run the (slow) scale section")
    ap.add_argument("--scale-only", action="store_true", help="run only the scale section, "
                    "keeping the matrix results of the previous latest.json")
    ap.add_argument("--matrix-only", action="store_true", help="run the throughput/latency "
                    "matrix without the scale section, keeping the scale results of the "
                    "previous latest.json")
    ap.add_argument("--scale-keys", type=int, help="keys for the memory/restart test "
                    "(default 1000000; 100000 with --quick)")
    ap.add_argument("--catchup-writes", type=int, help="writes a stopped follower misses "
                    "(default 500000; 50000 with --quick)")
    ap.add_argument("--disk-seconds", type=float, help="sustained-load duration for the disk "
                    "test (default 600, as the issue asks; 20 with --quick)")
    ap.add_argument("--disk-interval", type=float, default=5.0, help="disk sampling interval")
    ap.add_argument("--no-diag", action="store_true", help="skip the SET-only diagnostic runs "
                    "(fsync counts via perf, CPU time) after the matrix")
    ap.add_argument("--snapshot-entries", type=int, help="pass --snapshot-entries to raft-kv")
    ap.add_argument("--raft-arg", action="append", default=[],
                    help="extra raft-kv argument (repeatable), e.g. --raft-arg=--seed=1")
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="seconds before one redis-benchmark run (or a wait) is abandoned")
    ap.add_argument("--data-root", type=Path, help="where the temporary data dirs go (default: "
                    "the system temp dir unless it is tmpfs, then /var/tmp)")
    ap.add_argument("--keep-data", action="store_true", help="keep data dirs and node logs")
    ap.add_argument("--out", type=Path, default=RESULTS, help="output folder")
    a = ap.parse_args(argv)
    a.targets = [t.strip() for t in a.targets.split(",") if t.strip()]
    unknown = set(a.targets) - set(ALL_TARGETS)
    if unknown:
        ap.error(f"unknown targets {sorted(unknown)}; choose from {ALL_TARGETS}")
    a.rounds = a.rounds or (1 if a.quick else 3)
    a.n = a.n or (10000 if a.quick else 200000)
    a.latency_n = a.latency_n or (1000 if a.quick else 20000)
    a.scale_keys = a.scale_keys or (100000 if a.quick else 1000000)
    a.catchup_writes = a.catchup_writes or (50000 if a.quick else 500000)
    a.disk_seconds = a.disk_seconds or (20.0 if a.quick else 600.0)
    if a.quick:
        a.disk_interval = min(a.disk_interval, 2.0)
    return a


def choose_data_root(explicit: Path | None) -> Path:
    if explicit:
        explicit.mkdir(parents=True, exist_ok=True)
        return explicit
    base = Path(tempfile.gettempdir())
    fs = subprocess.run(["stat", "-f", "-c", "%T", str(base)], capture_output=True,
                        text=True).stdout.strip()
    if fs == "tmpfs":  # fsync on tmpfs is free: it would flatter every persistent target
        base = Path("/var/tmp")
    return base


def main(argv=None) -> int:
    args = parse_args(argv)
    for tool in ("redis-server", "redis-benchmark"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: apt-get install -y redis-server redis-tools")
    if args.build:
        subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True)
    binary = args.binary.resolve()
    needs_raft = (args.scale or args.scale_only
                  or (not args.scale_only and any(t.startswith("raft") for t in args.targets)))
    if needs_raft and not binary.exists():
        sys.exit(f"{binary} not found: run `cargo build --release` (or pass --build)")
    args.out.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="raft-kv-bench-", dir=choose_data_root(args.data_root)))
    report = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "machine": machine_info(root),
              "params": {"rounds": args.rounds, "n": args.n, "latency_n": args.latency_n,
                         "command": "python3 benches/bench.py " + " ".join(
                             sys.argv[1:] if argv is None else argv)}}
    print(f"data in {root}; {report['machine']['nproc']} CPUs, {report['machine']['cpu']}",
          flush=True)
    try:
        if args.scale_only:
            prev = args.out / "latest.json"
            if prev.exists():
                old = json.loads(prev.read_text())
                command = report["params"]["command"]
                for k in ("medians", "targets", "runs", "observations", "params", "diag"):
                    if k in old:
                        report[k] = old[k]
                # The matrix's own command, without the note an earlier --scale-only added.
                matrix_cmd = old.get("matrix_from") or (old["params"]["command"] + ", " + old["date"])
                report["matrix_from"] = matrix_cmd
                # The matrix's parameters, but this run's command.
                report["params"]["command"] = command + " (matrix from: " + matrix_cmd + ")"
        else:
            m = run_matrix(args, root, binary)
            report["runs"] = m["runs"]
            report["medians"] = medians(m["runs"])
            report["targets"] = evaluate_targets(report["medians"])
            report["observations"] = m["observations"]
            report["diag"] = m["diag"]
        if args.scale or args.scale_only:
            report["scale"] = run_scale(args, root, binary)
        elif args.matrix_only and (args.out / "latest.json").exists():
            old = json.loads((args.out / "latest.json").read_text())
            if old.get("scale"):
                report["scale"] = old["scale"]
                report["scale_from"] = old.get("scale_from") or (
                    old["params"]["command"] + ", " + old["date"] + ", raft-kv "
                    + old["machine"]["git"])
    finally:
        PROCS.stop_all()
        if args.keep_data:
            print(f"data and node logs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    report["loadavg_end"] = " ".join(open("/proc/loadavg").read().split()[:3])
    md = render_markdown(report)
    print()
    print(md)
    (args.out / "latest.md").write_text(md + "\n")
    (args.out / "latest.json").write_text(json.dumps(report, indent=1) + "\n")
    write_csv(args.out / "latest.csv", report.get("medians") or [])
    write_csv(args.out / "latest-runs.csv", report.get("runs") or [])
    write_csv(args.out / "latest-diag.csv", report.get("diag") or [])
    if report.get("scale", {}).get("disk_series"):
        write_csv(args.out / "latest-disk.csv", report["scale"]["disk_series"])
    if render_png(report, args.out / "latest.png"):
        print(f"chart: {args.out / 'latest.png'}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        PROCS.stop_all()
        print("\ninterrupted: every started process was stopped", file=sys.stderr)
        sys.exit(130)
