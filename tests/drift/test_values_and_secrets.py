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
        ("AUTH", True),
        ("BEARER", True),
        ("DBPASSWORD", True),
        ("SECRETKEY", True),
        ("GITHUB_PAT", True),
        ("STRIPE_SK", True),
        ("CONN_STR", True),
        ("SENTRY_DSN", True),
        ("SLACK_WEBHOOK_URL", True),
        ("dbPassword", True),
        ("MY_PWD", True),
        ("GOOGLE_CREDENTIALS", True),
        ("PRIVATE_KEY", True),
        ("KEYBOARD_LAYOUT", False),
        ("PATH", False),
        ("PASSPORT_COUNTRY", False),
        ("LOG_LEVEL", False),
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


SECRET = "hunter2-Zq9Zq9Zq9"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (f"redis://{SECRET}@cache:6379/0", f"redis://{MASK}@cache:6379/0"),  # token as user
        (f"postgres://app:{SECRET}/x@y@db/app", f"postgres://app:{MASK}@db/app"),  # `/`, `@`
        (f"https://api/v1?password={SECRET}&page=2", f"https://api/v1?password={MASK}&page=2"),
        (f"https://s3/x?X-Amz-Signature={SECRET}", f"https://s3/x?X-Amz-Signature={MASK}"),
        (f"https://{SECRET}@o1.ingest.sentry.io/5", f"https://{MASK}@o1.ingest.sentry.io/5"),
        (f"https://hooks.slack.com/services/T0/B0/{SECRET}", f"https://hooks.slack.com/{MASK}"),
        (f"host=db user=app password={SECRET}", f"host=db user=app password={MASK}"),
        (f"Server=db;Pwd={SECRET};", f"Server=db;Pwd={MASK};"),
        ("ghp_" + "a" * 36, MASK),
        ("sk-" + "b" * 40, MASK),
        ("xoxb-123456789012-abcdefghij", MASK),
        ("AKIA" + "C" * 16, MASK),
        ("redis://cache:6379/0", "redis://cache:6379/0"),
        ("3600", "3600"),
    ],
)
def test_secret_looking_values_are_masked_whatever_the_name(value: str, shown: str) -> None:
    assert mask("UPSTREAM", value) == shown
    assert SECRET not in mask("UPSTREAM", value)
