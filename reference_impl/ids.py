"""Session id generation and validation: 256 random bits from ``secrets``, URL-safe.

An id is ``<43 url-safe chars>.<4 hex chars>``: the random part is
``secrets.token_urlsafe(32)`` (256 bits); the suffix is a 16-bit hash of the user id, so a
session key and its user's index share one Redis Cluster hash tag. Sixteen bits name a
bucket of users, never one user. Ids are validated before they become Redis keys or SQL
parameters, so hostile input (``*``, newlines, megabyte strings) never reaches I/O.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable

from reference_impl.errors import InvalidSessionId

TOKEN_BYTES = 32
SESSION_ID_LENGTH = 48
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}\.[0-9a-f]{4}")
_MAX_USER_ID = 255

TokenFactory = Callable[[], str]


def default_token() -> str:
    """Return 256 random bits, URL-safe base64 without padding (43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def user_tag(user_id: str) -> str:
    """Return the 4-hex-digit bucket tag shared by a user's sessions and their index."""
    return hashlib.blake2b(user_id.encode("utf-8"), digest_size=2).hexdigest()


def new_session_id(user_id: str, token_factory: TokenFactory = default_token) -> str:
    """Return a fresh session id for ``user_id``."""
    token = token_factory()
    if len(token) != 43:
        raise ValueError("token factory must return 43 url-safe characters")
    return f"{token}.{user_tag(user_id)}"


def new_session_id_in_bucket(tag: str, token_factory: TokenFactory = default_token) -> str:
    """Return a fresh session id in the same hash-tag bucket as an existing one (rotation)."""
    token = token_factory()
    if len(token) != 43:
        raise ValueError("token factory must return 43 url-safe characters")
    return f"{token}.{tag}"


def is_valid_session_id(value: object) -> bool:
    """Tell whether ``value`` has the exact session-id format (no I/O)."""
    return (
        isinstance(value, str)
        and len(value) == SESSION_ID_LENGTH
        and _SESSION_ID.fullmatch(value) is not None
    )


def check_session_id(value: object) -> str:
    """Return ``value`` if it is a well-formed session id, else raise ``InvalidSessionId``."""
    if not is_valid_session_id(value):
        raise InvalidSessionId(len(value) if isinstance(value, str) else -1)
    assert isinstance(value, str)
    return value


def tag_of(session_id: str) -> str:
    """Return the hash-tag part of a validated session id."""
    return session_id[-4:]


def check_user_id(value: object) -> str:
    """Return ``value`` if it is a usable user id: 1-255 printable characters."""
    if not isinstance(value, str) or not 0 < len(value) <= _MAX_USER_ID or not value.isprintable():
        raise ValueError("user_id must be 1-255 printable characters")
    return value


def sid_hash(session_id: str) -> str:
    """Return the digest written to the audit log instead of the raw session id."""
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()[:32]
