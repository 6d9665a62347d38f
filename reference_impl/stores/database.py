"""Database tier: the whole session contract on SQLAlchemy, plus the sync/resync primitives.

It is the legacy store (``UnifiedSessionManager``), the fallback while Redis is down, and
the backup the Redis manager syncs to. Rows written during an outage are ``dirty`` until
resync has pushed them to Redis. A logout never deletes a row: it leaves a ``revoked_at``
tombstone (until the session's absolute cap, then ``cleanup_expired`` removes it), so the
logout survives Redis coming back with the key and a late or replayed sync cannot insert
the session again. Syncs from Redis are guarded upserts (``UPDATE ... WHERE version < :v``,
else ``INSERT``): of two concurrent writes, the older never lands last.
Expiry is compared with the database clock (``db_now()``), so an expired row is never
served whatever the application servers' clocks say.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.sql.elements import ColumnElement

from reference_impl import codec
from reference_impl.audit import AuditEntry, AuditLog
from reference_impl.db_manager import DatabaseManager
from reference_impl.errors import SessionConflict, SessionIdCollision
from reference_impl.ids import TokenFactory, check_user_id, default_token, new_session_id
from reference_impl.models import UserRevocation, UserSession
from reference_impl.stores.base import SessionRecord, SessionStore
from reference_impl.timeutil import db_now, seconds, utcnow

_ID_ATTEMPTS = 5


def record_of(row: UserSession) -> SessionRecord | None:
    """Convert a row to a record; ``None`` (logged) if its payload is not JSON."""
    data = codec.decode(row.data, where="database")
    if data is None:
        return None
    return SessionRecord(
        session_id=row.session_id,
        user_id=row.user_id,
        data=data,
        version=row.version,
        created_at=row.created_at,
        expires_at=row.expires_at,
        max_expires_at=row.max_expires_at,
    )


def _keep_dirty(row: UserSession, dirty: bool) -> None:
    """Write ``dirty`` explicitly: a resync may have cleared it since the row was read, and
    an unchanged attribute would be left out of the ORM's UPDATE (a lost revocation)."""
    if dirty or row.dirty:
        row.dirty = True
        flag_modified(row, "dirty")


