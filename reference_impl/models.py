"""SQLAlchemy 2.x typed ORM models: sessions, user-wide revocations and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import DateTime, TypeDecorator

from reference_impl.timeutil import UTC


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware UTC datetimes everywhere; hand back aware UTC datetimes everywhere.

    PostgreSQL keeps the zone (``timestamptz``); MySQL/MariaDB and SQLite store naive UTC
    with microseconds. Naive input is a bug (Flask-Session #67/#151) and is rejected.
    """

    impl = DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of the reference implementation's tables."""


class UserSession(Base):
    """One session row: the database tier, backup/audit copy and outage store of record.

    ``dirty`` marks a row written while Redis was unreachable; resync pushes it to Redis
    and clears it. ``revoked_at`` makes the row a tombstone of a logout (kept until the
    session's absolute cap, so a late sync can never re-insert it); ``quarantined_at``
    marks a payload that would not decode, set aside instead of aborting a resync.
    """

    __tablename__ = "user_sessions"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    namespace: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(255))
    # JSON text, decoded only by codec.decode; MySQL/MariaDB TEXT stops at 64 KiB.
    data: Mapped[str] = mapped_column(Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    max_expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    dirty: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    quarantined_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_user_sessions_user", "namespace", "user_id"),
        Index("ix_user_sessions_expires", "namespace", "expires_at"),
        Index("ix_user_sessions_dirty", "namespace", "dirty"),
    )


class UserRevocation(Base):
    """A "log out everywhere" made while Redis was down, replayed into Redis on resync."""

    __tablename__ = "user_session_revocations"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    namespace: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(255))
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    dirty: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (Index("ix_user_session_revocations_dirty", "namespace", "dirty"),)


class SessionAuditEvent(Base):
    """Append-only audit record; holds a hash of the session id, never the id itself."""

    __tablename__ = "session_audit_events"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    namespace: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(32))
    sid_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    reason: Mapped[str] = mapped_column(String(255))

    __table_args__ = (Index("ix_session_audit_events_at", "at"),)
