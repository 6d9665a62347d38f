"""Expiry in both tiers: TTLs, remaining-lifetime refill, absolute cap, cleanup, UTC clocks."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, event, select, update
from sqlalchemy.dialects import mysql, postgresql, sqlite

from reference_impl.models import UserSession
from reference_impl.stores.database import DatabaseSessionStore
from reference_impl.timeutil import UTC, db_now, utcnow


def _row(manager, sid):
    with manager.db.session_scope() as session:
        return session.get(UserSession, sid)


def test_ttl_matches_timeout_on_create_and_touch(make_manager) -> None:
    manager = make_manager(redis_session_timeout=120)
    sid = manager.create_session("u1", {})
    key = manager.redis.session_key(sid)
    assert abs(manager.redis.client.pttl(key) - 120_000) <= 1000
    assert abs((_row(manager, sid).expires_at - utcnow()).total_seconds() - 120) <= 1
    manager.redis.client.pexpire(key, 5000)
    assert manager.touch(sid)
    assert abs(manager.redis.client.pttl(key) - 120_000) <= 1000
    manager.redis.client.pexpire(key, 5000)
    manager.get_session(sid)  # reads slide the TTL too (GETEX)
    assert abs(manager.redis.client.pttl(key) - 120_000) <= 1000


def test_touch_database_writeback_is_throttled(make_manager) -> None:
    manager = make_manager(redis_session_timeout=20)  # touch interval: 2 s
    sid = manager.create_session("u1", {})
    first = _row(manager, sid).expires_at
    queries: list[str] = []
    engine = manager.db.engine
    listener = lambda *args: queries.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        for _ in range(20):
            manager.get_session(sid)
            manager.touch(sid)
        assert queries == []  # no database write per read or touch
        time.sleep(2.1)
        manager.touch(sid)
        assert len(queries) == 1
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert _row(manager, sid).expires_at > first


def test_expired_session_invisible_in_both_tiers(make_manager) -> None:
    manager = make_manager(redis_session_timeout=1)
    sid = manager.create_session("u1", {"a": 1})
    time.sleep(1.2)
    assert manager.get_session(sid) is None
    # The database row still exists but is never served, by the store or through fallback.
    assert _row(manager, sid) is not None
    assert manager.database.get_session(sid) is None


def test_key_outliving_its_cap_is_not_served(make_manager) -> None:
    manager = make_manager(redis_session_timeout=60, session_max_lifetime=1)
    sid = manager.create_session("u1", {"a": 1})
    manager.redis.client.persist(manager.redis.session_key(sid))  # key would live forever
    time.sleep(1.1)
    assert manager.get_session(sid) is None
    assert manager.touch(sid) is False
    assert manager.update_session(sid, {"a": 2}) is False


def test_refill_uses_remaining_lifetime(make_manager) -> None:
    manager = make_manager(redis_session_timeout=300)
    sid = manager.create_session("u1", {"a": 1})
    with manager.db.session_scope() as session:
        session.execute(
            update(UserSession)
            .where(UserSession.session_id == sid)
            .values(expires_at=utcnow() + timedelta(seconds=30))
        )
    manager.redis.client.delete(manager.redis.session_key(sid))
    assert manager.get_session(sid) is not None  # read-through refills Redis
    ttl = manager.redis.client.pttl(manager.redis.session_key(sid))
    assert 28_000 <= ttl <= 30_500


def test_absolute_cap_is_not_extended_by_activity(make_manager) -> None:
    manager = make_manager(redis_session_timeout=10, session_max_lifetime=2)
    sid = manager.create_session("u1", {"a": 1})
    record = manager.get_session(sid)
    assert record is not None
    cap = record.max_expires_at
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        assert manager.touch(sid)
        record = manager.get_session(sid)
        assert record is not None and record.expires_at <= cap
        new = manager.rotate_session(sid)
        assert new is not None
        sid = new
        time.sleep(0.1)
    assert manager.get_session(sid).max_expires_at == cap  # type: ignore[union-attr]
    time.sleep(0.7)
    assert manager.get_session(sid) is None
    assert manager.database.get_session(sid) is None


def test_cleanup_removes_only_expired_idempotent_and_batched(make_manager) -> None:
    manager = make_manager(redis_session_timeout=1)
    expired = [manager.create_session(f"u{i}", {"i": i}) for i in range(7)]
    time.sleep(1.1)
    live_manager = manager  # same namespace, longer-lived rows written directly below
    store = DatabaseSessionStore(live_manager.db, namespace=manager.settings.redis_session_prefix)
    live = [store.create_session(f"v{i}", {"i": i}) for i in range(4)]
    assert manager.database.cleanup_expired(batch_size=3) == 7
    assert manager.database.cleanup_expired(batch_size=3) == 0
    for sid in expired:
        assert _row(manager, sid) is None
    for sid in live:
        assert store.get_session(sid) is not None


def test_cleanup_query_uses_expiry_index(make_manager, database) -> None:
    manager = make_manager()
    for i in range(60):  # live rows, so statistics make the expiry range selective
        manager.database.create_session(f"u{i}", {})
    stmt = select(UserSession.session_id).where(
        UserSession.namespace == manager.settings.redis_session_prefix,
        UserSession.expires_at <= db_now(),
        UserSession.dirty.is_(False),
    )
    dialect = database.engine.dialect.name
    compiled = stmt.compile(dialect=database.engine.dialect)
    sql, params = str(compiled), compiled.params
    with database.engine.connect() as conn:
        if dialect == "sqlite":
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, tuple(params.values()))
        else:
            if dialect == "postgresql":
                conn.exec_driver_sql(f"SET search_path TO {database._schema}")
                conn.exec_driver_sql("ANALYZE user_sessions")
                conn.exec_driver_sql("SET enable_seqscan = off")  # tiny tables: force the choice
            else:
                conn.exec_driver_sql(f"USE {database._schema}")
                conn.exec_driver_sql("ANALYZE TABLE user_sessions")
            plan = conn.exec_driver_sql("EXPLAIN " + sql, params)
        rendered = " ".join(str(row) for row in plan)
    assert "ix_user_sessions_expires" in rendered


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        (postgresql.dialect(), "now()"),
        (mysql.dialect(), "UTC_TIMESTAMP(6)"),
        (sqlite.dialect(), "strftime("),
    ],
)
def test_expiry_compares_with_the_database_clock(dialect, expected) -> None:
    store = DatabaseSessionStore(None)  # type: ignore[arg-type]
    sql = str(store._live("x" * 43 + ".abcd").compile(dialect=dialect))
    assert expected in sql


def test_timestamps_are_aware_utc(make_manager) -> None:
    manager = make_manager()
    sid = manager.create_session("u1", {})
    row = _row(manager, sid)
    for value in (row.created_at, row.updated_at, row.expires_at, row.max_expires_at):
        assert value.tzinfo is not None and value.utcoffset() == timedelta(0)
    record = manager.get_session(sid)
    assert record.created_at.tzinfo is not None  # type: ignore[union-attr]


def test_naive_datetimes_are_refused() -> None:
    engine = create_engine("sqlite://")
    from reference_impl.models import Base

    Base.metadata.create_all(engine)
    from datetime import datetime

    with engine.begin() as conn, pytest.raises(Exception, match="naive"):
        conn.execute(
            UserSession.__table__.insert().values(
                session_id="s",
                namespace="n",
                user_id="u",
                data="{}",
                created_at=datetime(2024, 1, 1),
                updated_at=datetime.now(UTC),
                expires_at=datetime.now(UTC),
                max_expires_at=datetime.now(UTC),
            )
        )
