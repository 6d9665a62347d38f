"""Timezone-aware UTC time helpers and a portable "database clock now" SQL expression."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import DateTime

UTC = timezone.utc


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime (never naive ``utcnow()``)."""
    return datetime.now(UTC)


def to_ms(moment: datetime) -> int:
    """Return epoch milliseconds of an aware datetime."""
    return int(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    """Return the aware UTC datetime for epoch milliseconds."""
    return datetime.fromtimestamp(ms / 1000, UTC)


def seconds(value: float) -> timedelta:
    """Shorthand for ``timedelta(seconds=value)``."""
    return timedelta(seconds=value)


class db_now(FunctionElement[datetime]):
    """The database server's current UTC time, so expiry uses one clock for every process."""

    type = DateTime(timezone=True)
    inherit_cache = True


@compiles(db_now)
def _db_now_default(element: db_now, compiler: SQLCompiler, **kw: Any) -> str:
    return "CURRENT_TIMESTAMP"


@compiles(db_now, "postgresql")
def _db_now_pg(element: db_now, compiler: SQLCompiler, **kw: Any) -> str:
    return "now()"


@compiles(db_now, "mysql")
@compiles(db_now, "mariadb")
def _db_now_mysql(element: db_now, compiler: SQLCompiler, **kw: Any) -> str:
    return "UTC_TIMESTAMP(6)"


@compiles(db_now, "sqlite")
def _db_now_sqlite(element: db_now, compiler: SQLCompiler, **kw: Any) -> str:
    # Same text layout SQLAlchemy stores for DateTime on SQLite, so comparisons are sound.
    return "strftime('%Y-%m-%d %H:%M:%f000', 'now')"
