"""``RedisSessionManager``: Redis-primary session store with database sync and fallback.

Store of record
    Redis, while it is reachable and trusted. With ``DB_SESSION_SYNC`` every create,
    update, rotate and revoke is also written to the database (backup and audit) with
    version-guarded writes, so of two concurrent writes the older never lands last;
    sliding-expiry refreshes are written back at most once per ``touch_interval``. While
    Redis is unreachable or untrusted and ``DB_SESSION_FALLBACK`` is on, the database is
    the store of record: reads and writes go there, rows are marked ``dirty`` and logouts
    leave tombstone rows.

No stale, resurrected or lost session (the guarantee)
    * Redis is distrusted after any Redis failure, after any database-only write, and when
      a new connection finds a server whose ``run_id`` differs from the one recorded (under
      ``<prefix>trusted-run-id``) when its data was last reconciled: a restart from an RDB
      or AOF snapshot, a promoted replica, an empty restart. Every restart or failover drops
      every connection, so the check costs nothing on the hot path; a reply that arrives on
      a connection the check just condemned is discarded.
    * While distrusted, reads and writes are database-authoritative, and ``resync`` runs in
      bounded steps (``SESSION_RESYNC_BATCH`` items and 50 ms per call, never more): queued
      database writes first, then, after a restart, every session key is compared with its
      row (revoked: purged; newer row: overwritten), then outage writes are pushed.
    * A write Redis acknowledged but the database did not take goes to a durable outbox
      (``SESSION_OUTBOX_PATH``) holding the acknowledged state itself, replayed
      automatically (in bounded batches) as soon as the database answers again, and before
      the database is used to judge Redis. Absence from Redis is never read as a logout.
    * Limits of the guarantee: with both tiers impaired at once (the database unreachable
      while Redis comes back rewound), Redis is served as it is, overlaid with this
      process's outbox, until the database answers. With ``DB_SESSION_SYNC`` off there is
      no copy to compare a rewound Redis with. Redis Cluster has no connection hook:
      resync there follows connection errors only.

Failures
    Redis errors are logged and counted, never raised to the caller when fallback is on;
    with fallback off they raise ``SessionStoreUnavailable`` (never an empty session). The
    database has connect and statement timeouts per dialect and its own breaker
    (``DB_BREAKER_*``), so a hung database delays a call by a bounded time and then not at
    all. A payload over ``SESSION_MAX_DEPTH``/``SESSION_MAX_BYTES`` is refused with
    ``PayloadTooLarge`` (a ``ValueError``); a payload the database refuses is reported as
    ``SessionDataRejected``, not as an outage.

DB_SESSION_SYNC off
    The database holds only what was written during an outage. Sessions created while Redis
    was up are invisible during an outage (their users log in again); nothing written during
    an outage is lost, and logouts made during it still win after recovery.
"""

from __future__ import annotations

import logging
import sqlite3
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
from reference_impl.db_manager import DB_DOWN, DatabaseManager
from reference_impl.errors import SessionDataRejected, SessionIdCollision, SessionStoreUnavailable
from reference_impl.ids import TokenFactory, check_user_id, default_token, user_tag
from reference_impl.metrics import Metrics
from reference_impl.outbox import DELETE, PUT, Entry, Outbox
from reference_impl.redis_client import RedisClient, build_client, redact_url
from reference_impl.resync import Resync, state_for
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
_ID_ATTEMPTS = 5
_STEP_SECONDS = 0.05  # wall-clock budget of resync or outbox replay inside one call
_REPLAY_PAUSE = 0.05  # between automatic outbox replays while the database stays down


def _now_ms() -> int:
    return int(time.time() * 1000)


