"""Fault injection against real redis-server processes: killed, hung, closed, refusing writes."""

from __future__ import annotations

import logging
import random
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import raw_value, wait_for_redis_tier
from redis_servers import RedisServer, wait_until

from reference_impl.breaker import BreakerState, CircuitBreaker, breaker_for
from reference_impl.db_manager import DatabaseManager
from reference_impl.errors import SessionStoreUnavailable


def inject(fault: str, server: RedisServer) -> None:
    if fault == "hung":
        server.pause()
    else:  # "closed": nothing listens; "killed": pooled connections die under the manager
        server.kill()


@pytest.mark.parametrize("fault", ["closed", "hung", "killed"])
def test_redis_down_fallback_serves_database(fault, own_redis, make_manager) -> None:
    manager = make_manager(own_redis, breaker=CircuitBreaker(3, 60))
    sid = manager.create_session("u1", {"v": 1})
    if fault == "closed":
        manager.redis.client.connection_pool.disconnect()
    inject(fault, own_redis)

    started = time.perf_counter()
    record = manager.get_session(sid)
    first = time.perf_counter() - started
    assert record is not None and record.data == {"v": 1}
    assert first < manager.settings.redis_socket_timeout * 2 + 0.3

    new = manager.create_session("u1", {"v": 2})
    assert manager.get_session(new).data == {"v": 2}  # type: ignore[union-attr]
    assert manager.update_session(sid, {"v": 3})
    assert manager.get_session(sid).data == {"v": 3}  # type: ignore[union-attr]
    assert manager.destroy_session(new)
    assert manager.get_session(new) is None
    assert manager.breaker.state is BreakerState.OPEN
    assert manager.health()["breaker"]["state"] == "open"

    # Once open, Redis is not even tried: a call costs one database read. (What that adds,
    # p99 < 1 ms, is a speed target: benchmarks/bench_sessions.py measures it; as a timed
    # test it failed on loaded machines, e.g. "p99 added latency 3.696 ms".)
    errors = manager.metrics.get("redis_errors")
    skipped = manager.metrics.get("breaker_short_circuits")
    for _ in range(1000):
        assert manager.get_session(sid).data == {"v": 3}  # type: ignore[union-attr]
    assert manager.metrics.get("redis_errors") == errors
    assert manager.metrics.get("breaker_short_circuits") == skipped + 1000


@pytest.mark.parametrize("fault", ["closed", "hung"])
def test_redis_down_fallback_off_raises_typed_error(fault, own_redis, make_manager) -> None:
    manager = make_manager(own_redis, db_session_fallback=False)
    sid = manager.create_session("u1", {"v": 1})
    inject(fault, own_redis)
    for call in (
        lambda: manager.get_session(sid),
        lambda: manager.create_session("u1", {}),
        lambda: manager.update_session(sid, {"v": 2}),
        lambda: manager.destroy_session(sid),
        lambda: manager.touch(sid),
    ):
        with pytest.raises(SessionStoreUnavailable):
            call()


def test_breaker_lifecycle_against_real_redis(own_redis, make_manager) -> None:
    breaker = breaker_for(own_redis.url, 3, 0.3)
    manager = make_manager(own_redis, breaker=breaker)
    other = make_manager(own_redis, breaker=breaker_for(own_redis.url, 3, 0.3))
    assert other.breaker is manager.breaker  # process-wide, not per manager or request
    sid = manager.create_session("u1", {"v": 1})
    own_redis.kill()
    for expected_failures in (1, 2):
        manager.get_session(sid)
        assert breaker.snapshot()["consecutive_failures"] == expected_failures
        assert breaker.state is BreakerState.CLOSED
    manager.get_session(sid)
    assert breaker.state is BreakerState.OPEN
    errors = manager.metrics.get("redis_errors")
    manager.get_session(sid)
    assert manager.metrics.get("redis_errors") == errors  # open: Redis not even tried
    assert manager.metrics.get("breaker_short_circuits") >= 1
    time.sleep(0.35)
    manager.get_session(sid)  # half-open probe fails: open again
    assert breaker.state is BreakerState.OPEN
    own_redis.start()
    time.sleep(0.35)
    assert manager.get_session(sid).data == {"v": 1}  # type: ignore[union-attr]
    assert breaker.state is BreakerState.CLOSED
    assert manager.health()["breaker"]["state"] == "closed"


