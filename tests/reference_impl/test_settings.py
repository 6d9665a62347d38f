"""Settings come from the environment with the documented defaults."""

from __future__ import annotations

import pytest

from reference_impl.redis_client import build_client, redact_url
from reference_impl.settings import Settings, load_settings

ENV = [
    "REDIS_URL", "REDIS_SESSION_PREFIX", "REDIS_SESSION_TIMEOUT", "SESSION_MAX_LIFETIME",
    "DB_SESSION_FALLBACK", "DB_SESSION_SYNC", "DATABASE_URL", "REDIS_SOCKET_TIMEOUT",
    "REDIS_BREAKER_THRESHOLD", "REDIS_BREAKER_RESET", "DB_CONNECT_TIMEOUT",
    "DB_STATEMENT_TIMEOUT", "DB_BREAKER_THRESHOLD", "DB_BREAKER_RESET", "SESSION_OUTBOX_PATH",
    "SESSION_MAX_BYTES", "SESSION_MAX_DEPTH", "SESSION_RESYNC_BATCH",
]  # fmt: skip


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    assert load_settings() == Settings()
    s = load_settings()
    assert s.redis_url == "redis://localhost:6379/0"
    assert s.database_url == "sqlite:///sessions.db"
    assert s.db_session_fallback and s.db_session_sync


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://cache:6380/2")
    monkeypatch.setenv("REDIS_SESSION_PREFIX", "app:")
    monkeypatch.setenv("REDIS_SESSION_TIMEOUT", "60")
    monkeypatch.setenv("DB_SESSION_FALLBACK", "off")
    monkeypatch.setenv("DB_SESSION_SYNC", "0")
    s = load_settings()
    assert (s.redis_url, s.redis_session_prefix, s.redis_session_timeout) == (
        "redis://cache:6380/2", "app:", 60,
    )  # fmt: skip
    assert not s.db_session_fallback and not s.db_session_sync


@pytest.mark.parametrize(
    ("name", "value"), [("DB_SESSION_SYNC", "maybe"), ("REDIS_SESSION_TIMEOUT", "-1")]
)
def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError):
        load_settings()


def test_every_setting_is_documented_in_tech_md() -> None:
    from pathlib import Path

    tech = (Path(__file__).parents[2] / ".kiro" / "steering" / "tech.md").read_text()
    defaults = {
        "REDIS_URL": "redis://localhost:6379/0", "REDIS_SESSION_PREFIX": "session:",
        "REDIS_SESSION_TIMEOUT": "3600", "SESSION_MAX_LIFETIME": "86400",
        "DB_SESSION_FALLBACK": "true", "DB_SESSION_SYNC": "true",
        "DATABASE_URL": "sqlite:///sessions.db", "REDIS_SOCKET_TIMEOUT": "0.25",
        "REDIS_BREAKER_THRESHOLD": "3", "REDIS_BREAKER_RESET": "5",
        "DB_CONNECT_TIMEOUT": "2", "DB_STATEMENT_TIMEOUT": "2", "DB_BREAKER_THRESHOLD": "3",
        "DB_BREAKER_RESET": "5", "SESSION_OUTBOX_PATH": "sessions-outbox.db",
        "SESSION_MAX_BYTES": "1048576", "SESSION_MAX_DEPTH": "32", "SESSION_RESYNC_BATCH": "200",
    }  # fmt: skip
    assert set(defaults) == set(ENV)
    for name, default in defaults.items():
        assert f"| `{name}` | `{default}` |" in tech, name


def test_redact_url_and_client_urls() -> None:
    assert redact_url("redis://:pw@h:1/0") == "redis://:***@h:1/0"
    assert redact_url("redis://user:pw@h:1/0") == "redis://user:***@h:1/0"
    assert redact_url("redis://h:1/0") == "redis://h:1/0"
    build_client("redis+sentinel://127.0.0.1:1,127.0.0.1:2/mymaster/1", 0.1)  # lazy: no I/O
    with pytest.raises(ValueError):
        build_client("redis+sentinel://127.0.0.1:1", 0.1)