def _run_id_of(info: Any) -> str:
    text = info.decode("utf-8", "replace") if isinstance(info, bytes) else str(info)
    for line in text.splitlines():
        if line.startswith("run_id:"):
            return line[7:].strip()
    return ""


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
        self.db = db or DatabaseManager(
            s.database_url,
            connect_timeout=s.db_connect_timeout,
            statement_timeout=s.db_statement_timeout,
            breaker_threshold=s.db_breaker_threshold,
            breaker_reset=s.db_breaker_reset,
        )
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
            max_bytes=s.session_max_bytes,
            max_depth=s.session_max_depth,
        )
        self._state = state_for((s.redis_url, s.redis_session_prefix, self.db.url))
        if not self.uses_db:
            self._state.needs_resync = False
        hook = self._on_redis_connect if self.uses_db else None
        client = redis_client or build_client(s.redis_url, s.redis_socket_timeout, hook)
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
        self.outbox = Outbox(s.session_outbox_path, s.redis_session_prefix)
        self._resync_job = Resync(
            self._state, self.database, self.redis, self.outbox, self._entry_refused
        )
        self._replay_at = 0.0

    def __repr__(self) -> str:
        return (
            f"RedisSessionManager(redis={redact_url(self.settings.redis_url)!r}, "
            f"prefix={self.settings.redis_session_prefix!r}, db={self.db!r})"
        )

    # restart detection --------------------------------------------------------------------------
    def _on_redis_connect(self, connection: Any) -> None:
        """Runs on every new Redis connection: is this the server we reconciled last?"""
        connection.send_command("INFO", "server")
        run_id = _run_id_of(connection.read_response())
        connection.send_command("GET", self.redis.trusted_key)
        trusted = connection.read_response()
        if trusted is not None and trusted.decode("utf-8", "replace") == run_id:
            return
        state = self._state
        if state.suspect_run_id != run_id:
            state.suspect_run_id = run_id
            state.mark_rewound()
            self.metrics.incr("redis_rewinds")
            log.warning(
                "redis at %s is a new or restarted server (run_id %s): distrusted until "
                "reconciled with the database",
                redact_url(self.settings.redis_url),
                run_id[:8],
            )

    # tier selection -------------------------------------------------------------------------
    def _redis_ready(self) -> bool:
        if self.outbox.count and time.monotonic() >= self._replay_at:
            self._replay_backlog()
        if not self.breaker.allow():
            self.metrics.incr("breaker_short_circuits")
            return False
        if self._state.needs_resync:
            return self._try_resync()
        return True

    def _as_is(self) -> bool:
        """Serve an untrusted Redis anyway? Only when the database cannot judge it."""
        return not self.settings.db_session_fallback or time.monotonic() < self._state.retry_after

    def _try_resync(self) -> bool:
        state = self._state
        if self._as_is():
            return True
        if not state.lock.acquire(blocking=False):
            return False  # another thread is resyncing: stay database-authoritative meanwhile
        try:
            if not state.needs_resync:
                return True
            try:
                done, work = self._resync_job.step(
                    self.settings.session_resync_batch, time.monotonic() + _STEP_SECONDS
                )
            except REDIS_WRITE_FAILED as exc:
                self._redis_failed("resync", exc)
                return False
            except SQLAlchemyError:
                state.retry_after = time.monotonic() + self.db.breaker.reset_timeout
                self.metrics.incr("resync_db_failures")
                return True
            self.breaker.record_success()
            self.metrics.incr("resync_steps")
            if work:
                self.metrics.incr("resynced", work)
            if done and self.audit is not None:
                self.audit.record("resync", reason="redis reconciled with the database")
            return done
        finally:
            state.lock.release()

    def _replay_backlog(self) -> None:
        """Bounded replay of the outbox into the database, from any call, off the hot path."""
        self._replay_at = time.monotonic() + _REPLAY_PAUSE
        if not self._state.lock.acquire(blocking=False):
            return
        try:
            deadline = time.monotonic() + _STEP_SECONDS
            while self.outbox.count and time.monotonic() < deadline:
                if not self._resync_job.replay_outbox(self.settings.session_resync_batch):
                    break
        except SQLAlchemyError:
            self.metrics.incr("sync_backlog_retries")
        finally:
            self._state.lock.release()

    def _entry_refused(self, entry: Entry, exc: Exception) -> None:
        self.metrics.incr("sync_backlog_refused")
        log.error("queued %s of a session refused by the database (%s); dropped", entry.kind, exc)

    def _redis_failed(self, operation: str, exc: BaseException) -> None:
        self.metrics.incr("redis_errors")
        self.breaker.record_failure()
        if self.uses_db:
            self._state.mark_behind()
        log.warning(
            "redis %s failed (%s) at %s; breaker %s",
            operation,
            type(exc).__name__,
            redact_url(self.settings.redis_url),
            self.breaker.state.value,
        )

    def _condemned(self) -> bool:
        """Did Redis become untrusted during the call just made (a reconnect to a new server)?"""
        return self._state.needs_resync and not self._as_is()

    def _fallback(self, operation: str, call: Callable[[], T], session_id: str | None = None) -> T:
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
            if session_id is not None and self.outbox.latest(session_id) is not None:
                # Its acknowledged writes go first, or this one would build on an older state.
                try:
                    self._resync_job.replay_outbox(1000, session_id)
                except DB_DOWN:
                    if operation != "get":
                        raise
            if operation == "get":
                return call()
            with self._state.database_write():
                return call()
        except SQLAlchemyError as exc:
            if not isinstance(exc, DB_DOWN):
                raise SessionDataRejected(operation, type(exc).__name__) from None
            self.metrics.incr("db_errors")
            raise SessionStoreUnavailable(
                operation, f"Redis and the database are both unreachable ({type(exc).__name__})"
            ) from None

    def _sync_failed(
        self,
        operation: str,
        exc: BaseException,
        *,
        put: SessionRecord | None = None,
        delete: str | None = None,
        revoke_user: str | None = None,
    ) -> None:
        if not isinstance(exc, DB_DOWN):
            # Refused as data: it would be refused again; the Redis copy stands alone.
            self.metrics.incr("db_data_errors")
            log.error("database refused the %s sync as data (%s)", operation, type(exc).__name__)
            return
        self.metrics.incr("db_sync_failures")
        if self.audit is not None and operation != "touch":
            self.metrics.incr("audit_failures")  # the event's audit row was not written either
        try:
            if delete is not None:
                self.outbox.delete(delete)
            if put is not None:
                self.outbox.put(put)
            if revoke_user is not None:
                self.outbox.revoke_user(revoke_user)
        except (sqlite3.Error, OSError) as err:
            self.metrics.incr("sync_backlog_dropped")
            log.error("could not queue the %s sync (%s): dropped", operation, err)
            return
        self._replay_at = time.monotonic() + _REPLAY_PAUSE
        log.warning("database sync of %s failed (%s); queued", operation, type(exc).__name__)

    def _overlay(self, session_id: str, record: SessionRecord | None) -> SessionRecord | None:
        """Redis served while untrusted and the database is down: newer queued writes win."""
        entry = self.outbox.latest(session_id)
        if entry is None:
            return record
        if entry.kind == DELETE:
            return None
        if entry.kind == PUT and (record is None or entry.version > record.version):
            return entry.record()
        return record

    # contract ---------------------------------------------------------------------------------
    def create_session(self, user_id: str, data: Mapping[str, Any]) -> str:
        check_user_id(user_id)
        self.database.encode(data)  # reject non-JSON or oversize data before either tier
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
            except IntegrityError as exc:
                if not self.database.has_row(session_id):
                    self._sync_failed("create", exc)  # a constraint refused the data itself
                    return session_id
                # The id exists in the database only (made during an outage): undo, retry.
                self.metrics.incr("id_collisions")
                self.redis.discard(session_id, user_id)
                continue
            except SQLAlchemyError as exc:
                self._sync_failed("create", exc, put=record)
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
                if self._state.needs_resync:
                    if not self._as_is():
                        try:
                            return self._fallback(
                                "get", lambda: self._db_read(session_id), session_id
                            )
                        except SessionStoreUnavailable:
                            # Database down too: Redis is all there is (see the guarantee).
                            self._state.retry_after = (
                                time.monotonic() + self.db.breaker.reset_timeout
                            )
                    if self.outbox.count:
                        return self._overlay(session_id, record)
                if record is not None:
                    if outcome == HIT_SYNC_DUE:
                        self._sync_expiry(record, now_ms)
                    return record
                if outcome == TOMBSTONED or not self.uses_db:
                    return None
                return self._read_through(session_id, now_ms)
        return self._fallback("get", lambda: self._db_read(session_id), session_id)

    def _db_read(self, session_id: str) -> SessionRecord | None:
        """A database-authoritative read; acknowledged writes still queued win."""
        try:
            record = self.database.get_session(session_id)
        except DB_DOWN:
            if self.outbox.latest(session_id) is None:
                raise
            record = None
        return self._overlay(session_id, record) if self.outbox.count else record

    def _sync_expiry(self, record: SessionRecord, now_ms: int) -> None:
        """Throttled write-back of the sliding expiry (at most once per touch interval)."""
        try:
            self.database.save_expiry(record.session_id, record.expires_at)
        except SQLAlchemyError:
            self.metrics.incr("db_sync_failures")
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
        payload = self.database.encode(data)
        if self._redis_ready():
            try:
                _, record = self.redis.update(session_id, payload, expected_version, _now_ms())
                if record is None and self.uses_db and self._refilled(session_id):
                    _, record = self.redis.update(session_id, payload, expected_version, _now_ms())
            except REDIS_WRITE_FAILED as exc:
                self._redis_failed("update", exc)
            else:
                self.breaker.record_success()
                if not self._condemned():
                    if record is None:
                        return False
                    if self.settings.db_session_sync:
                        try:
                            self.database.save(record)
                        except SQLAlchemyError as exc:
                            self._sync_failed("update", exc, put=record)
                    return True
                # Applied to a server that just turned out rewound: redo it where it counts.
        return self._fallback(
            "update",
            lambda: self.database.update_session(
                session_id, data, expected_version=expected_version, dirty=True
            ),
            session_id,
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
                if not self._condemned():
                    if touched is None:
                        return self.uses_db and self._refilled(session_id)
                    ttl, sync_due = touched
                    if sync_due:
                        try:
                            self.database.save_expiry(session_id, from_ms(now_ms + ttl))
                        except SQLAlchemyError:
                            self.metrics.incr("db_sync_failures")
                    return True
        return self._fallback("touch", lambda: self.database.touch(session_id), session_id)

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
                if self._condemned():
                    existed = False  # a rewound server's answer means nothing
                if not self.uses_db:
                    return existed
                try:
                    in_db = self.database.destroy_session(session_id, known=existed)
                except SQLAlchemyError as exc:
                    # Queued even if Redis had no key: the session may live in the database
                    # only. The replay writes a tombstone only over a row that exists.
                    self._sync_failed("destroy", exc, delete=session_id)
                    return existed or self._overlay(session_id, None) is not None
                if in_db and not existed:
                    self._purge(session_id)  # a concurrent read-through may have refilled it
                return existed or in_db
        # With sync off, Redis holds sessions the database never saw: tombstone any id.
        blind = not self.settings.db_session_sync
        return self._fallback(
            "destroy",
            lambda: self.database.destroy_session(session_id, dirty=True, known=blind),
            session_id,
        )

    def _purge(self, session_id: str) -> None:
        try:
            self.redis.destroy(session_id, known=True)
        except REDIS_WRITE_FAILED as exc:
            self._redis_failed("destroy", exc)

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
                        self._sync_failed("revoke_all", exc, revoke_user=user_id)
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
                        self._sync_failed("rotate", exc, put=record, delete=session_id)
                return record.session_id
        return self._fallback(
            "rotate", lambda: self.database.rotate_session(session_id, dirty=True), session_id
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
        try:
            self.flush_sync_backlog()
            return self.database.cleanup_expired(batch_size)
        except SQLAlchemyError:
            self.metrics.incr("db_errors")
            return 0

    def health(self) -> dict[str, Any]:
        report: dict[str, Any] = {
            "redis_url": redact_url(self.settings.redis_url),
            "breaker": self.breaker.snapshot(),
            "database_breaker": self.db.breaker.snapshot(),
            "needs_resync": self._state.needs_resync,
            "redis_rewound": self._state.rewound,
            "sync_backlog": len(self.outbox),
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
    def resync(self, timeout: float = 60.0) -> int:
        """Reconcile Redis with the database now (for a job); return the items handled.

        Raises what the tiers raise; returns early (``needs_resync`` still set) after
        ``timeout`` seconds.
        """
        total = 0
        deadline = time.monotonic() + timeout
        with self._state.lock:
            while self._state.needs_resync and time.monotonic() < deadline:
                done, work = self._resync_job.step(
                    self.settings.session_resync_batch, time.monotonic() + 1.0
                )
                total += work
                if done:
                    break
        if total:
            self.metrics.incr("resynced", total)
        return total

    def flush_sync_backlog(self) -> int:
        """Replay the whole outbox into the database now; return how many entries."""
        total = 0
        with self._state.lock:
            while self.outbox.count:
                done = self._resync_job.replay_outbox(self.settings.session_resync_batch)
                if not done:
                    break
                total += done
        return total