def test_partition_then_heal_never_serves_stale(own_redis, make_manager) -> None:
    manager = make_manager(own_redis)
    sid = manager.create_session("u1", {"v": 1})
    own_redis.pause()  # partition: Redis keeps v1
    assert manager.update_session(sid, {"v": 2})
    assert manager.get_session(sid).data == {"v": 2}  # type: ignore[union-attr]
    own_redis.resume()
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        assert manager.get_session(sid).data == {"v": 2}  # type: ignore[union-attr]
    wait_for_redis_tier(manager)
    assert manager.get_session(sid).data == {"v": 2}  # type: ignore[union-attr]
    assert raw_value(manager, sid) is not None and raw_value(manager, sid).endswith(b'{"v":2}')  # type: ignore[union-attr]


def test_restart_with_stale_data_serves_nothing_stale(own_redis, make_manager) -> None:
    manager = make_manager(own_redis)
    sid = manager.create_session("u1", {"v": 1})
    own_redis.save_and_kill()  # dump.rdb holds v1
    assert manager.update_session(sid, {"v": 2})
    own_redis.start()
    assert own_redis.client().dbsize() > 0  # the stale data really is back
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        assert manager.get_session(sid).data == {"v": 2}  # type: ignore[union-attr]
    wait_for_redis_tier(manager)
    assert manager.get_session(sid).data == {"v": 2}  # type: ignore[union-attr]


def test_failed_set_only_then_heal(own_redis, make_manager) -> None:
    manager = make_manager(own_redis)
    sid = manager.create_session("u1", {"v": 1})
    own_redis.client().config_set("maxmemory", "1")  # Redis refuses writes, reads still work
    try:
        assert manager.update_session(sid, {"v": 2})
        for _ in range(5):
            assert manager.get_session(sid).data == {"v": 2}  # type: ignore[union-attr]
    finally:
        own_redis.client().config_set("maxmemory", "0")
    wait_for_redis_tier(manager)
    assert manager.get_session(sid).data == {"v": 2}  # type: ignore[union-attr]
    assert raw_value(manager, sid).endswith(b'{"v":2}')  # type: ignore[union-attr]


@pytest.mark.parametrize("sync", [True, False])
def test_logout_during_outage_stays_revoked(sync, own_redis, make_manager) -> None:
    manager = make_manager(own_redis, db_session_sync=sync)
    sid = manager.create_session("u1", {"v": 1})
    own_redis.save_and_kill()
    manager.destroy_session(sid)
    own_redis.start()
    assert raw_value(manager, sid) is not None  # the old key came back with the restart
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        assert manager.get_session(sid) is None
    wait_for_redis_tier(manager)
    assert manager.get_session(sid) is None
    assert raw_value(manager, sid) is None  # purged by the resync


def test_restarted_server_is_not_marked_reconciled_before_its_keys_are(
    own_redis, make_manager
) -> None:
    """Another process trusts a server once ``trusted-run-id`` names it: that must wait until
    every key was compared. It did not when the restart was first noticed by the resync's own
    ping (an outage with no database-only write): the new server was recorded as reconciled
    before the scan, and a second process then served the snapshot's older versions."""
    first = make_manager(own_redis, session_resync_batch=5)
    sids = [first.create_session(f"u{i}", {"v": 1}) for i in range(30)]
    client = own_redis.client()
    with client.pipeline(transaction=False) as pipe:
        for i in range(5000):  # other data: the scan takes several bounded steps
            pipe.set(f"other:{i}", b"x")
        pipe.execute()
    client.save()  # the snapshot holds v1
    for sid in sids:
        assert first.update_session(sid, {"v": 2})
    own_redis.kill()
    assert first.get_session(sids[0]).data == {"v": 2}  # type: ignore[union-attr]
    own_redis.start()  # back from the snapshot
    new_run_id = str(own_redis.client().info("server")["run_id"])
    assert first.get_session(sids[0]).data == {"v": 2}  # type: ignore[union-attr] # one step
    assert first.health()["needs_resync"]  # the scan has only begun
    trusted = own_redis.client().get(first.redis.trusted_key)
    assert trusted is None or trusted.decode() != new_run_id
    # A second process (its own resync state: another URL spelling of the same server).
    second = make_manager(own_redis, url=f"redis://127.0.0.1:{own_redis.port}")
    assert second._state is not first._state
    for sid in sids:
        assert second.get_session(sid).data == {"v": 2}  # type: ignore[union-attr]
    wait_for_redis_tier(first)
    trusted = own_redis.client().get(first.redis.trusted_key)
    assert trusted is not None and trusted.decode() == new_run_id


