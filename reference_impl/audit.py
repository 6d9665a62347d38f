"""Append-only audit log of session events; a failed audit write is counted, never raised."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from reference_impl.db_manager import DatabaseManager
from reference_impl.ids import sid_hash
from reference_impl.metrics import Metrics
from reference_impl.models import SessionAuditEvent
from reference_impl.timeutil import utcnow

log = logging.getLogger("reference_impl.audit")


@dataclass(frozen=True)
class AuditEntry:
    """One event to record: the raw session id is hashed before it is stored."""

    event: str
    session_id: str | None = None
    user_id: str | None = None
    reason: str = ""


class AuditLog:
    """Writes ``SessionAuditEvent`` rows in their own short transaction."""

    def __init__(self, db: DatabaseManager, namespace: str, metrics: Metrics) -> None:
        self._db = db
        self._namespace = namespace
        self._metrics = metrics

    def record(
        self,
        event: str,
        session_id: str | None = None,
        user_id: str | None = None,
        reason: str = "",
    ) -> bool:
        """Record one event; return whether it was written."""
        return self.record_many([AuditEntry(event, session_id, user_id, reason)])

    def record_many(self, entries: Iterable[AuditEntry]) -> bool:
        """Record events in one transaction; return whether they were written."""
        now = utcnow()
        rows = [
            SessionAuditEvent(
                at=now,
                namespace=self._namespace,
                event=e.event,
                sid_hash=sid_hash(e.session_id) if e.session_id else None,
                user_id=e.user_id,
                reason=e.reason[:255],
            )
            for e in entries
        ]
        if not rows:
            return True
        session = self._db.get_session()
        try:
            session.add_all(rows)
            session.commit()
        except SQLAlchemyError as exc:
            self._metrics.incr("audit_failures", len(rows))
            log.warning(
                "audit write failed (%s); %d event(s) dropped", type(exc).__name__, len(rows)
            )
            return False
        finally:
            self._db.close_session(session)
        return True
