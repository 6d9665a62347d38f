"""Value normalisation and masking of secret values."""

from __future__ import annotations

import pytest

from steeringsync.drift.secrets import MASK, is_secret, mask, shown
from steeringsync.drift.values import normalize, same


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        ("3600", " 3600 ", True),
        ('"session:"', "session:", True),
        ("'x'", "x", True),
        ("True", "true", True),
        ("FALSE", "false", True),
        ("5", "5.0", False),  # nothing cleverer than quotes, space and boolean case
        ("on", "true", False),
        ("Info", "INFO", False),
    ],
)
def test_same(left: str, right: str, equal: bool) -> None:
    assert same(left, right) is equal


def test_normalize_keeps_inner_quotes() -> None:
    assert normalize('"it\'s"') == "it's"


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("DB_PASSWORD", True),
        ("SECRET_KEY", True),
        ("API_TOKEN", True),
        ("STRIPE_API_KEY", True),
        ("GITHUB_TOKEN", True),
        ("AWS_SECRET_ACCESS_KEY", True),
        ("KEYBOARD_LAYOUT", False),
        ("REDIS_URL", False),
        ("TOKENIZER_MODEL", False),
    ],
)
def test_secret_keys(key: str, secret: bool) -> None:
    assert is_secret(key) is secret


def test_mask() -> None:
    assert mask("DB_PASSWORD", "hunter2") == MASK
    assert mask("REDIS_URL", "redis://:hunter2@cache:6379/0") == f"redis://:{MASK}@cache:6379/0"
    assert mask("DATABASE_URL", "postgres://app:pw@db/app") == f"postgres://app:{MASK}@db/app"
    assert mask("REDIS_URL", "redis://cache:6379/0") == "redis://cache:6379/0"
    assert shown("API_TOKEN", "") == "empty"
    assert shown("API_TOKEN", None) == "no default"


def test_placeholders_but_not_json_lists() -> None:
    from steeringsync.drift.values import is_placeholder

    for value in (
        "your-key-here",
        "<generated-key>",
        "sk-xxx",
        "...",
        "changeme",
        "****",
        "[YOUR TOKEN]",
        "{{ secret }}",
        "replace-me",
    ):
        assert is_placeholder(value), value
    for value in ('["http://localhost:8501"]', "redis://localhost:6379/0", "INFO", "8080", ""):
        assert not is_placeholder(value), value
