"""The six fault scenarios of issue #16, on every configured database.

Real faults only: redis-server processes killed and restarted from an older RDB snapshot,
a loopback TCP proxy in front of PostgreSQL/MariaDB that is cut or black-holed, and an
exclusive SQLite write lock held by another connection. Each scenario checks, for every
call: no exception reaches the caller, no acknowledged session is lost, no destroyed session
is served, no older version is served, and the call returns within a bound.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import raw_value, wait_for_redis_tier
from redis_servers import RedisServer
from sqlalchemy import create_engine, event, func, select, text, update
from sqlalchemy.engine import make_url
from tcp_proxy import TcpProxy

from reference_impl.breaker import BreakerState, CircuitBreaker
from reference_impl.db_manager import DatabaseManager
from reference_impl.errors import SessionDataRejected
from reference_impl.ids import new_session_id, sid_hash
from reference_impl.models import SessionAuditEvent, UserSession
from reference_impl.redis_session_manager import RedisSessionManager
from reference_impl.stores.base import SessionRecord

STATEMENT_TIMEOUT = 0.3
Expected = dict[str, "dict[str, Any] | None"]


class PausableClock:
    """``time.monotonic`` that a test can stop: a breaker on it stays open while stopped."""

    def __init__(self) -> None:
        self.stopped_at: float | None = None

    def __call__(self) -> float:
        return time.monotonic() if self.stopped_at is None else self.stopped_at

    def stop(self) -> None:
        self.stopped_at = time.monotonic()

    def start(self) -> None:
        self.stopped_at = None


class DbFault:
    """A database the test can hang (silence or a held write lock), cut and heal."""

    def __init__(self, database: DatabaseManager, workdir: Path) -> None:
        url = database.url
        self.proxy: TcpProxy | None = None
        self.locker: sqlite3.Connection | None = None
        if url.startswith("sqlite"):
            self.path = workdir / f"fault-{uuid.uuid4().hex[:8]}.db"
            self.db = DatabaseManager(
                f"sqlite:///{self.path}",
                connect_timeout=1.0,
                statement_timeout=STATEMENT_TIMEOUT,
                breaker_reset=0.3,
            )
            self.db.create_all()
            # A lock holder delays each write by the busy timeout, then the breaker opens.
            self.bound = 2 * (STATEMENT_TIMEOUT + 0.25) + 0.5
        else:
            parsed = make_url(url)
            self.proxy = TcpProxy(parsed.host or "127.0.0.1", int(parsed.port or 0))
            proxied = parsed.set(host="127.0.0.1", port=self.proxy.port)
            self.db = DatabaseManager(
                proxied.render_as_string(hide_password=False),
                schema=database._schema,
                connect_timeout=1.0,
                statement_timeout=STATEMENT_TIMEOUT,
                breaker_reset=0.3,
            )
            # A checkout ping and a statement each hit the watchdog, then a new connection
            # waits out the connect timeout (libpq: at least 2 s, and sslmode=prefer may
            # try twice). One probe per call: the breaker fails the rest at once.
            self.bound = 2 * 2 + 2 * (STATEMENT_TIMEOUT + 0.25) + 1.0
        self.clock = PausableClock()
        breaker = self.db.breaker
        self.db.breaker = CircuitBreaker(
            breaker.failure_threshold, breaker.reset_timeout, clock=self.clock
        )

    def hang(self) -> None:
        if self.proxy is not None:
            self.proxy.blackhole()
        else:
            self.locker = sqlite3.connect(self.path, isolation_level=None)
            self.locker.execute("BEGIN EXCLUSIVE")

    def cut(self) -> None:
        if self.proxy is not None:
            self.proxy.cut()
        else:
            self.hang()

    def heal(self) -> None:
        self.clock.start()
        if self.proxy is not None:
            self.proxy.heal()
        if self.locker is not None:
            self.locker.execute("ROLLBACK")
            self.locker.close()
            self.locker = None

    def close(self) -> None:
        self.heal()
        self.db.dispose()
        if self.proxy is not None:
            self.proxy.close()


@pytest.fixture
def faulty_db(database: DatabaseManager, workdir: Path) -> Iterator[DbFault]:
    fault = DbFault(database, workdir)
    yield fault
    fault.close()


class Bounded:
    """Run store calls, failing the test if one raises or takes longer than ``bound``."""

    def __init__(self, bound: float) -> None:
        self.bound = bound
        self.worst = 0.0
        self.calls = 0

    def __call__(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        result = call(*args, **kwargs)  # any exception fails the test: none may escape
        took = time.perf_counter() - started
        self.calls += 1
        self.worst = max(self.worst, took)
        assert took < self.bound, f"{call.__name__} took {took:.2f} s (bound {self.bound} s)"
        return result


def check_read(record: SessionRecord | None, want: dict[str, Any] | None, *, strict: bool) -> None:
    """Never a destroyed session, never an older version; with ``strict``, never lost."""
    if want is None:
        assert record is None, f"destroyed session served: {record}"
        return
    if record is None:
        assert not strict, f"acknowledged session lost: want {want}"
        return
    assert record.data == want, f"older version served: {record.data} want {want}"


def check_all(
    manager: RedisSessionManager, expected: Expected, run: Bounded, *, strict: bool = True
) -> None:
    for sid, want in expected.items():
        check_read(run(manager.get_session, sid), want, strict=strict)


def change_some(
    manager: RedisSessionManager,
    run: Bounded,
    sids: list[str],
    expected: Expected,
    updates: list[dict[str, Any]],
) -> None:
    """Log out every third session, apply ``updates`` to the next, leave the third alone."""
    for i, sid in enumerate(sids):
        if i % 3 == 0:
            run(manager.destroy_session, sid)
            expected[sid] = None
        elif i % 3 == 1:
            for data in updates:
                run(manager.update_session, sid, data)
            expected[sid] = updates[-1]


def restart_from_snapshot(server: RedisServer) -> None:
    """kill -9, then start again: Redis loads the older dump.rdb the test saved."""
    server.kill()
    server.start()
    assert server.client().dbsize() > 0, "the snapshot did not come back"


def settle(manager: RedisSessionManager, timeout: float = 15.0) -> None:
    """Wait for the outbox to drain and Redis to be trusted again, calling the store."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        manager.get_session("x" * 43 + ".abcd")  # any call does a bounded step
        if not len(manager.outbox) and not manager.health()["needs_resync"]:
            break
        time.sleep(0.05)
    wait_for_redis_tier(manager)
    assert len(manager.outbox) == 0, "the sync backlog was not replayed"


