"""Exceptions of the session stores: one base class, each error keeping its context."""

from __future__ import annotations


class SessionStoreError(Exception):
    """Base class of every error a session store raises on purpose."""


class SessionStoreUnavailable(SessionStoreError):
    """No tier could serve the call (Redis down and fallback off, or both tiers down)."""

    def __init__(self, operation: str, reason: str) -> None:
        self.operation = operation
        self.reason = reason
        super().__init__(f"session store unavailable during {operation}: {reason}")


class InvalidSessionId(SessionStoreError, ValueError):
    """A session id failed format validation before any I/O was attempted."""

    def __init__(self, length: int) -> None:
        self.length = length
        # The raw value is hostile input: keep it out of the message and logs.
        super().__init__(f"invalid session id (length {length})")


class SessionConflict(SessionStoreError):
    """An optimistic update lost: the session changed since the version the caller read."""

    def __init__(self, expected: int, actual: int) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(f"session version conflict: expected {expected}, found {actual}")


class SessionIdCollision(SessionStoreError):
    """Fresh session ids kept colliding with existing ones (a broken random source)."""


class SessionDataRejected(SessionStoreError, ValueError):
    """The database refused the session data itself (not an outage): retrying cannot help."""

    def __init__(self, operation: str, reason: str) -> None:
        self.operation = operation
        self.reason = reason
        super().__init__(f"session data rejected by the database during {operation}: {reason}")
