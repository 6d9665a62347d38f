"""Small helpers shared by the reference_impl tests."""

from __future__ import annotations

import time

from reference_impl.redis_session_manager import RedisSessionManager


def wait_for_redis_tier(manager: RedisSessionManager, timeout: float = 10.0) -> None:
    """Wait until the breaker has let a probe through and the resync has run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = manager.health()
        if report["redis"] == "ok" and manager._redis_ready() and not report["needs_resync"]:
            return
        time.sleep(0.05)
    raise AssertionError(f"redis tier did not recover: {manager.health()}")


def raw_value(manager: RedisSessionManager, session_id: str) -> bytes | None:
    value = manager.redis.client.get(manager.redis.session_key(session_id))
    return value if value is None else bytes(value)