def test_1_redis_restart_from_older_snapshot(own_redis, make_manager, faulty_db) -> None:
    manager = make_manager(own_redis, db=faulty_db.db)
    run = Bounded(1.0)
    expected: Expected = {}
    sids = [run(manager.create_session, f"u{i % 5}", {"v": 0}) for i in range(60)]
    expected.update({sid: {"v": 0} for sid in sids})
    settle(manager)
    own_redis.client().save()  # the snapshot: every session at its first version
    change_some(manager, run, sids, expected, [{"v": 1}, {"v": 2}])
    run(manager.destroy_user_sessions, "u1")  # log out everywhere, after the snapshot too
    for i, sid in enumerate(sids):
        if i % 5 == 1:
            expected[sid] = None

    restart_from_snapshot(own_redis)
    for _ in range(3):
        check_all(manager, expected, run)
    settle(manager)
    check_all(manager, expected, run)
    # Redis itself was repaired: revoked keys purged, older values overwritten.
    for sid, want in expected.items():
        raw = raw_value(manager, sid)
        if want is None:
            assert raw is None
        elif want == {"v": 2}:
            assert raw is not None and raw.endswith(b'{"v":2}')
    assert manager.metrics.get("redis_rewinds") >= 1


@pytest.mark.parametrize("fault", ["hang", "cut"])
def test_2_database_hung_or_cut_while_redis_up(fault, own_redis, make_manager, faulty_db) -> None:
    manager = make_manager(own_redis, db=faulty_db.db)
    run = Bounded(faulty_db.bound)
    expected: Expected = {}
    sids = [run(manager.create_session, "u1", {"v": 0}) for _ in range(12)]
    expected.update({sid: {"v": 0} for sid in sids})
    # Stopped until the heal: once open, the breaker's probe cannot come due meanwhile,
    # however slowly a loaded machine gets through the calls below.
    faulty_db.clock.stop()
    getattr(faulty_db, fault)()
    for i, sid in enumerate(sids):
        if i % 4 == 0:
            run(manager.destroy_session, sid)
            expected[sid] = None
        elif i % 4 == 1:
            new = run(manager.rotate_session, sid)
            expected[sid], expected[new] = None, {"v": 0}
        else:
            run(manager.update_session, sid, {"v": i})
            expected[sid] = {"v": i}
    for i in range(5):
        expected[run(manager.create_session, "u2", {"new": i})] = {"new": i}
    check_all(manager, expected, run)
    assert manager.db.breaker.state is BreakerState.OPEN
    # The database breaker is open: no more waiting at all, the database is not even tried.
    checkouts: list[object] = []
    pool = manager.db.engine.pool

    def checked_out(*args: object) -> None:
        checkouts.append(args)

    event.listen(pool, "checkout", checked_out)
    try:
        for sid in sids[2:6]:
            run(manager.update_session, sid, {"v": "again"})
            if expected[sid] is not None:
                expected[sid] = {"v": "again"}
    finally:
        event.remove(pool, "checkout", checked_out)
    assert checkouts == []
    assert len(manager.outbox) > 0

    faulty_db.heal()
    settle(manager)
    # The database caught up by itself: same versions as Redis, logouts kept as tombstones.
    for sid, want in expected.items():
        row = manager.database.get_session(sid, slide=False)
        check_read(row, want, strict=True)
        cached = manager.get_session(sid)
        assert (row is None) == (cached is None)
        if row is not None and cached is not None:
            assert row.version == cached.version
    own_redis.client().flushall()  # a Redis that lost everything is refilled from the DB
    check_all(manager, expected, run)


