"""Database access: ``db_manager.get_session()`` / ``close_session()`` and ``session_scope()``.

The engine is created lazily, on first use, from ``DATABASE_URL`` (default: a local SQLite
file), so importing the package never opens a connection. Every wait is bounded: connect
and pool checkout by ``connect_timeout``, each statement by ``statement_timeout`` (see
``db_timeouts``). ``session_scope()`` goes through a circuit breaker: after
``breaker_threshold`` consecutive outages (not data errors) it fails at once with
``DatabaseUnavailable`` until a probe ``breaker_reset`` seconds later succeeds. On SQLite,
this process's write transactions queue for the file's write lock in arrival order
(``sqlite_writes``) instead of racing for it until the busy timeout.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import (
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from reference_impl import db_timeouts, sqlite_writes
from reference_impl.breaker import CircuitBreaker
from reference_impl.models import Base
from reference_impl.redis_client import redact_url

#: Errors meaning "the database did not answer", as opposed to "it refused this data".
DB_OUTAGE: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    PoolTimeoutError,
    DisconnectionError,
)


class DatabaseUnavailable(SQLAlchemyError):
    """The database breaker is open: the call was not even tried."""


#: Errors meaning "the database did not take this now; it may later".
DB_DOWN: tuple[type[BaseException], ...] = (*DB_OUTAGE, DatabaseUnavailable)


class DatabaseManager:
    """Owns one engine and session factory; hands out and reliably releases ORM sessions."""

    def __init__(
        self,
        url: str | None = None,
        *,
        schema: str | None = None,
        pool_size: int = 10,
        max_overflow: int = 10,
        pool_timeout: float | None = None,
        connect_timeout: float = 2.0,
        statement_timeout: float = 2.0,
        breaker_threshold: int = 3,
        breaker_reset: float = 5.0,
    ) -> None:
        self._url = url
        self._schema = schema
        self._pool_args: dict[str, Any] = {
            "pool_size": pool_size,
            "max_overflow": max_overflow,
            "pool_timeout": connect_timeout if pool_timeout is None else pool_timeout,
        }
        self.connect_timeout = connect_timeout
        self.statement_timeout = statement_timeout
        self.breaker = CircuitBreaker(breaker_threshold, breaker_reset)
        self._engine: Engine | None = None
        self._factory: sessionmaker[Session] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"DatabaseManager(url={redact_url(self.url)!r}, schema={self._schema!r})"

    @property
    def url(self) -> str:
        """The database URL in use (``DATABASE_URL`` unless one was given)."""
        if self._url is None:
            from reference_impl.settings import load_settings

            self._url = load_settings().database_url
        return self._url

    @property
    def engine(self) -> Engine:
        """The engine, created on first access."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = self._create_engine()
                    self._factory = sessionmaker(self._engine, expire_on_commit=False)
        return self._engine

    def _create_engine(self) -> Engine:
        url = self.url
        sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {
            "connect_args": db_timeouts.connect_args(
                url, self.connect_timeout, self.statement_timeout
            )
        }
        if sqlite:
            kwargs["poolclass"] = QueuePool
        kwargs.update(self._pool_args)
        engine = create_engine(url, **kwargs)
        if sqlite:  # before the watchdog's hooks: queueing for the lock is not a statement
            sqlite_writes.install(engine, self.statement_timeout)
        # The checkout ping replaces pool_pre_ping, whose ping no timeout would bound.
        db_timeouts.install(engine, self.statement_timeout, ping=not sqlite)
        if sqlite:
            busy_ms = max(1, int(self.statement_timeout * 1000))
            event.listen(engine, "connect", lambda c, r: _sqlite_pragmas(c, busy_ms))
        if self._schema is not None:
            engine = engine.execution_options(schema_translate_map={None: self._schema})
        return engine

    def create_all(self) -> None:
        """Create the tables (and indexes) if they do not exist."""
        Base.metadata.create_all(self.engine)

    def drop_all(self) -> None:
        """Drop the tables; for tests and tear-down scripts."""
        Base.metadata.drop_all(self.engine)

    def get_session(self) -> Session:
        """Return a new ORM session; release it with ``close_session()``."""
        self.engine  # noqa: B018 - ensures the factory exists
        assert self._factory is not None
        return self._factory()

    def close_session(self, session: Session | None) -> None:
        """Roll back anything uncommitted and return the connection to the pool."""
        if session is None:
            return
        try:
            session.rollback()
        except Exception:
            pass
        finally:
            session.close()

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """Yield a session; commit on success, roll back on error, always close.

        Guarded by the breaker: raises ``DatabaseUnavailable`` while it is open.
        """
        if not self.breaker.allow():
            raise DatabaseUnavailable("database breaker open: not tried")
        session = self.get_session()
        try:
            yield session
            session.commit()
        except DB_OUTAGE:
            self.breaker.record_failure()
            self.close_session(session)
            raise
        except BaseException:
            self.breaker.record_success()  # it answered, even if with a refusal
            self.close_session(session)
            raise
        else:
            self.breaker.record_success()
            self.close_session(session)

    def checked_out(self) -> int:
        """Connections currently checked out of the pool (0 when nothing leaks)."""
        if self._engine is None:
            return 0
        pool = self._engine.pool
        return int(pool.checkedout()) if isinstance(pool, QueuePool) else 0

    def dispose(self) -> None:
        """Close every pooled connection."""
        if self._engine is not None:
            self._engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, busy_ms: int) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={busy_ms}")  # a lock holder delays us this much at most
    cursor.close()


db_manager = DatabaseManager()
"""The process-wide manager the steering docs refer to."""
