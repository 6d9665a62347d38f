"""JSON-only session payload codec; undecodable payloads are a logged security event.

Nothing here (or anywhere in ``reference_impl``) unpickles: a planted pickle payload is
just malformed JSON, logged on the ``reference_impl.security`` logger and treated as an
absent session, as Django does with ``SuspiciousSession``. Payloads are not signed: they
never leave the server (the client holds only the id), and a JSON decoder has no code path
to execute, so there is no decode step for an HMAC to guard.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

security_log = logging.getLogger("reference_impl.security")

SessionData = dict[str, Any]


def encode(data: Mapping[str, Any]) -> str:
    """Serialise a session's data mapping to compact JSON (raises on non-JSON values)."""
    if not isinstance(data, Mapping):
        raise TypeError("session data must be a mapping")
    return json.dumps(dict(data), separators=(",", ":"), allow_nan=False)


def decode(raw: bytes | str | None, *, where: str) -> SessionData | None:
    """Parse stored JSON; on anything else log a security warning and return ``None``."""
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        value = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        security_log.warning("session payload in %s is not valid JSON; treated as absent", where)
        return None
    if not isinstance(value, dict):
        security_log.warning("session payload in %s is not a JSON object; treated as absent", where)
        return None
    return value