def test_3_failed_db_writes_then_redis_loses_data(
    own_redis, make_manager, faulty_db, workdir
) -> None:
    manager = make_manager(own_redis, db=faulty_db.db)
    run = Bounded(faulty_db.bound)
    expected: Expected = {}
    sids = [run(manager.create_session, f"u{i % 4}", {"v": 0}) for i in range(30)]
    expected.update({sid: {"v": 0} for sid in sids})
    settle(manager)
    own_redis.client().save()
    faulty_db.hang()
    change_some(manager, run, sids, expected, [{"v": 1}])
    for i in range(10):
        expected[run(manager.create_session, "u9", {"during": i})] = {"during": i}
    assert len(manager.outbox) > 0

    restart_from_snapshot(own_redis)  # Redis rewinds while the database still hangs
    check_all(manager, expected, run, strict=False)
    check_all(manager, expected, run, strict=False)

    # The process restarts: the queued writes are on disk, not in the dead process.
    path = manager.settings.session_outbox_path
    manager.outbox.close()
    restarted = make_manager(own_redis, db=faulty_db.db, session_outbox_path=path)
    assert len(restarted.outbox) > 0
    check_all(restarted, expected, run, strict=False)

    faulty_db.heal()
    settle(restarted)
    check_all(restarted, expected, run)
    restart_from_snapshot(own_redis)  # and once more, now that the database is whole
    check_all(restarted, expected, run)
    settle(restarted)
    check_all(restarted, expected, run)


def nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def test_4_payload_limits_and_poisoned_resync(own_redis, make_manager, faulty_db) -> None:
    manager = make_manager(own_redis, db=faulty_db.db)
    run = Bounded(1.0)
    sid = run(manager.create_session, "u1", nested(20))
    for bad in (nested(1000), {"x": "y" * (manager.settings.session_max_bytes + 1)}):
        with pytest.raises(ValueError):
            manager.create_session("u1", bad)
        with pytest.raises(ValueError):
            manager.update_session(sid, bad)
    assert manager.get_session(sid).data == nested(20)  # type: ignore[union-attr]

    own_redis.kill()
    good = run(manager.create_session, "u2", {"ok": 1})
    poisoned = run(manager.create_session, "u3", {"p": 1})
    with manager.db.session_scope() as session:  # planted: nested far past the recursion limit
        session.execute(
            update(UserSession)
            .where(UserSession.session_id == poisoned)
            .values(data="[" * 100_000 + "]" * 100_000)
        )
    assert run(manager.get_session, poisoned) is None
    own_redis.start()
    settle(manager)  # the resync finished: the row was quarantined, not fatal
    assert run(manager.get_session, good).data == {"ok": 1}
    assert run(manager.get_session, poisoned) is None
    assert run(manager.get_session, sid).data == nested(20)
    with manager.db.session_scope() as session:
        row = session.get(UserSession, poisoned)
        assert row is not None and row.quarantined_at is not None and not row.dirty
    # A deep value planted in Redis is never a RecursionError: large payloads are parsed on
    # first use, and one that will not parse reads as empty data (logged).
    key = manager.redis.session_key(sid)
    head = manager.redis.client.get(key).split(b"{", 1)[0]
    manager.redis.client.set(key, head + b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    record = run(manager.get_session, sid)
    assert record is None or record.data in ({}, nested(20))


def test_5_large_payload_reaches_every_database(own_redis, make_manager, faulty_db) -> None:
    manager = make_manager(own_redis, db=faulty_db.db)
    run = Bounded(2.0)
    payload = {"blob": "x" * 200_000}  # past MariaDB's 64 KiB TEXT
    sid = run(manager.create_session, "u1", payload)
    assert manager.metrics.get("db_sync_failures") == 0
    assert manager.metrics.get("db_data_errors") == 0
    assert manager.database.get_session(sid).data == payload  # type: ignore[union-attr]
    own_redis.kill()
    during = run(manager.create_session, "u1", payload)
    assert run(manager.get_session, during).data == payload
    assert run(manager.update_session, sid, {"blob": "y" * 200_000})
    assert run(manager.get_session, sid).data == {"blob": "y" * 200_000}


def test_6_concurrent_updates_never_leave_the_database_behind(
    own_redis, make_manager, faulty_db
) -> None:
    manager = make_manager(own_redis, db=faulty_db.db)
    sids = [manager.create_session("u1", {"t": -1}) for _ in range(100)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(n: int) -> None:
        try:
            for sid in sids:
                barrier.wait(10)
                manager.update_session(sid, {"t": n})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors[:3]
    expected: Expected = {}
    for sid in sids:
        cached = manager.get_session(sid)
        row = manager.database.get_session(sid, slide=False)
        assert cached is not None and row is not None
        assert (row.version, row.data) == (cached.version, cached.data)  # never one behind
        expected[sid] = cached.data
    assert len(manager.outbox) == 0
    own_redis.kill()
    dump = own_redis.dir / "dump.rdb"
    if dump.exists():
        os.remove(dump)
    own_redis.start()  # empty: everything comes from the database
    check_all(manager, expected, Bounded(1.0))


def test_resync_is_bounded_per_call_and_made_up_ids_leave_nothing(own_redis, make_manager) -> None:
    # A healthy database with its default timeouts: under load, the 0.3 s statement timeout
    # of faulty_db failed one of the 600 outage creates when a commit stalled on the disk.
    manager = make_manager(own_redis, session_resync_batch=50)
    own_redis.kill()
    expected: Expected = {}
    for i in range(600):
        expected[manager.create_session(f"u{i % 10}", {"i": i})] = {"i": i}
    made_up = [new_session_id("nobody") for _ in range(200)]
    for sid in made_up:
        assert manager.destroy_session(sid) is False
    own_redis.start()
    run = Bounded(5.0)  # a hang, not a slow disk: the work per call is bounded below
    sids = list(expected)
    calls = 0
    most = 0
    # every call is bounded (Bounded); the whole reconcile must end, however many calls a
    # loaded machine needs for it (a count bound failed under CI load at 500 calls)
    deadline = time.monotonic() + 120
    while manager.health()["needs_resync"]:
        calls += 1
        sid = sids[calls % len(sids)]
        before = manager.metrics.get("resynced")
        check_read(run(manager.get_session, sid), expected[sid], strict=True)
        most = max(most, manager.metrics.get("resynced") - before)
        assert time.monotonic() < deadline, f"resync still not done after {calls} calls"
    # 50 items per call (the batch), plus what one SCAN call found (here under 50), never
    # the 600-odd outage writes at once
    assert most <= 2 * 50, f"{most} items in one call"
    assert calls > 1  # the outage writes were spread over several calls
    for sid in sids[:50]:
        assert raw_value(manager, sid) is not None  # pushed by the resync
    # Made-up ids, with Redis up or down, leave no tombstone, row or audit row.
    for sid in made_up[:100]:
        assert manager.destroy_session(sid) is False
    client = manager.redis.client
    assert not any(client.exists(manager.redis.tombstone_key(sid)) for sid in made_up)
    with manager.db.session_scope() as session:
        assert session.scalar(select(func.count()).where(UserSession.session_id.in_(made_up))) == 0
        hashes = [sid_hash(sid) for sid in made_up]
        assert (
            session.scalar(select(func.count()).where(SessionAuditEvent.sid_hash.in_(hashes))) == 0
        )


@pytest.fixture
def narrow_db(database: DatabaseManager, workdir: Path) -> Iterator[DatabaseManager]:
    """A database whose ``data`` column takes at most 200 characters: it refuses data."""
    url = database.url
    if url.startswith("sqlite"):
        db = DatabaseManager(f"sqlite:///{workdir / f'narrow-{uuid.uuid4().hex[:8]}.db'}")
        db.create_all()
        with db.engine.begin() as conn:
            for op in ("INSERT", "UPDATE"):
                conn.execute(
                    text(
                        f"CREATE TRIGGER narrow_{op.lower()} BEFORE {op} ON user_sessions "
                        "WHEN length(NEW.data) > 200 BEGIN SELECT RAISE(ABORT, 'too long'); END"
                    )
                )
        yield db
        db.dispose()
        return
    schema = f"ssnarrow_{uuid.uuid4().hex[:8]}"
    postgres = url.startswith("postgresql")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    kind = "SCHEMA" if postgres else "DATABASE"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE {kind} {schema}"))
    db = DatabaseManager(url, schema=schema)
    try:
        db.create_all()
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    f"ALTER TABLE {schema}.user_sessions ALTER COLUMN data TYPE varchar(200)"
                    if postgres
                    else f"ALTER TABLE {schema}.user_sessions MODIFY data VARCHAR(200) NOT NULL"
                )
            )
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP {kind} IF EXISTS {schema}{' CASCADE' if postgres else ''}"))
        admin.dispose()


def test_5_refused_data_is_a_data_error_not_an_outage(own_redis, make_manager, narrow_db) -> None:
    manager = make_manager(own_redis, db=narrow_db)
    sid = manager.create_session("u1", {"v": 1})
    big = {"v": "z" * 1000}
    assert manager.update_session(sid, big)  # Redis took it; the database refused it as data
    assert manager.metrics.get("db_data_errors") == 1
    assert len(manager.outbox) == 0  # not queued: it would be refused again forever
    assert manager.db.breaker.state is BreakerState.CLOSED  # not an outage either
    assert manager.get_session(sid).data == big  # type: ignore[union-attr]
    refused = manager.create_session("u1", big)  # refused on insert too: no retry storm
    assert manager.get_session(refused).data == big  # type: ignore[union-attr]
    assert manager.metrics.get("db_data_errors") == 2
    assert manager.metrics.get("id_collisions") == 0
    own_redis.kill()
    with pytest.raises(SessionDataRejected) as info:
        manager.update_session(sid, {"v": "y" * 1000})
    assert isinstance(info.value, ValueError)
    assert "unreachable" not in str(info.value)
