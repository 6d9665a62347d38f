"""The session-store contract every backend and manager implements.

Ids are validated here, before any I/O: an invalid id reads as an absent session (or a
``False`` result for writes), exactly as an unknown one does, and is never adopted.
"""

from __future__ import annotations

import abc
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reference_impl.codec import SessionData, decode
from reference_impl.errors import SessionConflict
from reference_impl.ids import is_valid_session_id

log = logging.getLogger("reference_impl.sessions")


@dataclass(slots=True)
class SessionRecord:
    """A session as read from a store; ``version`` drives optimistic concurrency.

    Not frozen: constructing it is on the hot read path. Treat it as read-only.
    """

    session_id: str
    user_id: str
    data: SessionData
    version: int
    created_at: datetime
    expires_at: datetime
    max_expires_at: datetime


_UNPARSED: Any = object()
_data_slot: Any = SessionRecord.__dict__["data"]


class LazySessionRecord(SessionRecord):
    """A record read from Redis whose JSON payload is parsed on first access to ``data``.

    Parsing a 32 KiB payload costs more than the round trip that fetched it; a caller that
    only checks the session exists, or reads it once, should not pay it on every request.
    The payload was checked to be a JSON object's text (``{...}``) before this was built;
    one that still fails to parse (planted in Redis) reads as ``{}`` and is logged.
    """

    __slots__ = ("_payload",)

    def __init__(
        self,
        session_id: str,
        user_id: str,
        payload: bytes,
        version: int,
        created_at: datetime,
        expires_at: datetime,
        max_expires_at: datetime,
    ) -> None:
        self._payload = payload
        SessionRecord.__init__(
            self, session_id, user_id, _UNPARSED, version, created_at, expires_at, max_expires_at
        )

    @property
    def data(self) -> SessionData:
        value = _data_slot.__get__(self)
        if value is _UNPARSED:
            value = decode(self._payload, where="redis")
            if value is None:
                value = {}
            _data_slot.__set__(self, value)
        return value  # type: ignore[no-any-return]

    @data.setter
    def data(self, value: SessionData) -> None:
        _data_slot.__set__(self, value)


class SessionStore(abc.ABC):
    """Contract: create, read, update, touch, rotate, revoke and expire sessions.

    Expiry is sliding (``timeout`` seconds after last activity) under an absolute cap
    (``max_lifetime`` seconds after creation) that activity and rotation cannot extend.
    ``update_session`` replaces the data; with ``expected_version`` it is a compare-and-set
    that raises ``SessionConflict`` instead of losing a concurrent update, and
    ``modify_session`` wraps that in a retry loop. Without it, the last writer wins.
    """

    @abc.abstractmethod
    def create_session(self, user_id: str, data: Mapping[str, Any]) -> str:
        """Store a new session and return its fresh id."""

    @abc.abstractmethod
    def get_session(self, session_id: str) -> SessionRecord | None:
        """Return the live session (refreshing its sliding expiry) or ``None``."""

    @abc.abstractmethod
    def update_session(
        self, session_id: str, data: Mapping[str, Any], *, expected_version: int | None = None
    ) -> bool:
        """Replace the data of a live session; ``False`` if it does not exist."""

    @abc.abstractmethod
    def touch(self, session_id: str) -> bool:
        """Refresh the sliding expiry; ``False`` if the session does not exist."""

    @abc.abstractmethod
    def destroy_session(self, session_id: str) -> bool:
        """Delete the session; ``True`` if it existed."""

    @abc.abstractmethod
    def destroy_user_sessions(self, user_id: str) -> int:
        """Delete every session of ``user_id`` (log out everywhere); return how many."""

    @abc.abstractmethod
    def rotate_session(self, session_id: str) -> str | None:
        """Move the data to a new id and kill the old one (fixation defence)."""

    @abc.abstractmethod
    def cleanup_expired(self, batch_size: int = 1000) -> int:
        """Delete expired records in bounded batches; return how many were removed."""

    @abc.abstractmethod
    def health(self) -> dict[str, Any]:
        """Report the state of every tier, the breaker and the counters."""

    def modify_session(
        self,
        session_id: str,
        change: Callable[[SessionData], Mapping[str, Any]],
        *,
        retries: int = 20,
    ) -> SessionRecord | None:
        """Read-modify-write without lost updates: retry on ``SessionConflict``."""
        for _ in range(retries):
            record = self.get_session(session_id)
            if record is None:
                return None
            try:
                if not self.update_session(
                    session_id, change(dict(record.data)), expected_version=record.version
                ):
                    return None
            except SessionConflict:
                continue
            return self.get_session(session_id)
        raise SessionConflict(-1, -1)

    @staticmethod
    def _valid(session_id: object) -> bool:
        if is_valid_session_id(session_id):
            return True
        log.info("rejected malformed session id before any I/O")
        return False
