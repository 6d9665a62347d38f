"""Session-store settings read from the environment, each with a documented default."""

from __future__ import annotations

import os
from dataclasses import dataclass

from reference_impl.redis_client import redact_url

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be a boolean (true/false), got {raw!r}")


def _positive(name: str, raw: str) -> float:
    value = float(raw)
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return value


@dataclass(frozen=True)
class Settings:
    """Resolved configuration for the session managers.

    Every field maps to one environment variable; ``tech.md`` documents each one and its
    default, and steeringsync's drift check compares the two.
    """

    redis_url: str = "redis://localhost:6379/0"
    redis_session_prefix: str = "session:"
    redis_session_timeout: int = 3600
    session_max_lifetime: int = 86400
    db_session_fallback: bool = True
    db_session_sync: bool = True
    database_url: str = "sqlite:///sessions.db"
    redis_socket_timeout: float = 0.25
    redis_breaker_threshold: int = 3
    redis_breaker_reset: float = 5.0
    db_connect_timeout: float = 2.0
    db_statement_timeout: float = 2.0
    db_breaker_threshold: int = 3
    db_breaker_reset: float = 5.0
    session_outbox_path: str = "sessions-outbox.db"
    session_max_bytes: int = 1_048_576
    session_max_depth: int = 32
    session_resync_batch: int = 200

    def __repr__(self) -> str:
        # The URLs may carry passwords: never let them reach logs through repr().
        return (
            f"Settings(redis_url={redact_url(self.redis_url)!r}, "
            f"redis_session_prefix={self.redis_session_prefix!r}, "
            f"redis_session_timeout={self.redis_session_timeout}, "
            f"session_max_lifetime={self.session_max_lifetime}, "
            f"db_session_fallback={self.db_session_fallback}, "
            f"db_session_sync={self.db_session_sync}, "
            f"database_url={redact_url(self.database_url)!r}, "
            f"redis_socket_timeout={self.redis_socket_timeout}, "
            f"redis_breaker_threshold={self.redis_breaker_threshold}, "
            f"redis_breaker_reset={self.redis_breaker_reset}, "
            f"db_connect_timeout={self.db_connect_timeout}, "
            f"db_statement_timeout={self.db_statement_timeout}, "
            f"db_breaker_threshold={self.db_breaker_threshold}, "
            f"db_breaker_reset={self.db_breaker_reset}, "
            f"session_outbox_path={self.session_outbox_path!r}, "
            f"session_max_bytes={self.session_max_bytes}, "
            f"session_max_depth={self.session_max_depth}, "
            f"session_resync_batch={self.session_resync_batch})"
        )

    __str__ = __repr__


def load_settings() -> Settings:
    """Read the settings from ``os.environ``; the literal defaults here are the documented ones."""
    timeout = int(os.environ.get("REDIS_SESSION_TIMEOUT", "3600"))
    lifetime = int(os.environ.get("SESSION_MAX_LIFETIME", "86400"))
    if timeout <= 0 or lifetime <= 0:
        raise ValueError("REDIS_SESSION_TIMEOUT and SESSION_MAX_LIFETIME must be positive")
    return Settings(
        redis_url=os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
        redis_session_prefix=os.environ.get("REDIS_SESSION_PREFIX", "session:"),
        redis_session_timeout=timeout,
        session_max_lifetime=lifetime,
        db_session_fallback=_flag(
            "DB_SESSION_FALLBACK", os.environ.get("DB_SESSION_FALLBACK", "true")
        ),
        db_session_sync=_flag("DB_SESSION_SYNC", os.environ.get("DB_SESSION_SYNC", "true")),
        database_url=os.environ.get("DATABASE_URL", "sqlite:///sessions.db"),
        redis_socket_timeout=_positive(
            "REDIS_SOCKET_TIMEOUT", os.environ.get("REDIS_SOCKET_TIMEOUT", "0.25")
        ),
        redis_breaker_threshold=int(os.environ.get("REDIS_BREAKER_THRESHOLD", "3")),
        redis_breaker_reset=_positive(
            "REDIS_BREAKER_RESET", os.environ.get("REDIS_BREAKER_RESET", "5")
        ),
        db_connect_timeout=_positive(
            "DB_CONNECT_TIMEOUT", os.environ.get("DB_CONNECT_TIMEOUT", "2")
        ),
        db_statement_timeout=_positive(
            "DB_STATEMENT_TIMEOUT", os.environ.get("DB_STATEMENT_TIMEOUT", "2")
        ),
        db_breaker_threshold=int(os.environ.get("DB_BREAKER_THRESHOLD", "3")),
        db_breaker_reset=_positive("DB_BREAKER_RESET", os.environ.get("DB_BREAKER_RESET", "5")),
        session_outbox_path=os.environ.get("SESSION_OUTBOX_PATH", "sessions-outbox.db"),
        session_max_bytes=int(
            _positive("SESSION_MAX_BYTES", os.environ.get("SESSION_MAX_BYTES", "1048576"))
        ),
        session_max_depth=int(
            _positive("SESSION_MAX_DEPTH", os.environ.get("SESSION_MAX_DEPTH", "32"))
        ),
        session_resync_batch=int(
            _positive("SESSION_RESYNC_BATCH", os.environ.get("SESSION_RESYNC_BATCH", "200"))
        ),
    )
