"""Security properties: ids, fixation, no pickle, revoke-all, prefix isolation, secrets, audit."""

from __future__ import annotations

import ast
import logging
import os
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from redis_servers import free_port
from sqlalchemy import select, text

import reference_impl
from reference_impl.errors import SessionStoreUnavailable
from reference_impl.ids import (
    SESSION_ID_LENGTH,
    check_session_id,
    default_token,
    is_valid_session_id,
    new_session_id,
)
from reference_impl.models import SessionAuditEvent, UserSession
from reference_impl.settings import Settings


def test_ids_are_256_bit_url_safe_and_unique() -> None:
    ids = {new_session_id("u") for _ in range(2000)}
    assert len(ids) == 2000
    for sid in list(ids)[:50]:
        assert len(sid) == SESSION_ID_LENGTH and is_valid_session_id(sid)
        token = sid.split(".")[0]
        assert len(token) == 43  # secrets.token_urlsafe(32): 256 bits
        assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    source = Path(reference_impl.ids.__file__).read_text()
    assert "secrets.token_urlsafe(TOKEN_BYTES)" in source and "TOKEN_BYTES = 32" in source


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=60), st.integers(), st.none()))
def test_malformed_ids_never_validate(value: object) -> None:
    if isinstance(value, str) and is_valid_session_id(value):
        assert check_session_id(value) == value  # only the exact format passes
    else:
        with pytest.raises(ValueError):
            check_session_id(value)


def test_hostile_ids_are_rejected_before_any_io(make_manager) -> None:
    # Closed port, fallback off: any I/O at all would raise SessionStoreUnavailable.
    manager = make_manager(url=f"redis://127.0.0.1:{free_port()}/0", db_session_fallback=False)
    for hostile in ["*", "a\nb", "x" * 1_000_000, "", "key*", "x" * 43 + ".zz\n"]:
        assert manager.get_session(hostile) is None
        assert manager.update_session(hostile, {}) is False
        assert manager.touch(hostile) is False
        assert manager.destroy_session(hostile) is False
        assert manager.rotate_session(hostile) is None
    assert manager.metrics.get("redis_errors") == 0
    with pytest.raises(SessionStoreUnavailable):
        manager.get_session(default_token() + ".abcd")


def test_unknown_id_is_not_adopted_and_creates_nothing(make_manager) -> None:
    manager = make_manager()
    forged = default_token() + ".abcd"
    assert manager.get_session(forged) is None
    assert manager.touch(forged) is False
    assert manager.update_session(forged, {"admin": True}) is False
    assert manager.redis.client.exists(manager.redis.session_key(forged)) == 0
    with manager.db.session_scope() as session:
        assert session.get(UserSession, forged) is None


def test_rotate_kills_old_id_in_both_tiers(make_manager) -> None:
    manager = make_manager()
    sid = manager.create_session("u1", {"cart": [1]})
    new = manager.rotate_session(sid)
    assert new is not None and new != sid
    assert manager.redis.client.exists(manager.redis.session_key(sid)) == 0
    with manager.db.session_scope() as session:
        old = session.get(UserSession, sid)
        assert old is not None and old.revoked_at is not None  # a tombstone, not a session
        assert old.data == "{}"  # the data moved; the tombstone keeps none of it
        assert session.get(UserSession, new) is not None
    assert manager.database.get_session(sid) is None
    assert manager.get_session(new).data == {"cart": [1]}  # type: ignore[union-attr]
    assert manager.get_session(sid) is None


def test_colliding_id_never_overwrites_another_session(make_manager) -> None:
    fixed = default_token()
    tokens = iter([fixed, fixed, fixed, default_token()])
    manager = make_manager(token_factory=lambda: next(tokens))
    first = manager.create_session("u1", {"owner": "u1"})
    second = manager.create_session("u1", {"owner": "other"})  # first two draws collide
    assert first != second
    assert manager.get_session(first).data == {"owner": "u1"}  # type: ignore[union-attr]
    assert manager.get_session(second).data == {"owner": "other"}  # type: ignore[union-attr]
    assert manager.metrics.get("id_collisions") >= 1


def test_database_unique_constraint_blocks_collisions(make_manager) -> None:
    fixed = default_token()
    tokens = iter([fixed, fixed, default_token()])
    manager = make_manager(token_factory=lambda: next(tokens))
    store = manager.database
    first = store.create_session("u1", {"owner": "u1"})
    second = store.create_session("u1", {"owner": "other"})
    assert first != second
    assert store.get_session(first).data == {"owner": "u1"}  # type: ignore[union-attr]


class _Gadget:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.path}",))


