"""Reference implementation of the architecture in the steering docs: Redis-primary sessions.

``RedisSessionManager`` keeps sessions in Redis with database sync and fallback;
``db_manager`` hands out SQLAlchemy sessions; ``UnifiedSessionManager`` is the legacy
database-only manager.
"""

from __future__ import annotations

from reference_impl.breaker import BreakerState, CircuitBreaker
from reference_impl.db_manager import DatabaseManager, db_manager
from reference_impl.errors import (
    InvalidSessionId,
    SessionConflict,
    SessionDataRejected,
    SessionIdCollision,
    SessionStoreError,
    SessionStoreUnavailable,
)
from reference_impl.models import UserSession
from reference_impl.redis_session_manager import RedisSessionManager
from reference_impl.settings import Settings, load_settings
from reference_impl.stores.base import SessionRecord, SessionStore
from reference_impl.unified_session_manager import UnifiedSessionManager

__all__ = [
    "BreakerState",
    "CircuitBreaker",
    "DatabaseManager",
    "InvalidSessionId",
    "RedisSessionManager",
    "SessionConflict",
    "SessionDataRejected",
    "SessionIdCollision",
    "SessionRecord",
    "SessionStore",
    "SessionStoreError",
    "SessionStoreUnavailable",
    "Settings",
    "UnifiedSessionManager",
    "UserSession",
    "db_manager",
    "load_settings",
]
