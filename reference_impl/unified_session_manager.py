"""``UnifiedSessionManager``: the legacy database-only session manager, kept working.

New code uses ``RedisSessionManager`` for sessions and ``db_manager`` for database work;
``get_db_session()`` remains for old callers and warns with ``DeprecationWarning``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from reference_impl.audit import AuditLog
from reference_impl.db_manager import DatabaseManager, db_manager
from reference_impl.metrics import Metrics
from reference_impl.settings import Settings, load_settings
from reference_impl.stores.database import DatabaseSessionStore


class UnifiedSessionManager(DatabaseSessionStore):
    """Database-only sessions (the pre-Redis architecture)."""

    def __init__(self, db: DatabaseManager | None = None, settings: Settings | None = None) -> None:
        s = settings or load_settings()
        database = db or db_manager
        self.metrics = Metrics()
        super().__init__(
            database,
            namespace=s.redis_session_prefix,
            timeout=s.redis_session_timeout,
            max_lifetime=s.session_max_lifetime,
            audit=AuditLog(database, s.redis_session_prefix, self.metrics),
        )

    @contextmanager
    def get_db_session(self) -> Iterator[Session]:
        """Deprecated: use ``db_manager.get_session()`` / ``db_manager.close_session()``.

        Commits on success, rolls back on error, always closes.
        """
        warnings.warn(
            "UnifiedSessionManager.get_db_session() is deprecated; use "
            "db_manager.get_session() and db_manager.close_session()",
            DeprecationWarning,
            stacklevel=3,
        )
        # the same transaction semantics new code gets from db_manager.session_scope()
        with self.db.session_scope() as session:
            yield session


def __getattr__(name: str) -> UnifiedSessionManager:
    # ``unified_session_manager`` is created on first use so importing reads no settings.
    if name == "unified_session_manager":
        global _instance
        if _instance is None:
            _instance = UnifiedSessionManager()
        return _instance
    raise AttributeError(name)


_instance: UnifiedSessionManager | None = None
