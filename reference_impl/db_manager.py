"""Database access: ``db_manager.get_session()`` / ``close_session()`` and ``session_scope()``.

The engine is created lazily, on first use, from ``DATABASE_URL`` (default: a local SQLite
file), so importing the package never opens a connection.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from reference_impl.models import Base
from reference_impl.redis_client import redact_url


class DatabaseManager:
    """Owns one engine and session factory; hands out and reliably releases ORM sessions."""

    def __init__(
        self,
        url: str | None = None,
        *,
        schema: str | None = None,
        pool_size: int = 10,
        max_overflow: int = 10,
        pool_timeout: float = 5.0,
    ) -> None:
        self._url = url
        self._schema = schema
        self._pool_args: dict[str, Any] = {
            "pool_size": pool_size,
            "max_overflow": max_overflow,
            "pool_timeout": pool_timeout,
        }
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
        kwargs: dict[str, Any] = {"pool_pre_ping": True}
        if url.startswith("sqlite"):
            # Threads share the file; wait for the write lock instead of failing at once.
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
            kwargs["poolclass"] = QueuePool
        kwargs.update(self._pool_args)
        engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(engine, "connect", _sqlite_pragmas)
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
        """Yield a session; commit on success, roll back on error, always close."""
        session = self.get_session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
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


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


db_manager = DatabaseManager()
"""The process-wide manager the steering docs refer to."""