def test_planted_pickle_is_rejected_not_executed(make_manager, tmp_path, caplog) -> None:
    manager = make_manager()
    sentinel = tmp_path / "pwned"
    payload = pickle.dumps(_Gadget(str(sentinel)))
    sid = manager.create_session("u1", {"a": 1})
    caplog.set_level(logging.WARNING, logger="reference_impl.security")
    manager.redis.client.set(manager.redis.session_key(sid), payload)
    with manager.db.session_scope() as session:
        # Protocol 0 is text (PostgreSQL text columns refuse NUL bytes).
        text_payload = pickle.dumps(_Gadget(str(sentinel)), protocol=0).decode("latin-1")
        session.get(UserSession, sid).data = text_payload  # type: ignore[union-attr]
    assert manager.get_session(sid) is None
    # Same payload with a well-formed header: JSON decoding still refuses it.
    manager.redis.client.set(manager.redis.session_key(sid), b"1:1:99999999999999:0:2:u1" + payload)
    assert manager.get_session(sid) is None
    assert manager.database.get_session(sid) is None  # the fallback path refuses it too
    assert not sentinel.exists()
    assert any("treated as absent" in r.getMessage() for r in caplog.records)


def test_no_module_imports_pickle() -> None:
    root = Path(reference_impl.__file__).parent
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(
                n.split(".")[0] in {"pickle", "cPickle", "dill", "marshal"} for n in names
            ), path


def test_revoke_all_uses_index_not_scan(make_manager, own_redis) -> None:
    manager = make_manager(own_redis)
    sids = [manager.create_session("victim", {"i": i}) for i in range(5)]
    keep = manager.create_session("bystander", {})
    own_redis.client().config_resetstat()
    assert manager.destroy_user_sessions("victim") == 5
    stats = own_redis.client().info("commandstats")
    assert not any(k in stats for k in ("cmdstat_scan", "cmdstat_keys"))
    assert all(manager.get_session(s) is None for s in sids)
    assert manager.get_session(keep) is not None


def test_revoke_all_covers_sessions_created_during_outage(make_manager, own_redis) -> None:
    manager = make_manager(own_redis)
    before = [manager.create_session("victim", {"i": i}) for i in range(2)]
    own_redis.save_and_kill()
    during = manager.create_session("victim", {"i": "outage"})
    assert manager.destroy_user_sessions("victim") == 3  # revoked while Redis is down
    own_redis.start()  # comes back with the old keys
    from helpers import wait_for_redis_tier

    wait_for_redis_tier(manager)
    for sid in [*before, during]:
        assert manager.get_session(sid) is None
        assert manager.redis.client.exists(manager.redis.session_key(sid)) == 0


def test_prefix_isolation(make_manager, redis_server, database) -> None:
    a = make_manager(redis_session_prefix="appA:", redis_session_timeout=1)
    b = make_manager(redis_session_prefix="appB:")
    sid = a.create_session("shared-user", {"app": "A"})
    other = b.create_session("shared-user", {"app": "B"})
    assert b.get_session(sid) is None
    assert a.get_session(other) is None
    b.destroy_user_sessions("shared-user")
    assert a.get_session(sid) is not None
    import time

    time.sleep(1.1)
    b.cleanup_expired()
    with a.db.session_scope() as session:
        assert session.get(UserSession, sid) is not None  # b's cleanup left a's row alone
    a.cleanup_expired()
    with a.db.session_scope() as session:
        assert session.get(UserSession, sid) is None
        session.execute(text("SELECT 1"))


def test_redis_password_never_leaks(make_manager, caplog) -> None:
    secret = "s3cr3t-pw"
    url = f"redis://:{secret}@127.0.0.1:{free_port()}/0"
    caplog.set_level(logging.DEBUG)
    manager = make_manager(url=url)
    sid = manager.create_session("u1", {})  # fallback: logs the Redis failure
    manager.get_session(sid)
    health = manager.health()
    texts = [repr(manager), repr(manager.settings), str(manager.settings), str(health)]
    texts += [r.getMessage() for r in caplog.records]
    strict = make_manager(url=url, db_session_fallback=False, redis_session_prefix="strict:")
    with pytest.raises(SessionStoreUnavailable) as info:
        strict.get_session(sid)
    texts.append(str(info.value))
    assert all(secret not in t for t in texts)
    assert "***" in repr(manager)
    assert Settings(redis_url=url).__repr__().count(secret) == 0


def test_audit_trail(make_manager, own_redis) -> None:
    manager = make_manager(own_redis, redis_session_timeout=1)
    sid = manager.create_session("u1", {})
    new = manager.rotate_session(sid)
    assert new is not None
    manager.destroy_session(new)
    manager.create_session("u1", {})
    manager.destroy_user_sessions("u1")
    expiring = manager.create_session("u2", {})
    own_redis.kill()
    manager.create_session("u3", {})  # fallback used
    own_redis.start()
    from helpers import wait_for_redis_tier

    wait_for_redis_tier(manager)  # resync
    import time

    time.sleep(1.1)
    manager.cleanup_expired()
    with manager.db.session_scope() as session:
        rows = session.scalars(
            select(SessionAuditEvent).where(
                SessionAuditEvent.namespace == manager.settings.redis_session_prefix
            )
        ).all()
        events = {r.event for r in rows}
        hashes = {r.sid_hash for r in rows}
        for row in rows:
            assert row.at.tzinfo is not None and row.reason is not None
    assert {"create", "rotate", "revoke", "revoke_all", "fallback", "resync", "expire"} <= events
    assert sid not in hashes and expiring not in hashes  # only hashes are stored
    assert all(h is None or len(h) == 32 for h in hashes)
