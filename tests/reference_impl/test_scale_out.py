"""Scale-out through configuration alone: a real Redis Cluster and a real Sentinel set-up."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import raw_value
from redis_servers import RedisServer, start_cluster, start_sentinel, wait_until

from reference_impl.breaker import CircuitBreaker
from reference_impl.db_manager import DatabaseManager
from reference_impl.redis_session_manager import RedisSessionManager
from reference_impl.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scale_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scale_out")


@pytest.fixture(scope="module")
def scale_db(scale_dir: Path) -> Iterator[DatabaseManager]:
    db = DatabaseManager(f"sqlite:///{scale_dir / 'sessions.db'}")
    db.create_all()
    yield db
    db.dispose()


@pytest.fixture
def cluster(scale_dir: Path) -> Iterator[list[RedisServer]]:
    nodes = start_cluster(scale_dir)
    yield nodes
    for node in nodes:
        node.stop()


@pytest.fixture
def sentinel_setup(scale_dir: Path) -> Iterator[tuple[RedisServer, RedisServer, RedisServer]]:
    servers = start_sentinel(scale_dir)
    yield servers
    for server in servers:
        server.stop()


def _manager(url: str, db: DatabaseManager, prefix: str) -> RedisSessionManager:
    settings = Settings(
        redis_url=url,
        redis_session_prefix=prefix,
        database_url=db.url,
        redis_socket_timeout=0.3,
        redis_breaker_reset=0.5,
        session_outbox_path=str(Path(db.url.split("///", 1)[-1]).with_suffix(".outbox")),
    )
    return RedisSessionManager(settings, db=db, breaker=CircuitBreaker(3, 0.5))


def _exercise_contract(manager: RedisSessionManager) -> None:
    sids = [manager.create_session(f"user{i % 7}", {"i": i}) for i in range(30)]
    for i, sid in enumerate(sids):
        assert manager.get_session(sid).data == {"i": i}  # type: ignore[union-attr]
        assert manager.update_session(sid, {"i": i, "u": 1})
    rotated = manager.rotate_session(sids[0])
    assert rotated is not None and manager.get_session(sids[0]) is None
    assert manager.touch(rotated)
    assert manager.destroy_session(sids[1]) and manager.get_session(sids[1]) is None
    revoked = manager.destroy_user_sessions("user3")
    assert revoked == sum(1 for i in range(30) if i % 7 == 3)
    assert all(manager.get_session(s) is None for i, s in enumerate(sids) if i % 7 == 3)
    assert manager.health()["redis"] == "ok"
    assert manager.metrics.get("redis_errors") == 0
    assert manager.metrics.get("fallback_get") == 0


def _redis_serves(manager: RedisSessionManager, sid: str) -> bool:
    try:
        return raw_value(manager, sid) is not None and manager.health()["redis"] == "ok"
    except Exception:
        return False


def _failover(manager: RedisSessionManager, sid: str, kill, timeout: float = 30.0) -> float:
    """Kill the master holding ``sid``; the session stays readable and Redis comes back."""
    kill()
    started = time.monotonic()
    recovered = None
    while time.monotonic() - started < timeout:
        record = manager.get_session(sid)  # served throughout: Redis, or database fallback
        assert record is not None and record.data == {"v": 2}
        if _redis_serves(manager, sid) and manager._redis_ready():
            recovered = time.monotonic() - started
            break
        time.sleep(0.1)
    assert recovered is not None, manager.health()
    fallbacks = manager.metrics.get("fallback_update")
    assert manager.update_session(sid, {"v": 3})
    assert manager.get_session(sid).data == {"v": 3}  # type: ignore[union-attr]
    assert manager.metrics.get("fallback_update") == fallbacks  # written to the new master
    assert raw_value(manager, sid).endswith(b'{"v":3}')  # type: ignore[union-attr]
    return recovered


def test_cluster_serves_full_contract_and_survives_master_failover(cluster, scale_db) -> None:
    url = "redis+cluster://" + ",".join(f"127.0.0.1:{n.port}" for n in cluster[:3])
    manager = _manager(url, scale_db, "cl:")
    _exercise_contract(manager)
    sid = manager.create_session("failover-user", {"v": 1})
    assert manager.update_session(sid, {"v": 2})
    client = manager.redis.client
    # One hash tag for a session, its tombstone and its user's index: scripts stay on one slot.
    slots = {
        client.keyslot(key)
        for key in (
            manager.redis.session_key(sid),
            manager.redis.tombstone_key(sid),
            manager.redis.index_key(sid, "failover-user"),
        )
    }
    assert len(slots) == 1
    owner = client.get_node_from_key(manager.redis.session_key(sid))
    victim = next(n for n in cluster if n.port == owner.port)
    recovered = _failover(manager, sid, victim.kill)
    assert recovered < 20


def test_sentinel_serves_full_contract_and_survives_master_failover(sentinel_setup, scale_db):
    master, replica, sentinel = sentinel_setup
    url = f"redis+sentinel://127.0.0.1:{sentinel.port}/mymaster/0"
    manager = _manager(url, scale_db, "sn:")
    _exercise_contract(manager)
    sid = manager.create_session("failover-user", {"v": 1})
    assert manager.update_session(sid, {"v": 2})
    master.client().wait(1, 2000)
    recovered = _failover(manager, sid, master.kill)
    assert recovered < 20
    assert wait_until(
        lambda: (
            sentinel.client()
            .execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")[1]
            .decode()
            == str(replica.port)
        ),
        timeout=5,
    )
