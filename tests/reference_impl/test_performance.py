"""Hot-path cost: one Redis round trip and no SQL per read; budgets against raw redis-py."""

from __future__ import annotations

import statistics
import threading
import time

from sqlalchemy import event

from reference_impl.db_manager import DatabaseManager


def test_hot_path_get_is_one_round_trip_and_no_query(make_manager, own_redis) -> None:
    manager = make_manager(own_redis)
    sid = manager.create_session("u1", {"a": 1})
    manager.get_session(sid)
    queries: list[str] = []
    engine = manager.db.engine
    listener = lambda *args: queries.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    own_redis.client().config_resetstat()
    try:
        for _ in range(50):
            assert manager.get_session(sid) is not None
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert queries == []
    stats = own_redis.client().info("commandstats")
    calls = {
        k: v["calls"]
        for k, v in stats.items()
        if not k.startswith(("cmdstat_config", "cmdstat_info", "cmdstat_hello", "cmdstat_client"))
    }
    assert calls == {"cmdstat_getex": 50}  # one round trip per read, TTL refresh included


def _interleaved_medians(first, second, samples: int = 2000) -> tuple[float, float]:
    """Median latency of two calls sampled alternately, so both see the same machine load."""
    a, b = [], []
    clock = time.perf_counter
    for _ in range(samples):
        t0 = clock()
        first()
        t1 = clock()
        second()
        t2 = clock()
        a.append(t1 - t0)
        b.append(t2 - t1)
    return statistics.median(a), statistics.median(b)


def test_get_session_throughput_within_budget_of_raw_get(make_manager, own_redis) -> None:
    """get_session >= 80% of raw GET operations per second on one connection."""
    manager = make_manager(own_redis)
    sid = manager.create_session("u1", {"user": "u1", "roles": ["a", "b"], "n": 1})
    client = manager.redis.client
    client.set("raw", client.get(manager.redis.session_key(sid)))
    ratios = []
    for _ in range(5):
        raw, ours = _interleaved_medians(
            lambda: client.get("raw"), lambda: manager.get_session(sid)
        )
        ratios.append(raw / ours)  # ops/s ratio = inverse latency ratio
        if ratios[-1] >= 0.8:
            break
    assert max(ratios) >= 0.8, ratios


def test_cold_cache_herd_within_pool_limits(make_manager, own_redis, tmp_path) -> None:
    db = DatabaseManager(f"sqlite:///{tmp_path / 'herd.db'}", pool_size=4, max_overflow=0)
    db.create_all()
    manager = make_manager(own_redis, db=db)
    sids = [manager.create_session(f"u{i}", {"i": i}) for i in range(40)]
    own_redis.client().flushdb()
    errors: list[BaseException] = []
    results: dict[str, object] = {}
    barrier = threading.Barrier(20)

    def load(chunk: list[str]) -> None:
        barrier.wait()
        try:
            for sid in chunk:
                record = manager.get_session(sid)
                results[sid] = None if record is None else record.data
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=load, args=(sids[i::20],)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(results[s] == {"i": i} for i, s in enumerate(sids))
    assert db.checked_out() == 0
    assert manager.metrics.get("refills") == 40
    db.dispose()