def test_resync_after_outage(own_redis, make_manager) -> None:
    manager = make_manager(own_redis)
    before = manager.create_session("u1", {"v": "before"})
    own_redis.kill()
    during = manager.create_session("u1", {"v": "during"})
    own_redis.start()  # empty: no persistence
    wait_for_redis_tier(manager)
    assert raw_value(manager, during) is not None  # pushed by the resync
    assert manager.get_session(during).data == {"v": "during"}  # type: ignore[union-attr]
    assert manager.get_session(before).data == {"v": "before"}  # type: ignore[union-attr] # read-through
    assert raw_value(manager, before) is not None  # and refilled
    assert manager.metrics.get("resynced") >= 1


def test_sync_off_mode_what_is_lost_and_what_is_not(own_redis, make_manager) -> None:
    """DB_SESSION_SYNC off: Redis-only sessions are unavailable during an outage (their users
    log in again); what is written during the outage survives it, logouts included."""
    manager = make_manager(own_redis, db_session_sync=False)
    before = manager.create_session("u1", {"v": "before"})
    own_redis.save_and_kill()
    assert manager.get_session(before) is None  # lost for the outage: never in the database
    during = manager.create_session("u2", {"v": "during"})
    manager.destroy_session(before)  # logout of a Redis-only session: tombstone row
    own_redis.start()
    wait_for_redis_tier(manager)
    assert manager.get_session(during).data == {"v": "during"}  # type: ignore[union-attr]
    assert manager.get_session(before) is None


def test_refill_failure_still_returns_database_data(own_redis, make_manager) -> None:
    manager = make_manager(own_redis)
    sid = manager.create_session("u1", {"v": 1})
    own_redis.client().flushall()
    own_redis.client().config_set("maxmemory", "1")
    try:
        record = manager.get_session(sid)
    finally:
        own_redis.client().config_set("maxmemory", "0")
    assert record is not None and record.data == {"v": 1}
    assert manager.metrics.get("refill_failures") == 1


@pytest.fixture
def fragile_db(tmp_path: Path):
    """A SQLite database that can really go away (its directory is moved) and come back."""
    home = tmp_path / "db"
    home.mkdir()
    db = DatabaseManager(
        f"sqlite:///{home / 's.db'}", pool_size=2, max_overflow=0, breaker_reset=0.2
    )
    db.create_all()

    class Control:
        manager = db

        def down(self) -> None:
            home.rename(tmp_path / "gone")
            db.dispose()

        def up(self) -> None:
            (tmp_path / "gone").rename(home)
            db.dispose()

    yield Control()
    db.dispose()
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_database_down_while_redis_up(own_redis, make_manager, fragile_db, caplog) -> None:
    manager = make_manager(own_redis, db=fragile_db.manager)
    sid = manager.create_session("u1", {"v": 1})
    fragile_db.down()
    caplog.set_level(logging.WARNING)
    assert manager.get_session(sid).data == {"v": 1}  # type: ignore[union-attr]
    created = manager.create_session("u1", {"v": "new"})  # Redis write succeeds
    assert manager.update_session(sid, {"v": 2})
    assert manager.get_session(created).data == {"v": "new"}  # type: ignore[union-attr]
    assert manager.metrics.get("db_sync_failures") >= 2
    assert manager.metrics.get("audit_failures") >= 2  # counted, never raised
    assert manager.health()["database"] == "down"
    assert fragile_db.manager.checked_out() == 0
    fragile_db.up()
    time.sleep(0.25)  # the database breaker lets a probe through
    manager.get_session(sid)  # any call replays the durable backlog, in bounded batches
    assert len(manager.outbox) == 0
    row = manager.database.get_session(created)
    assert row is not None and row.data == {"v": "new"}
    row = manager.database.get_session(sid)
    assert row is not None and row.data == {"v": 2} and row.version == 2
    assert manager.health()["database"] == "ok"
    assert fragile_db.manager.checked_out() == 0


