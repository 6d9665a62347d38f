"""Bringing Redis back in line with the database, in bounded steps.

``ResyncState`` is process-wide per (Redis URL, prefix, database). While ``needs_resync`` is
set no Redis read is trusted. It is set by any Redis failure, by any database-only write,
and by the connection hook when a new connection finds a server whose ``run_id`` is not the
one recorded as reconciled (a restart from a snapshot or AOF, a promoted replica, a failover
that lost writes, an empty restart): then ``rewound`` is set as well and every key in Redis
is suspect.

``resync_step`` does a bounded amount of work per call, in phases:

1. replay the durable outbox into the database (its writes are acknowledged: they must be
   in the database before the database is used to judge Redis);
2. if ``rewound``: ``SCAN`` this prefix's session keys and compare each version with its
   database row: a revoked row purges the key (and leaves a tombstone), a newer row
   overwrites it, an undecodable newer row deletes it (and is quarantined). Keys the
   database does not know are kept: with tombstones kept until the cap, a session that
   was ever destroyed always has a row;
3. push database-only writes (user-wide revocations, then dirty rows);
4. record the compared server's ``run_id`` as reconciled and clear ``needs_resync``, but
   only if no database-only write started and no new server was met since phase 3 last
   found nothing to do (a restart first noticed there is scanned before it is trusted).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from reference_impl.db_manager import DB_DOWN
from reference_impl.ids import user_tag
from reference_impl.outbox import DELETE, PUT, REVOKE_USER, Entry, Outbox
from reference_impl.stores.database import DatabaseSessionStore, record_of
from reference_impl.stores.redis import RedisSessionTier
from reference_impl.timeutil import to_ms, utcnow

OUTBOX, SCAN, DIRTY = "outbox", "scan", "dirty"


class ResyncState:
    """Is Redis behind the database? Shared by every manager on the same tiers."""

    def __init__(self) -> None:
        self.needs_resync = True  # a restart may follow an outage: check once
        self.rewound = False  # Redis itself may hold old data: every key is suspect
        self.phase = OUTBOX
        self.cursor = 0
        self.generation = 0  # bumped by every database-only write
        self.inflight = 0  # database-only writes in progress
        self.suspect_run_id = ""  # run_id of the server being reconciled after a rewind
        self.retry_after = 0.0
        self.fallback_announced = False
        self.lock = threading.Lock()  # one resync step at a time
        # Guards generation/inflight/needs_resync together: a resync may only clear the flag
        # if no database-only write started or ended since it last looked.
        self._guard = threading.Lock()

    def mark_behind(self) -> None:
        """A database-only write happened: Redis must not be trusted before a resync."""
        with self._guard:
            self.generation += 1
            self.needs_resync = True

    def mark_rewound(self) -> None:
        """Redis may have lost or rewound data: reconcile every key from the start."""
        with self._guard:
            self.rewound = True
            self.phase = OUTBOX
            self.cursor = 0
            self.generation += 1
            self.needs_resync = True

    def settle(self, generation: int) -> bool:
        """Clear ``needs_resync`` if nothing changed since ``generation`` was read."""
        with self._guard:
            if self.inflight or self.generation != generation:
                return False
            self.needs_resync = False
            self.rewound = False
            self.phase = OUTBOX
            return True

    @contextmanager
    def database_write(self) -> Iterator[None]:
        """Bracket a database-only write so a resync cannot finish in the middle of it."""
        with self._guard:
            self.generation += 1
            self.inflight += 1
            self.needs_resync = True
        try:
            yield
        finally:
            with self._guard:
                self.inflight -= 1
                self.generation += 1
                self.needs_resync = True


_states: dict[tuple[str, str, str], ResyncState] = {}
_states_lock = threading.Lock()


def state_for(key: tuple[str, str, str]) -> ResyncState:
    """The process-wide state for (Redis URL, key prefix, database URL)."""
    with _states_lock:
        return _states.setdefault(key, ResyncState())


def apply_entry(database: DatabaseSessionStore, entry: Entry) -> None:
    """Write one outbox entry to the database (version-guarded: never lands an older state)."""
    if entry.kind == PUT:
        database.save(entry.record())
    elif entry.kind == DELETE:
        # Entries replay in order: a session Redis created has its row (queued before) by now.
        database.destroy_session(entry.key, reason="sync backlog")
    elif entry.kind == REVOKE_USER:
        database.destroy_user_sessions(entry.key)


class Resync:
    """The phases above, over one Redis tier, one database store and one outbox."""

    def __init__(
        self,
        state: ResyncState,
        database: DatabaseSessionStore,
        redis: RedisSessionTier,
        outbox: Outbox,
        on_data_error: Callable[[Entry, Exception], None],
    ) -> None:
        self.state = state
        self.database = database
        self.redis = redis
        self.outbox = outbox
        self.on_data_error = on_data_error
        self.quarantined = 0

    def replay_outbox(self, limit: int, session_id: str | None = None) -> int:
        """Replay up to ``limit`` outbox entries; database outages propagate."""
        done = 0
        for entry in self.outbox.head(limit, session_id):
            try:
                apply_entry(self.database, entry)
            except DB_DOWN:
                raise
            except Exception as exc:  # refused as data: never block the rest
                self.on_data_error(entry, exc)
            self.outbox.done(entry)
            done += 1
        return done

    def step(self, budget: int, deadline: float) -> tuple[bool, int]:
        """Do at most ``budget`` items of work (stopping at ``deadline``); (finished, items)."""
        state = self.state
        work = 0
        redis_ok = False
        # Phases with nothing to do cost no budget: an empty resync always ends in one call.
        while work < budget and (work == 0 or time.monotonic() < deadline):
            if state.phase == OUTBOX:
                done = self.replay_outbox(budget - work)
                work += done
                if done == 0:
                    state.phase = SCAN if state.rewound else DIRTY
                    state.cursor = 0
            elif state.phase == SCAN:
                cursor, found = self.redis.scan_sessions(state.cursor, max(budget, 1000))
                redis_ok = True
                if state.phase != SCAN:  # the hook found another server meanwhile: start over
                    work += 1
                    continue
                state.cursor = cursor
                self._reconcile(found)
                work += len(found) + 1
                if state.cursor == 0:
                    state.phase = DIRTY
            else:
                generation = state.generation
                done = self._push_dirty(budget - work, deadline)
                work += done
                if done == 0:
                    if not redis_ok:
                        self.redis.ping()  # an empty resync must still prove Redis is back
                    if state.generation != generation:
                        # A write landed, or the ping's new connection met a restarted
                        # server whose keys are not compared yet: never record it as
                        # reconciled now (other processes would trust it), look again.
                        work += 1
                        continue
                    if state.rewound:
                        # Record the server we compared (not whichever answers now: if it
                        # was replaced meanwhile, the hook bumped the generation and the
                        # name recorded does not match the new one).
                        self.redis.mark_trusted(state.suspect_run_id)
                    if state.settle(generation):
                        state.fallback_announced = False
                        return True, work
                    work += 1  # writes landed meanwhile: look again
        return False, work

    def _reconcile(self, found: list[tuple[str, int]]) -> None:
        rows = self.database.rows_for([sid for sid, _ in found])
        now = utcnow()
        for session_id, version in found:
            row = rows.get(session_id)
            if row is None or row.quarantined_at is not None:
                continue  # never in the database (sync off, or its insert is still queued)
            if row.revoked_at is not None:
                self.redis.destroy(session_id, known=True)
            elif row.version > version:
                record = record_of(row)
                if record is None:
                    self.database.quarantine(session_id)
                    self.quarantined += 1
                    self.redis.destroy(session_id, known=True)
                elif row.expires_at > now:
                    self.redis.refill(record, to_ms(now))
                else:
                    self.redis.destroy(session_id, known=True)

    def _push_dirty(self, limit: int, deadline: float) -> int:
        count = 0
        for revocation in self.database.dirty_revocations()[:limit]:
            self.redis.revoke_user(revocation.user_id, user_tag(revocation.user_id))
            self.database.mark_revocation_clean(revocation.id)
            count += 1
        if count >= limit:
            return count
        rows = self.database.dirty_rows(limit - count)
        now = utcnow()
        pushed: list[tuple[str, int]] = []
        try:
            for row in rows:
                if time.monotonic() >= deadline and pushed:
                    break
                if row.revoked_at is not None or row.expires_at <= now:
                    self.redis.destroy(row.session_id, known=True)
                else:
                    record = record_of(row)
                    if record is None:
                        self.database.quarantine(row.session_id)
                        self.quarantined += 1
                        self.redis.destroy(row.session_id, known=True)
                        count += 1
                        continue
                    self.redis.refill(record, to_ms(now))
                pushed.append((row.session_id, row.version))
        finally:
            self.database.mark_clean(pushed)  # one transaction for the whole batch
        return count + len(pushed)
