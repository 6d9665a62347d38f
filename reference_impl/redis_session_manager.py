"""``RedisSessionManager``: Redis-primary session store with database sync and fallback.

Store of record
    Redis, while it is reachable. With ``DB_SESSION_SYNC`` every create, update, rotate and
    revoke is also written to the database (backup and audit); sliding-expiry refreshes
    are written back at most once per ``touch_interval`` (a read never waits on a database
    write otherwise). While Redis is unreachable and ``DB_SESSION_FALLBACK`` is on, the
    database becomes the store of record: reads and writes go there, rows are marked
    ``dirty`` and logouts leave tombstones.

No stale read after recovery
    Any Redis failure sets the process-wide "needs resync" flag. Until a resync has pushed
    every dirty row (and every outage logout) into Redis, no Redis read is trusted: reads
    are database-authoritative. Resync compares versions, so Redis keeps a newer value and
    never resurrects a revoked one. A process that never saw the outage may serve a Redis
    value written before it for at most ``REDIS_BREAKER_RESET`` seconds (the time until the
    process that did see it probes and resyncs); call ``resync()`` from a job to shorten it.
    If the database is unreachable when a resync is due, Redis is served as it is (it is the
    only tier left) and the resync is retried ``REDIS_BREAKER_RESET`` seconds later.

Failures
    Redis errors are logged and counted, never raised to the caller when fallback is on;
    with fallback off they raise ``SessionStoreUnavailable`` (never an empty session). A
    process-wide circuit breaker stops paying the connect/read timeout on every request.
    Database errors while Redis is up are counted (``db_sync_failures``) and queued in a
    bounded backlog that ``flush_sync_backlog()`` (run by ``cleanup_expired()``) replays.

DB_SESSION_SYNC off
    The database holds only what was written during an outage. Sessions created while Redis
    was up are invisible during an outage (their users log in again); nothing written during
    an outage is lost, and logouts made during it still win after recovery.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError, RedisClusterException, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from reference_impl import codec
from reference_impl.audit import AuditLog
from reference_impl.breaker import CircuitBreaker, breaker_for
from reference_impl.db_manager import DatabaseManager
from reference_impl.errors import SessionIdCollision, SessionStoreUnavailable
from reference_impl.ids import TokenFactory, check_user_id, default_token, user_tag
from reference_impl.metrics import Metrics
from reference_impl.redis_client import RedisClient, build_client, redact_url
from reference_impl.resync import SyncBacklog, push_outage_writes, state_for
from reference_impl.settings import Settings, load_settings
from reference_impl.stores.base import SessionRecord, SessionStore
from reference_impl.stores.database import DatabaseSessionStore
from reference_impl.stores.redis import HIT_SYNC_DUE, TOMBSTONED, RedisSessionTier
from reference_impl.timeutil import from_ms

log = logging.getLogger("reference_impl.sessions")
T = TypeVar("T")

#: Errors meaning "Redis is unreachable or cannot take writes right now".
REDIS_DOWN: tuple[type[BaseException], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    ReadOnlyError,
    RedisClusterException,
    OSError,
)
#: On writes Redis may also refuse (OOM, NOREPLICAS, MISCONF): our scripts never raise
#: otherwise, so any error reply there means "Redis cannot take this write now".
REDIS_WRITE_FAILED: tuple[type[BaseException], ...] = (*REDIS_DOWN, ResponseError)
_ANY_FAILURE: tuple[type[BaseException], ...] = (*REDIS_WRITE_FAILED, SQLAlchemyError)
_ID_ATTEMPTS = 5
_RESYNC_WAIT = 1.0
_BACKLOG_LIMIT = 10_000


def _now_ms() -> int:
    return int(time.time() * 1000)


class RedisSessionManager(SessionStore):
    """Composite store: Redis primary, database sync and fallback, fails soft."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        db: DatabaseManager | None = None,
        redis_client: RedisClient | None = None,
        breaker: CircuitBreaker | None = None,
        token_factory: TokenFactory = default_token,
    ) -> None:
        s = settings or load_settings()
        self.settings = s
        self.metrics = Metrics()
        self.db = db or DatabaseManager(s.database_url)
        self.uses_db = s.db_session_sync or s.db_session_fallback
        self.audit = (
            AuditLog(self.db, s.redis_session_prefix, self.metrics) if self.uses_db else None
        )
        self.database = DatabaseSessionStore(
            self.db,
            namespace=s.redis_session_prefix,
            timeout=s.redis_session_timeout,
            max_lifetime=s.session_max_lifetime,
            audit=self.audit,
            token_factory=token_factory,
        )
        client = redis_client or build_client(s.redis_url, s.redis_socket_timeout)
        sync_interval = self.database.touch_interval if s.db_session_sync else 10.0**12
        self.redis = RedisSessionTier(
            client,
            s.redis_session_prefix,
            s.redis_session_timeout,
            s.session_max_lifetime,
            sync_interval,
        )
        self.breaker = breaker or breaker_for(
            s.redis_url, s.redis_breaker_threshold, s.redis_breaker_reset
        )
        self.token_factory = token_factory
        self._state = state_for((s.redis_url, s.redis_session_prefix, self.db.url))
        if not self.uses_db:
            self._state.needs_resync = False
        self._backlog = SyncBacklog(_BACKLOG_LIMIT)

    def __repr__(self) -> str:
        return (
            f"RedisSessionManager(redis={redact_url(self.settings.redis_url)!r}, "
            f"prefix={self.settings.redis_session_prefix!r}, db={self.db!r})"
        )

    # tier selection -------------------------------------------------------------------------
    def _redis_ready(self) -> bool:
        if not self.breaker.allow():
            self.metrics.incr("breaker_short_circuits")
            return False
        if self._state.needs_resync:
            return self._try_resync()
        return True

    def _try_resync(self) -> bool:
        state = self._state
        if time.monotonic() < state.retry_after:
            return True  # the database was down at the last attempt: Redis is all there is
        if not state.lock.acquire(timeout=_RESYNC_WAIT):
            return False  # a long resync is running: stay database-authoritative meanwhile
        try:
            if not state.needs_resync:
                return True
            generation = state.generation
            try:
                count = self._resync()
            except REDIS_WRITE_FAILED as exc:
                self._redis_failed("resync", exc)
                return False
            except SQLAlchemyError:
                state.retry_after = time.monotonic() + self.breaker.reset_timeout
                self.metrics.incr("resync_db_failures")
                return True
            self.breaker.record_success()
            if state.generation != generation:
                return False  # database-only writes landed meanwhile: resync again next call
            state.needs_resync = False
            state.fallback_announced = False
            if count and self.audit is not None:
                self.audit.record("resync", reason=f"{count} record(s) pushed to redis")
            return True
        finally:
            state.lock.release()

    def _redis_failed(self, operation: str, exc: BaseException) -> None:
        self.metrics.incr("redis_errors")
        self.breaker.record_failure()
        if self.uses_db:
            self._state.needs_resync = True
        log.warning(
            "redis %s failed (%s) at %s; breaker %s",
            operation,
            type(exc).__name__,
            redact_url(self.settings.redis_url),
            self.breaker.state.value,
        )

    def _fallback(self, operation: str, call: Callable[[], T]) -> T:
        if not self.settings.db_session_fallback:
            raise SessionStoreUnavailable(
                operation,
                f"Redis at {redact_url(self.settings.redis_url)} is unreachable "
                "and DB_SESSION_FALLBACK is off",
            )
        self.metrics.incr(f"fallback_{operation}")
        if not self._state.fallback_announced:
            self._state.fallback_announced = True
            if self.audit is not None:
                self.audit.record("fallback", reason=f"redis unreachable during {operation}")
        try:
            result = call()
        except SQLAlchemyError as exc:
            self.metrics.incr("db_errors")
            raise SessionStoreUnavailable(
                operation, f"Redis and the database are both unreachable ({type(exc).__name__})"
            ) from None
        if operation != "get":
            self._state.mark_behind()
        return result

    def _sync_failed(self, operation: str, session_id: str | None, exc: BaseException) -> None:
        self.metrics.incr("db_sync_failures")
        if self.audit is not None and operation != "touch":
            self.metrics.incr("audit_failures")  # the event's audit row was not written either
        if session_id is not None and not self._backlog.add(session_id):
            self.metrics.incr("sync_backlog_dropped")
        log.warning("database sync of %s failed (%s); queued", operation, type(exc).__name__)

    # contract ---------------------------------------------------------------------------------
    def create_session(self, user_id: str, data: Mapping[str, Any]) -> str:
        check_user_id(user_id)
        codec.encode(data)  # reject non-JSON data before touching either tier
        if self._redis_ready():
            try:
                return self._create_in_redis(user_id, data)
            except REDIS_WRITE_FAILED as exc:
                self._redis_failed("create", exc)
        return self._fallback(
            "create",
            lambda: self.database.create_session(user_id, data, dirty=True, reason="fallback"),
        )

    def _create_in_redis(self, user_id: str, data: Mapping[str, Any]) -> str:
        for _ in range(_ID_ATTEMPTS):
            record = self.redis.create(user_id, data, _now_ms(), self.token_factory)
            if record is None:
                self.metrics.incr("id_collisions")
                continue
            self.breaker.record_success()
            session_id = record.session_id
            if not self.settings.db_session_sync:
                return session_id
            try:
                self.database.insert(record)
            except IntegrityError:
                # The id exists in the database only (made during an outage): undo, retry.
                self.metrics.incr("id_collisions")
                self.redis.discard(session_id, user_id)
                continue
            except SQLAlchemyError as exc:
                self._sync_failed("create", session_id, exc)
                return session_id
            if self.audit is not None:
                self.audit.record("create", session_id, user_id)
            return session_id
        raise SessionIdCollision("could not allocate a unique session id")

    def get_session(self, session_id: str) -> SessionRecord | None:
        if not self._valid(session_id):
            return None
        if self._redis_ready():
            now_ms = _now_ms()
            try:
                record, outcome = self.redis.read(session_id, now_ms)
            except REDIS_DOWN as exc:
                self._redis_failed("get", exc)
            except ResponseError:
                codec.security_log.warning("session in redis has the wrong type; treated as absent")
                self.metrics.incr("corrupt_payloads")
                return None
            else:
                self.breaker.record_success()
                if record is not None:
                    if outcome == HIT_SYNC_DUE:
                        self._sync_expiry(record, now_ms)
                    return record
                if outcome == TOMBSTONED or not self.uses_db:
                    return None
                return self._read_through(session_id, now_ms)
        return self._fallback("get", lambda: self.database.get_session(session_id))

    def _sync_expiry(self, record: SessionRecord, now_ms: int) -> None:
        """Throttled write-back of the sliding expiry (at most once per touch interval)."""
        try:
            self.database.save_expiry(record.session_id, record.expires_at)
        except SQLAlchemyError as exc:
            self._sync_failed("touch", None, exc)
            return
        try:
            self.redis.mark_synced(record.session_id, record.version, now_ms)
        except REDIS_DOWN as exc:
            self._redis_failed("touch", exc)
        except ResponseError:
            pass

    def _read_through(self, session_id: str, now_ms: int) -> SessionRecord | None:
        """A Redis miss: load from the database and refill Redis, tolerating refill errors.

        The refill carries the *remaining* lifetime: a cache miss grants no extra time.
        """
        try:
            record = self.database.get_session(session_id, slide=False)
        except SQLAlchemyError:
            self.metrics.incr("db_errors")
            return None
        if record is None:
            return None
        self.metrics.incr("refills")
        try:
            self.redis.refill(record, now_ms)
        except REDIS_DOWN as exc:
            self.metrics.incr("refill_failures")
            self._redis_failed("refill", exc)
        except ResponseError:
            self.metrics.incr("refill_failures")
        return record

    def update_session(
        self, session_id: str, data: Mapping[str, Any], *, expected_version: int | None = None
    ) -> bool:
        if not self._valid(session_id):
            return False
        payload = codec.encode(data)
        if self._redis_ready():
            try:
                _, record = self.redis.update(session_id, payload, expected_version, _now_ms())
                if record is None and self.uses_db and self._refilled(session_id):
                    _, record = self.redis.update(session_id, payload, expected_version, _now_ms())
            except REDIS_WRITE_FAILED as exc:
                self._redis_failed("update", exc)
            else:
                self.breaker.record_success()
                if record is None:
                    return False
                if self.settings.db_session_sync:
                    try:
                        self.database.save(record)
                    except SQLAlchemyError as exc:
                        self._sync_failed("update", session_id, exc)
                return True
        return self._fallback(
            "update",
            lambda: self.database.update_session(
                session_id, data, expected_version=expected_version, dirty=True
            ),
        )

    def _refilled(self, session_id: str) -> bool:
        """After a Redis miss on a write: bring a database-only session into Redis."""
        return self._read_through(session_id, _now_ms()) is not None

    def touch(self, session_id: str) -> bool:
        if not self._valid(session_id):
            return False
        if self._redis_ready():
            now_ms = _now_ms()
            try:
                touched = self.redis.touch(session_id, now_ms)
            except REDIS_WRITE_FAILED as exc:
                self._redis_failed("touch", exc)
            else:
                self.breaker.record_success()
                if touched is None:
                    return self.uses_db and self._refilled(session_id)
                ttl, sync_due = touched
                if sync_due:
                    try:
                        self.database.save_expiry(session_id, from_ms(now_ms + ttl))
                    except SQLAlchemyError as exc:
                        self._sync_failed("touch", None, exc)
                return True
        return self._fallback("touch", lambda: self.database.touch(session_id))

    def destroy_session(self, session_id: str) -> bool:
        if not self._valid(session_id):
            return False
        if self._redis_ready():
            try:
                existed = self.redis.destroy(session_id)
            except REDIS_WRITE_FAILED as exc:
                self._redis_failed("destroy", exc)
            else:
                self.breaker.record_success()
                if self.uses_db:
                    try:
                        existed = self.database.destroy_session(session_id) or existed
                    except SQLAlchemyError as exc:
                        # The Redis tombstone keeps the stale row from being read through.
                        self._sync_failed("destroy", session_id, exc)
                return existed
        return self._fallback(
            "destroy", lambda: self.database.destroy_session(session_id, dirty=True)
        )

    def destroy_user_sessions(self, user_id: str) -> int:
        check_user_id(user_id)
        if self._redis_ready():
            try:
                count = self.redis.revoke_user(user_id, user_tag(user_id))
            except REDIS_WRITE_FAILED as exc:
                self._redis_failed("revoke_all", exc)
            else:
                self.breaker.record_success()
                if self.uses_db:
                    try:
                        count = max(count, self.database.destroy_user_sessions(user_id))
                    except SQLAlchemyError as exc:
                        self._sync_failed("revoke_all", None, exc)
                return count
        return self._fallback(
            "revoke_all", lambda: self.database.destroy_user_sessions(user_id, dirty=True)
        )

    def rotate_session(self, session_id: str) -> str | None:
        if not self._valid(session_id):
            return None
        if self._redis_ready():
            try:
                record = self._rotate_in_redis(session_id)
                if record is None and self.uses_db and self._refilled(session_id):
                    record = self._rotate_in_redis(session_id)
            except REDIS_WRITE_FAILED as exc:
                self._redis_failed("rotate", exc)
            else:
                self.breaker.record_success()
                if record is None:
                    return None
                if self.settings.db_session_sync:
                    try:
                        self.database.replace(session_id, record)
                    except SQLAlchemyError as exc:
                        self._sync_failed("rotate", record.session_id, exc)
                        self._sync_failed("rotate", session_id, exc)
                return record.session_id
        return self._fallback(
            "rotate", lambda: self.database.rotate_session(session_id, dirty=True)
        )

    def _rotate_in_redis(self, session_id: str) -> SessionRecord | None:
        for _ in range(_ID_ATTEMPTS):
            result = self.redis.rotate(session_id, _now_ms(), self.token_factory)
            if result is False:
                self.metrics.incr("id_collisions")
                continue
            assert result is not True
            return result
        raise SessionIdCollision("could not allocate a unique session id")

    def cleanup_expired(self, batch_size: int = 1000) -> int:
        """Delete expired database rows in batches (Redis expires keys by itself)."""
        if not self.uses_db:
            return 0
        self.flush_sync_backlog()
        try:
            return self.database.cleanup_expired(batch_size)
        except SQLAlchemyError:
            self.metrics.incr("db_errors")
            return 0

    def health(self) -> dict[str, Any]:
        report: dict[str, Any] = {
            "redis_url": redact_url(self.settings.redis_url),
            "breaker": self.breaker.snapshot(),
            "needs_resync": self._state.needs_resync,
            "sync_backlog": len(self._backlog),
            "metrics": self.metrics.snapshot(),
        }
        if self.breaker.allow():
            try:
                self.redis.ping()
            except REDIS_DOWN as exc:
                self._redis_failed("ping", exc)
                report["redis"] = "down"
            else:
                self.breaker.record_success()
                report["redis"] = "ok"
        else:
            report["redis"] = "down"
        report["breaker"] = self.breaker.snapshot()
        report["database"] = self.database.health()["database"] if self.uses_db else "unused"
        return report

    # recovery ---------------------------------------------------------------------------------
    def resync(self) -> int:
        """Push database writes made during an outage into Redis now; return how many."""
        with self._state.lock:
            generation = self._state.generation
            count = self._resync()
            if self._state.generation == generation:
                self._state.needs_resync = False
        return count

    def _resync(self) -> int:
        count = push_outage_writes(self.database, self.redis)
        if count:
            self.metrics.incr("resynced", count)
        return count

    def flush_sync_backlog(self) -> int:
        """Replay database syncs that failed while Redis was up; return how many succeeded."""
        return self._backlog.replay(self.database, self.redis, _ANY_FAILURE)
