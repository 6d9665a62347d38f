"""One contract suite run against every session store (Django's SessionTestsMixin pattern)."""

from __future__ import annotations

import threading

import pytest

from reference_impl.db_manager import DatabaseManager
from reference_impl.errors import SessionConflict
from reference_impl.ids import SESSION_ID_LENGTH, default_token, is_valid_session_id
from reference_impl.settings import Settings
from reference_impl.stores.base import SessionStore
from reference_impl.unified_session_manager import UnifiedSessionManager

STORES = ["unified", "redis_sync", "redis_nosync", "redis_only"]


@pytest.fixture(params=STORES)
def store(request, make_manager, database: DatabaseManager, prefix: str) -> SessionStore:
    kind = request.param
    if kind == "unified":
        return UnifiedSessionManager(
            database, Settings(redis_session_prefix=prefix, database_url=database.url)
        )
    if kind == "redis_sync":
        return make_manager()
    if kind == "redis_nosync":
        return make_manager(db_session_sync=False)
    return make_manager(db_session_sync=False, db_session_fallback=False)


def test_create_and_get_roundtrip(store: SessionStore) -> None:
    data = {"cart": [1, 2, 3], "name": "Zoë", "nested": {"a": None, "b": 1.5}}
    sid = store.create_session("alice", data)
    assert is_valid_session_id(sid) and len(sid) == SESSION_ID_LENGTH
    record = store.get_session(sid)
    assert record is not None
    assert record.data == data and record.user_id == "alice" and record.version == 1
    assert record.created_at.tzinfo is not None and record.expires_at > record.created_at


def test_update_replaces_data_and_bumps_version(store: SessionStore) -> None:
    sid = store.create_session("bob", {"step": 1})
    assert store.update_session(sid, {"step": 2})
    record = store.get_session(sid)
    assert record is not None and record.data == {"step": 2} and record.version == 2


def test_update_with_stale_version_raises_conflict(store: SessionStore) -> None:
    # flask-session#71's GET, GET, SET, SET interleaving: the second SET must not win silently.
    sid = store.create_session("carol", {"n": 0})
    first, second = store.get_session(sid), store.get_session(sid)
    assert first is not None and second is not None
    assert store.update_session(sid, {"n": 1}, expected_version=first.version)
    with pytest.raises(SessionConflict):
        store.update_session(sid, {"n": 1}, expected_version=second.version)
    record = store.get_session(sid)
    assert record is not None and record.data == {"n": 1}


def test_modify_session_loses_no_concurrent_update(store: SessionStore) -> None:
    sid = store.create_session("dave", {"n": 0})
    workers, each = 4, 10

    def work() -> None:
        for _ in range(each):
            store.modify_session(sid, lambda d: {"n": d["n"] + 1}, retries=200)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    record = store.get_session(sid)
    assert record is not None and record.data == {"n": workers * each}


def test_missing_session_operations(store: SessionStore) -> None:
    unknown = default_token() + ".0000"
    assert store.get_session(unknown) is None
    assert store.update_session(unknown, {"x": 1}) is False
    assert store.touch(unknown) is False
    assert store.destroy_session(unknown) is False
    assert store.rotate_session(unknown) is None
    # A forged id is never adopted: nothing was created by the calls above.
    assert store.get_session(unknown) is None


def test_touch_and_destroy(store: SessionStore) -> None:
    sid = store.create_session("erin", {"a": 1})
    assert store.touch(sid)
    assert store.destroy_session(sid)
    assert store.get_session(sid) is None
    assert store.destroy_session(sid) is False
    assert store.touch(sid) is False


def test_save_after_logout_does_not_resurrect(store: SessionStore) -> None:
    sid = store.create_session("frank", {"a": 1})
    stale = store.get_session(sid)
    assert stale is not None
    assert store.destroy_session(sid)
    assert store.update_session(sid, {"a": 2}) is False
    assert store.touch(sid) is False
    assert store.get_session(sid) is None


def test_concurrent_delete_and_save(store: SessionStore) -> None:
    for _ in range(5):
        sid = store.create_session("gina", {"a": 0})
        barrier = threading.Barrier(2)

        def saver(sid: str = sid, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            for i in range(5):
                store.update_session(sid, {"a": i})

        def deleter(sid: str = sid, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            store.destroy_session(sid)

        threads = [threading.Thread(target=saver), threading.Thread(target=deleter)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert store.get_session(sid) is None


def test_rotate_keeps_data_and_kills_old_id(store: SessionStore) -> None:
    sid = store.create_session("hank", {"role": "user"})
    new = store.rotate_session(sid)
    assert new is not None and new != sid
    assert store.get_session(sid) is None
    record = store.get_session(new)
    assert record is not None and record.data == {"role": "user"} and record.user_id == "hank"
    assert store.update_session(sid, {"x": 1}) is False


def test_destroy_user_sessions_revokes_only_that_user(store: SessionStore) -> None:
    mine = [store.create_session("ivy", {"i": i}) for i in range(3)]
    other = store.create_session("jack", {"j": 1})
    assert store.destroy_user_sessions("ivy") == 3
    assert all(store.get_session(s) is None for s in mine)
    assert store.get_session(other) is not None
    assert store.destroy_user_sessions("ivy") == 0


def test_no_cross_session_bleed_under_threads(store: SessionStore) -> None:
    results: dict[str, dict[str, int]] = {}
    lock = threading.Lock()

    def worker(n: int) -> None:
        for i in range(8):
            data = {"worker": n, "i": i}
            sid = store.create_session(f"user{n}", data)
            store.update_session(sid, {**data, "updated": 1})
            with lock:
                results[sid] = {**data, "updated": 1}

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 48
    for sid, expected in results.items():
        record = store.get_session(sid)
        assert record is not None and record.data == expected


@pytest.mark.parametrize(
    "hostile",
    [
        "*",
        "",
        "a" * 10_000,
        "abc\r\nFLUSHALL\r\n",
        "x" * 43 + ".zzzz",
        "../../etc/passwd",
        None,
        42,
    ],
)
def test_hostile_ids_are_rejected(store: SessionStore, hostile: object) -> None:
    assert store.get_session(hostile) is None  # type: ignore[arg-type]
    assert store.update_session(hostile, {"a": 1}) is False  # type: ignore[arg-type]
    assert store.destroy_session(hostile) is False  # type: ignore[arg-type]
    assert store.rotate_session(hostile) is None  # type: ignore[arg-type]


def test_non_json_data_is_rejected(store: SessionStore) -> None:
    with pytest.raises(TypeError):
        store.create_session("kim", {"obj": object()})


def test_cleanup_keeps_live_sessions(store: SessionStore) -> None:
    live = store.create_session("lee", {"a": 1})
    store.cleanup_expired()
    assert store.cleanup_expired() == 0 or True  # idempotent call never raises
    assert store.get_session(live) is not None


def test_health_reports(store: SessionStore) -> None:
    report = store.health()
    assert "database" in report
