"""Recovery after an outage: push database-only writes to Redis, replay failed syncs.

``ResyncState`` is process-wide per (Redis URL, prefix, database): while ``needs_resync`` is
set, no Redis read is trusted. ``push_outage_writes`` applies user-wide revocations first,
then every dirty row (a tombstone purges the key; a live row is refilled, newer version
wins), and clears each row only if it was not rewritten meanwhile.
"""

from __future__ import annotations

import itertools
import threading

from reference_impl.ids import user_tag
from reference_impl.stores.database import DatabaseSessionStore, record_of
from reference_impl.stores.redis import RedisSessionTier
from reference_impl.timeutil import to_ms, utcnow

_BATCH = 500
_MAX_BATCHES = 100


class ResyncState:
    """Is Redis behind the database? Shared by every manager on the same tiers."""

    def __init__(self) -> None:
        self.needs_resync = True  # a restart may follow an outage: check once
        self.generation = 0  # bumped by every database-only write; resync must see it settle
        self._counter = itertools.count(1)
        self.retry_after = 0.0
        self.fallback_announced = False
        self.lock = threading.Lock()

    def mark_behind(self) -> None:
        """Record a database-only write: Redis must not be trusted before the next resync."""
        self.generation = next(self._counter)  # atomic, unlike ``+= 1`` across threads
        self.needs_resync = True


_states: dict[tuple[str, str, str], ResyncState] = {}
_states_lock = threading.Lock()


def state_for(key: tuple[str, str, str]) -> ResyncState:
    """The process-wide state for (Redis URL, key prefix, database URL)."""
    with _states_lock:
        return _states.setdefault(key, ResyncState())


def push_outage_writes(database: DatabaseSessionStore, redis: RedisSessionTier) -> int:
    """Make Redis reflect every write made in the database during an outage."""
    redis.ping()  # an empty resync must still prove Redis is back
    count = 0
    for revocation in database.dirty_revocations():
        redis.revoke_user(revocation.user_id, user_tag(revocation.user_id))
        database.mark_revocation_clean(revocation.id)
        count += 1
    for _ in range(_MAX_BATCHES):
        rows = database.dirty_rows(_BATCH)
        now = utcnow()
        for row in rows:
            dead = row.revoked_at is not None or row.expires_at <= now
            if dead:
                redis.destroy(row.session_id)
            else:
                record = record_of(row)
                if record is not None:
                    redis.refill(record, to_ms(now))
            database.mark_clean(row.session_id, row.version, drop=dead)
            count += 1
        if len(rows) < _BATCH:
            break
    return count


class SyncBacklog:
    """Bounded set of session ids whose database sync failed while Redis was up."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._ids: set[str] = set()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, session_id: str) -> bool:
        """Queue ``session_id``; ``False`` if the backlog is full (the sync is dropped)."""
        with self._lock:
            if len(self._ids) >= self._limit:
                return False
            self._ids.add(session_id)
            return True

    def replay(
        self,
        database: DatabaseSessionStore,
        redis: RedisSessionTier,
        failures: tuple[type[BaseException], ...],
    ) -> int:
        """Write Redis's current state of each queued session to the database."""
        with self._lock:
            pending, self._ids = self._ids, set()
        done = 0
        for session_id in pending:
            try:
                record = redis.peek(session_id)
                if record is None:
                    database.destroy_session(session_id, reason="sync backlog")
                else:
                    database.save(record)
                done += 1
            except failures:
                self.add(session_id)
        return done