def test_destroy_with_database_down_is_not_resurrected(own_redis, make_manager, fragile_db) -> None:
    manager = make_manager(own_redis, db=fragile_db.manager)
    wait_for_redis_tier(manager)  # a new server is reconciled before it is trusted
    sid = manager.create_session("u1", {"v": 1})
    fragile_db.down()
    assert manager.destroy_session(sid)
    fragile_db.up()
    time.sleep(0.25)
    assert manager.get_session(sid) is None  # the Redis tombstone blocks read-through
    manager.cleanup_expired()
    assert manager.database.get_session(sid) is None


def test_both_tiers_down_raises(own_redis, make_manager, fragile_db) -> None:
    manager = make_manager(own_redis, db=fragile_db.manager)
    sid = manager.create_session("u1", {"v": 1})
    own_redis.kill()
    fragile_db.down()
    with pytest.raises(SessionStoreUnavailable):
        manager.get_session(sid)
    fragile_db.up()
    assert fragile_db.manager.checked_out() == 0


@pytest.fixture
def patient_db(database: DatabaseManager) -> Iterator[DatabaseManager]:
    """The test database with a 10 s statement timeout: for tests about Redis, where the
    database is healthy but the machine's disk may stall a commit past the default 2 s
    (fsync stalls of 2.6 s were measured while MariaDB runs failed with OperationalError;
    bounded database waits are tested with real hung databases in test_fault_scenarios)."""
    db = DatabaseManager(database.url, schema=database._schema, statement_timeout=10.0)
    yield db
    db.dispose()


def test_kill_redis_mid_concurrent_workload(own_redis, make_manager, patient_db) -> None:
    """Threads create, read, update and destroy while Redis is killed and restarted."""
    manager = make_manager(own_redis, db=patient_db)
    errors: list[BaseException] = []
    expected: dict[str, dict[str, int] | None] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def worker(n: int) -> None:
        rng = random.Random(n)
        mine: list[str] = []
        i = 0
        while not stop.is_set():
            i += 1
            try:
                op = rng.random()
                if op < 0.3 or not mine:
                    sid = manager.create_session(f"user{n}", {"n": n, "i": i})
                    mine.append(sid)
                    with lock:
                        expected[sid] = {"n": n, "i": i}
                elif op < 0.6:
                    sid = rng.choice(mine)
                    record = manager.get_session(sid)
                    with lock:
                        want = expected[sid]
                    got = None if record is None else record.data
                    assert got == want, f"read {got} want {want}"
                elif op < 0.9:
                    sid = rng.choice(mine)
                    data = {"n": n, "i": i}
                    ok = manager.update_session(sid, data)
                    with lock:
                        assert ok == (expected[sid] is not None)
                        if ok:
                            expected[sid] = data
                else:
                    sid = mine.pop(rng.randrange(len(mine)))
                    manager.destroy_session(sid)
                    with lock:
                        expected[sid] = None
            except BaseException as exc:
                errors.append(exc)
                return

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.6)
    own_redis.kill()
    # Restart only once the workload has met the dead server and written to the database in
    # its place (a loaded machine can stall every thread for the whole of a fixed sleep).
    fallbacks = ("fallback_create", "fallback_get", "fallback_update", "fallback_destroy")
    assert wait_until(
        lambda: (
            errors
            or (
                manager.metrics.get("redis_errors") >= 1
                and sum(manager.metrics.get(name) for name in fallbacks) >= 20
            )
        ),
        timeout=30,
    ), manager.metrics.snapshot()
    rewinds = manager.metrics.get("redis_rewinds")  # 1 already: the first server was new too
    own_redis.start()
    # ... and stop once it has met the restarted one (the hook noticed the new run_id).
    assert wait_until(
        lambda: errors or manager.metrics.get("redis_rewinds") > rewinds, timeout=30
    ), manager.metrics.snapshot()
    time.sleep(1.0)  # more of the workload against the restarted, resyncing server
    stop.set()
    for t in threads:
        t.join(30)
    assert not errors, errors[:3]
    wait_for_redis_tier(manager)
    for sid, want in expected.items():
        record = manager.get_session(sid)
        assert (None if record is None else record.data) == want  # nothing lost or resurrected