class DatabaseSessionStore(SessionStore):
    """Sessions in the ``user_sessions`` table (namespaced by the Redis key prefix)."""

    def __init__(
        self,
        db: DatabaseManager,
        *,
        namespace: str = "session:",
        timeout: int = 3600,
        max_lifetime: int = 86400,
        audit: AuditLog | None = None,
        token_factory: TokenFactory = default_token,
        touch_interval: float | None = None,
        max_bytes: int = codec.DEFAULT_MAX_BYTES,
        max_depth: int = codec.DEFAULT_MAX_DEPTH,
    ) -> None:
        self.db = db
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.namespace = namespace
        self.timeout = timeout
        self.max_lifetime = max_lifetime
        self.audit = audit
        self.token_factory = token_factory
        # Sliding expiry is written back at most this often: no database write per read.
        self.touch_interval = (
            touch_interval if touch_interval is not None else min(60.0, timeout / 10)
        )

    def __repr__(self) -> str:
        return f"DatabaseSessionStore({self.db!r}, namespace={self.namespace!r})"

    # helpers ----------------------------------------------------------------------------
    def _live(self, session_id: str) -> Any:
        return select(UserSession).where(
            UserSession.session_id == session_id,
            UserSession.namespace == self.namespace,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > db_now(),
        )

    def _audit(self, *entries: AuditEntry) -> None:
        if self.audit is not None:
            self.audit.record_many(entries)

    def _slid(self, now: datetime, cap: datetime) -> datetime:
        return min(now + seconds(self.timeout), cap)

    def encode(self, data: Mapping[str, Any]) -> str:
        """JSON of ``data`` within the payload limits (``PayloadTooLarge`` past them)."""
        return codec.encode(data, max_bytes=self.max_bytes, max_depth=self.max_depth)

    def _mine(self, session_id: str) -> ColumnElement[bool]:
        return and_(UserSession.session_id == session_id, UserSession.namespace == self.namespace)

    # contract -----------------------------------------------------------------------------
    def create_session(
        self, user_id: str, data: Mapping[str, Any], *, dirty: bool = False, reason: str = ""
    ) -> str:
        check_user_id(user_id)
        payload = self.encode(data)
        for _ in range(_ID_ATTEMPTS):
            session_id = new_session_id(user_id, self.token_factory)
            now = utcnow()
            cap = now + seconds(self.max_lifetime)
            row = UserSession(
                session_id=session_id,
                namespace=self.namespace,
                user_id=user_id,
                data=payload,
                created_at=now,
                updated_at=now,
                expires_at=self._slid(now, cap),
                max_expires_at=cap,
                version=1,
                dirty=dirty,
            )
            try:
                with self.db.session_scope() as session:
                    session.add(row)
            except IntegrityError:
                continue  # a colliding id: never overwrite someone else's row
            self._audit(AuditEntry("create", session_id, user_id, reason))
            return session_id
        raise SessionIdCollision("could not allocate a unique session id")

    def get_session(self, session_id: str, *, slide: bool = True) -> SessionRecord | None:
        """Return the live session; ``slide=False`` reads without refreshing the expiry."""
        if not self._valid(session_id):
            return None
        with self.db.session_scope() as session:
            row = session.scalars(self._live(session_id)).one_or_none()
            if row is None:
                return None
            slid = self._slid(utcnow(), row.max_expires_at)
            if slide and (slid - row.expires_at).total_seconds() >= self.touch_interval:
                row.expires_at = slid
            return record_of(row)

    def update_session(
        self,
        session_id: str,
        data: Mapping[str, Any],
        *,
        expected_version: int | None = None,
        dirty: bool = False,
    ) -> bool:
        if not self._valid(session_id):
            return False
        payload = self.encode(data)
        while True:
            with self.db.session_scope() as session:
                row = session.scalars(self._live(session_id)).one_or_none()
                if row is None:
                    return False
                if expected_version is not None and row.version != expected_version:
                    raise SessionConflict(expected_version, row.version)
                now = utcnow()
                result = session.execute(
                    update(UserSession)
                    .where(
                        UserSession.session_id == session_id,
                        UserSession.version == row.version,
                        UserSession.revoked_at.is_(None),
                    )
                    .values(
                        data=payload,
                        version=row.version + 1,
                        updated_at=now,
                        expires_at=self._slid(now, row.max_expires_at),
                        **({"dirty": True} if dirty else {}),
                    )
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount == 1:  # type: ignore[attr-defined]
                    return True
            if expected_version is not None:
                raise SessionConflict(expected_version, -1)

    def touch(self, session_id: str) -> bool:
        if not self._valid(session_id):
            return False
        with self.db.session_scope() as session:
            row = session.scalars(self._live(session_id)).one_or_none()
            if row is None:
                return False
            row.expires_at = self._slid(utcnow(), row.max_expires_at)
            return True

    def destroy_session(
        self,
        session_id: str,
        *,
        dirty: bool = False,
        reason: str = "logout",
        known: bool = False,
    ) -> bool:
        """Revoke the session, leaving a tombstone row; ``True`` if it was live here.

        ``known``: the session may live elsewhere (the caller saw it in Redis, or Redis holds
        sessions the database never saw), so a tombstone is written even without a row.
        Without a row and without ``known``, nothing is written or audited: a made-up id
        leaves no trace.
        """
        if not self._valid(session_id):
            return False
        now = utcnow()
        with self.db.session_scope() as session:
            row = session.get(UserSession, session_id)
            if row is not None and row.namespace != self.namespace:
                return False
            existed = row is not None and row.revoked_at is None and row.expires_at > now
            user_id = row.user_id if row is not None else None
            if row is not None:
                if row.revoked_at is None:
                    row.revoked_at, row.version = now, row.version + 1
                    row.data, row.expires_at = "{}", max(row.max_expires_at, now)
                    _keep_dirty(row, dirty)
            elif known:
                session.add(self._tombstone(session_id, now, dirty))
            else:
                return False
        if existed or row is None:
            self._audit(AuditEntry("revoke", session_id, user_id, reason))
        return existed

    def _tombstone(self, session_id: str, now: datetime, dirty: bool) -> UserSession:
        cap = now + seconds(self.max_lifetime)
        return UserSession(
            session_id=session_id,
            namespace=self.namespace,
            user_id="",
            data="{}",
            created_at=now,
            updated_at=now,
            expires_at=cap,
            max_expires_at=cap,
            version=1 << 30,  # above any version a late sync of this id could carry
            dirty=dirty,
            revoked_at=now,
        )

    def destroy_user_sessions(self, user_id: str, *, dirty: bool = False) -> int:
        check_user_id(user_id)
        now = utcnow()
        mine = and_(UserSession.namespace == self.namespace, UserSession.user_id == user_id)
        with self.db.session_scope() as session:
            live = session.scalars(
                select(UserSession.session_id).where(
                    mine, UserSession.revoked_at.is_(None), UserSession.expires_at > db_now()
                )
            ).all()
            if dirty:
                session.execute(
                    update(UserSession)
                    .where(mine, UserSession.revoked_at.is_(None))
                    .values(revoked_at=now, dirty=True, version=UserSession.version + 1)
                    .execution_options(synchronize_session=False)
                )
                session.add(
                    UserRevocation(
                        namespace=self.namespace, user_id=user_id, revoked_at=now, dirty=True
                    )
                )
            else:
                session.execute(
                    update(UserSession)
                    .where(mine, UserSession.revoked_at.is_(None))
                    .values(revoked_at=now, version=UserSession.version + 1, data="{}")
                    .execution_options(synchronize_session=False)
                )
        if live:
            self._audit(AuditEntry("revoke_all", None, user_id, f"{len(live)} session(s)"))
        return len(live)

    def rotate_session(self, session_id: str, *, dirty: bool = False) -> str | None:
        if not self._valid(session_id):
            return None
        for _ in range(_ID_ATTEMPTS):
            try:
                with self.db.session_scope() as session:
                    row = session.scalars(self._live(session_id)).one_or_none()
                    if row is None:
                        return None
                    new_id = new_session_id(row.user_id, self.token_factory)
                    now = utcnow()
                    session.add(
                        UserSession(
                            session_id=new_id,
                            namespace=self.namespace,
                            user_id=row.user_id,
                            data=row.data,
                            created_at=row.created_at,
                            updated_at=now,
                            expires_at=self._slid(now, row.max_expires_at),
                            max_expires_at=row.max_expires_at,
                            version=1,
                            dirty=dirty,
                        )
                    )
                    row.revoked_at, row.version, row.data = now, row.version + 1, "{}"
                    _keep_dirty(row, dirty)
                    user_id = row.user_id
            except IntegrityError:
                continue
            self._audit(AuditEntry("rotate", new_id, user_id, "rotation"))
            return new_id
        raise SessionIdCollision("could not allocate a unique session id")

    def cleanup_expired(self, batch_size: int = 1000) -> int:
        removed = 0
        # Dirty rows wait for resync (it must purge them from Redis first).
        dead = and_(
            UserSession.namespace == self.namespace,
            UserSession.expires_at <= db_now(),
            UserSession.dirty.is_(False),
        )
        while True:
            with self.db.session_scope() as session:
                batch = session.execute(
                    select(UserSession.session_id, UserSession.user_id, UserSession.revoked_at)
                    .where(dead)
                    .limit(batch_size)
                ).all()
                if not batch:
                    break
                session.execute(
                    delete(UserSession)
                    .where(UserSession.session_id.in_([b[0] for b in batch]), dead)
                    .execution_options(synchronize_session=False)
                )
            removed += len(batch)
            # A tombstone past its cap is housekeeping, not a session expiring.
            self._audit(
                *(AuditEntry("expire", b[0], b[1], "cleanup") for b in batch if b[2] is None)
            )
            if len(batch) < batch_size:
                break
        return removed

    def health(self) -> dict[str, Any]:
        try:
            with self.db.session_scope() as session:
                session.execute(text("SELECT 1"))
        except Exception as exc:
            return {"database": "down", "error": type(exc).__name__}
        return {"database": "ok", "pool_checked_out": self.db.checked_out()}

    # sync and resync primitives -------------------------------------------------------------
    def insert(self, record: SessionRecord, *, dirty: bool = False) -> None:
        """Insert a record created in Redis (raises ``IntegrityError`` on an id collision)."""
        with self.db.session_scope() as session:
            session.add(self._row(record, dirty))

    def save(self, record: SessionRecord) -> bool:
        """Write the Redis state of a session unless the database holds the same or newer.

        A guarded upsert: ``UPDATE ... WHERE version < :v AND revoked_at IS NULL``, else an
        ``INSERT`` that the primary key refuses if any row (newer, equal or a tombstone) is
        there. Returns whether this state landed.
        """
        payload = self.encode(record.data)
        with self.db.session_scope() as session:
            result = session.execute(
                update(UserSession)
                .where(
                    self._mine(record.session_id),
                    UserSession.version < record.version,
                    UserSession.revoked_at.is_(None),
                )
                .values(
                    data=payload,
                    version=record.version,
                    updated_at=utcnow(),
                    expires_at=record.expires_at,
                    dirty=False,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                return True
        try:
            with self.db.session_scope() as session:
                session.add(self._row(record, False, payload))
        except IntegrityError:
            return False
        return True

    def save_expiry(self, session_id: str, expires_at: datetime) -> None:
        """Write back a sliding expiry (throttled by the caller)."""
        with self.db.session_scope() as session:
            session.execute(
                update(UserSession)
                .where(
                    UserSession.session_id == session_id,
                    UserSession.namespace == self.namespace,
                    UserSession.expires_at < expires_at,
                )
                .values(expires_at=expires_at)
                .execution_options(synchronize_session=False)
            )

    def replace(self, old_session_id: str, record: SessionRecord) -> None:
        """Record a rotation made in Redis: insert the new row, delete the old one."""
        with self.db.session_scope() as session:
            session.execute(
                update(UserSession)
                .where(self._mine(old_session_id), UserSession.revoked_at.is_(None))
                .values(revoked_at=utcnow(), version=UserSession.version + 1, data="{}")
                .execution_options(synchronize_session=False)
            )
            session.add(self._row(record, False))
        self._audit(AuditEntry("rotate", record.session_id, record.user_id, "rotation"))

    def _row(self, record: SessionRecord, dirty: bool, payload: str | None = None) -> UserSession:
        now = utcnow()
        return UserSession(
            session_id=record.session_id,
            namespace=self.namespace,
            user_id=record.user_id,
            data=self.encode(record.data) if payload is None else payload,
            created_at=record.created_at,
            updated_at=now,
            expires_at=record.expires_at,
            max_expires_at=record.max_expires_at,
            version=record.version,
            dirty=dirty,
        )

    def dirty_rows(self, limit: int) -> list[UserSession]:
        """Rows written while Redis was unreachable, oldest first."""
        with self.db.session_scope() as session:
            rows = session.scalars(
                select(UserSession)
                .where(UserSession.namespace == self.namespace, UserSession.dirty.is_(True))
                .order_by(UserSession.updated_at)
                .limit(limit)
            ).all()
            session.expunge_all()
            return list(rows)

    def dirty_revocations(self) -> list[UserRevocation]:
        """User-wide revocations made while Redis was unreachable."""
        with self.db.session_scope() as session:
            rows = session.scalars(
                select(UserRevocation).where(
                    UserRevocation.namespace == self.namespace, UserRevocation.dirty.is_(True)
                )
            ).all()
            session.expunge_all()
            return list(rows)

    def mark_clean(self, pushed: list[tuple[str, int]]) -> None:
        """After resync: clear ``dirty`` on (id, version) rows not rewritten meanwhile."""
        if not pushed:
            return
        with self.db.session_scope() as session:
            for session_id, version in pushed:
                session.execute(
                    update(UserSession)
                    .values(dirty=False)
                    .where(UserSession.session_id == session_id, UserSession.version == version)
                    .execution_options(synchronize_session=False)
                )

    def mark_revocation_clean(self, revocation_id: int) -> None:
        """After resync: a user-wide revocation has been applied to Redis."""
        with self.db.session_scope() as session:
            session.execute(
                update(UserRevocation)
                .where(UserRevocation.id == revocation_id)
                .values(dirty=False)
                .execution_options(synchronize_session=False)
            )

    def has_row(self, session_id: str) -> bool:
        """Whether any row (live, expired or a tombstone) holds ``session_id``."""
        with self.db.session_scope() as session:
            return session.get(UserSession, session_id) is not None

    def quarantine(self, session_id: str) -> None:
        """Set aside a row whose payload will not decode: never served, never resynced."""
        with self.db.session_scope() as session:
            session.execute(
                update(UserSession)
                .where(self._mine(session_id))
                .values(quarantined_at=utcnow(), dirty=False)
                .execution_options(synchronize_session=False)
            )

    def rows_for(self, session_ids: list[str]) -> dict[str, UserSession]:
        """The rows of ``session_ids`` (tombstones included), for reconciling Redis."""
        if not session_ids:
            return {}
        with self.db.session_scope() as session:
            rows = session.scalars(
                select(UserSession).where(
                    UserSession.namespace == self.namespace,
                    UserSession.session_id.in_(session_ids),
                )
            ).all()
            session.expunge_all()
            return {row.session_id: row for row in rows}
