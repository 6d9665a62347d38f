"""JSON-only session payload codec; undecodable payloads are a logged security event.

Nothing here (or anywhere in ``reference_impl``) unpickles: a planted pickle payload is
just malformed JSON, logged on the ``reference_impl.security`` logger and treated as an
absent session, as Django does with ``SuspiciousSession``.

Limits: a payload nested deeper than ``max_depth`` containers or larger than ``max_bytes``
of UTF-8 JSON is refused on write with ``PayloadTooLarge`` (a ``ValueError``), before
either tier is touched, so a stored payload can always be decoded again without hitting
Python's recursion limit. A stored payload that still will not decode (planted, or written
by another version) is treated as absent, never raised. Payloads are not signed: they
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

#: Documented defaults of ``SESSION_MAX_DEPTH`` and ``SESSION_MAX_BYTES``.
DEFAULT_MAX_DEPTH = 32
DEFAULT_MAX_BYTES = 1_048_576


class PayloadTooLarge(ValueError):
    """Session data over the configured nesting depth or encoded size."""


def _check_depth(data: Mapping[str, Any], max_depth: int) -> None:
    # Iterative, so checking a hostile payload cannot itself exhaust the stack.
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            raise PayloadTooLarge(f"session data is nested deeper than {max_depth} levels")
        if isinstance(value, Mapping):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, (Mapping, list)))
        elif isinstance(value, (list, tuple)):
            stack.extend((v, depth + 1) for v in value if isinstance(v, (Mapping, list, tuple)))


def encode(
    data: Mapping[str, Any],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> str:
    """Serialise a session's data mapping to compact JSON within the limits.

    Raises ``TypeError``/``ValueError`` on non-JSON values and ``PayloadTooLarge`` past
    ``max_depth`` nesting or ``max_bytes`` of UTF-8.
    """
    if not isinstance(data, Mapping):
        raise TypeError("session data must be a mapping")
    _check_depth(data, max_depth)
    text = json.dumps(dict(data), separators=(",", ":"), allow_nan=False)
    if len(text) > max_bytes:  # ensure_ascii: one byte per character
        raise PayloadTooLarge(f"session data is larger than {max_bytes} bytes of JSON")
    return text


def decode(raw: bytes | str | None, *, where: str) -> SessionData | None:
    """Parse stored JSON; on anything else log a security warning and return ``None``."""
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        value = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        security_log.warning("session payload in %s is not valid JSON; treated as absent", where)
        return None
    if not isinstance(value, dict):
        security_log.warning("session payload in %s is not a JSON object; treated as absent", where)
        return None
    return value
