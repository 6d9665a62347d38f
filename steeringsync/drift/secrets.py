"""Mask the values of secret-looking settings before they reach any output."""

from __future__ import annotations

import re

MASK = "****"
# Whole words of a setting name (split at `_`, `-`, `.`) that mark it as a secret.
_SECRET_WORDS = re.compile(
    r"(?:^|[_.\-])(?:PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|KEY|APIKEY|CREDENTIALS?|PRIVATE)"
    r"(?:$|[_.\-])",
    re.IGNORECASE,
)
# scheme://user:password@host -> the password part
_URL_CREDENTIALS = re.compile(
    r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@]*:)(?P<pw>[^/\s@]+)(?=@)"
)


def is_secret(key: str) -> bool:
    """``DB_PASSWORD``, ``SECRET_KEY``, ``API_TOKEN``: but not ``KEYBOARD_LAYOUT``."""
    return bool(_SECRET_WORDS.search(key)) or key.upper().endswith(("APIKEY", "TOKEN", "SECRET"))


def mask_url_credentials(value: str) -> str:
    """``redis://:hunter2@host`` -> ``redis://:****@host``; other text is unchanged."""
    return _URL_CREDENTIALS.sub(lambda m: m.group("head") + MASK, value)


def mask(key: str, value: str) -> str:
    """The value as it may be shown: fully masked for secret keys, URL passwords always."""
    if is_secret(key) and value.strip():
        return MASK
    return mask_url_credentials(value)


def shown(key: str, value: str | None) -> str:
    """A value quoted for a message; ``None`` (no value) reads as "no default"."""
    if value is None:
        return "no default"
    if not value.strip():
        return "empty"
    return f"`{mask(key, value)}`"
