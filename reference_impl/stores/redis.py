"""Redis tier: one string key per session, one round trip per operation.

Key layout, all under one Cluster hash tag per user bucket, so each Lua script touches a
single slot (MULTI-equivalent atomicity on a cluster too)::

    <prefix>{<tag>}:s:<sid>      "<version>:<created>:<cap>:<synced>:<len(user)>:<user><JSON>"
    <prefix>{<tag>}:t:<sid>      tombstone of a destroyed or rotated id (blocks read-through)
    <prefix>{<tag>}:u:<user_id>  set of the user's session ids (revoke-all, no SCAN/KEYS)

Times are epoch milliseconds. A read is one ``GETEX ... PX timeout`` (sliding expiry, same
cost as a plain ``GET``); the absolute cap is enforced on the value itself, so a session past
its cap is invisible and deleted even if its key still lives. Writes are Lua scripts
(compare-and-set on the version). Redis errors propagate; the manager decides what they mean.
"""

from __future__ import annotations

import functools
import json
import json.scanner
import time
from collections.abc import Mapping
from typing import Any

from reference_impl import codec
from reference_impl.errors import SessionConflict
from reference_impl.ids import new_session_id, new_session_id_in_bucket, tag_of
from reference_impl.redis_client import RedisClient
from reference_impl.stores.base import LazySessionRecord, SessionRecord
from reference_impl.stores.redis_scripts import (
    CREATE,
    DESTROY,
    MARK_SYNCED,
    REFILL,
    REVOKE_ALL,
    ROTATE,
    TOUCH,
    UPDATE,
)
from reference_impl.timeutil import from_ms, to_ms

MISSING = -1


# Outcomes of ``RedisSessionTier.read``.
ABSENT, TOMBSTONED, HIT, HIT_SYNC_DUE = 0, 1, 2, 3

# json.loads() minus its wrappers: half the cost of parsing on the hot path.
_scan_json = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]

# Payloads up to this size are parsed during the read; larger ones on first use.
_EAGER_BYTES = 2048

# Creation time and cap repeat on every read of a session: convert each once.
_cached_from_ms = functools.lru_cache(maxsize=65536)(from_ms)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def pack(record: SessionRecord, synced_ms: int) -> bytes:
    """Encode a record in the stored layout."""
    user = record.user_id.encode("utf-8")
    head = (
        f"{record.version}:{to_ms(record.created_at)}:{to_ms(record.max_expires_at)}:"
        f"{synced_ms}:{len(user)}:"
    )
    return head.encode("ascii") + user + codec.encode(record.data).encode("utf-8")


class RedisSessionTier:
    """The Redis half of the session store (no fallback, no database)."""

    def __init__(
        self,
        client: RedisClient,
        prefix: str,
        timeout: int,
        max_lifetime: int,
        sync_interval: float,
    ) -> None:
        if "{" in prefix or "}" in prefix:
            raise ValueError("REDIS_SESSION_PREFIX must not contain '{' or '}' (hash tags)")
        self.client = client
        self.prefix = prefix
        self.timeout_ms = timeout * 1000
        self.max_lifetime_ms = max_lifetime * 1000
        self.sync_interval_ms = int(sync_interval * 1000)
        self._px = str(self.timeout_ms).encode("ascii")
        self._create = client.register_script(CREATE)
        self._refill = client.register_script(REFILL)
        self._update = client.register_script(UPDATE)
        self._touch = client.register_script(TOUCH)
        self._mark_synced = client.register_script(MARK_SYNCED)
        self._destroy = client.register_script(DESTROY)
        self._rotate = client.register_script(ROTATE)
        self._revoke_all = client.register_script(REVOKE_ALL)

    # key layout -------------------------------------------------------------------------
    def _base(self, tag: str) -> str:
        return f"{self.prefix}{{{tag}}}:"

    def session_key(self, session_id: str) -> str:
        """Redis key of a (validated) session id."""
        return f"{self.prefix}{{{session_id[-4:]}}}:s:{session_id}"

    def tombstone_key(self, session_id: str) -> str:
        """Redis key of the tombstone of a destroyed session id."""
        return f"{self._base(tag_of(session_id))}t:{session_id}"

    def index_key(self, session_id_or_tag: str, user_id: str) -> str:
        """Redis key of a user's session-id set."""
        return f"{self._base(session_id_or_tag[-4:])}u:{user_id}"

    # operations --------------------------------------------------------------------------
    def read(self, session_id: str, now_ms: int) -> tuple[SessionRecord | None, int]:
        """One ``GETEX`` (read and slide the TTL); a second round trip only on a miss.

        Returns the record and one of ``ABSENT``, ``TOMBSTONED``, ``HIT``, ``HIT_SYNC_DUE``
        (a plain tuple: this is the hot path).
        """
        key = f"{self.prefix}{{{session_id[-4:]}}}:s:{session_id}"
        # execute_command: redis-py's getex() wrapper costs more than the round trip saves.
        raw = self.client.execute_command("GETEX", key, b"PX", self._px)
        if raw is None:
            if self.client.exists(self.tombstone_key(session_id)):
                return None, TOMBSTONED
            return None, ABSENT
        try:
            version, created, cap, synced, ulen, rest = raw.split(b":", 5)
            user_len = int(ulen)
            cap_ms = int(cap)
            user = rest[:user_len].decode("utf-8")
            payload = rest[user_len:]
            # Our writes are always a JSON object; anything else was planted or corrupted.
            valid = payload[:1] == b"{" and payload[-1:] == b"}"
        except ValueError:
            valid = False
        if not valid:
            codec.security_log.warning("session value in redis is malformed; treated as absent")
            return None, ABSENT
        if cap_ms <= now_ms:
            self.client.delete(key)  # past the absolute cap: dead whatever the TTL says
            return None, TOMBSTONED
        body: Any = payload
        factory: Any = LazySessionRecord  # large: parsed on first access to .data
        if len(payload) <= _EAGER_BYTES:
            # Small: parse now, so a corrupt value reads as an absent session.
            try:
                text = payload.decode("utf-8")
                body, end = _scan_json(text, 0)
                if end != len(text) or type(body) is not dict:
                    body = None
            except (ValueError, StopIteration, RecursionError):
                body = None
            if body is None:
                codec.security_log.warning("session value in redis is malformed; treated as absent")
                return None, ABSENT
            factory = SessionRecord
        record = factory(
            session_id,
            user,
            body,
            int(version),
            _cached_from_ms(int(created)),
            from_ms(min(now_ms + self.timeout_ms, cap_ms)),
            _cached_from_ms(cap_ms),
        )
        return record, HIT_SYNC_DUE if now_ms - int(synced) >= self.sync_interval_ms else HIT

    def mark_synced(self, session_id: str, version: int, now_ms: int) -> None:
        """Record that the database has this session's expiry as of ``now_ms``."""
        self._mark_synced(keys=[self.session_key(session_id)], args=[version, now_ms])

    def create(
        self,
        user_id: str,
        data: Mapping[str, Any],
        now_ms: int,
        token_factory: Any,
    ) -> SessionRecord | None:
        """Create with ``NX`` semantics; ``None`` if the fresh id collided."""
        session_id = new_session_id(user_id, token_factory)
        ttl = min(self.timeout_ms, self.max_lifetime_ms)
        record = SessionRecord(
            session_id=session_id,
            user_id=user_id,
            data=dict(data),
            version=1,
            created_at=from_ms(now_ms),
            expires_at=from_ms(now_ms + ttl),
            max_expires_at=from_ms(now_ms + self.max_lifetime_ms),
        )
        keys = [
            self.session_key(session_id),
            self.index_key(session_id, user_id),
            self.tombstone_key(session_id),
        ]
        args = [pack(record, now_ms), ttl, session_id, self.max_lifetime_ms]
        if self._create(keys=keys, args=args) != 1:
            return None
        return record

    def refill(self, record: SessionRecord, now_ms: int) -> bool:
        """Copy a database record into Redis with its *remaining* lifetime (newer wins)."""
        remaining = to_ms(record.expires_at) - now_ms
        if remaining <= 0:
            return False
        sid = record.session_id
        keys = [self.session_key(sid), self.index_key(sid, record.user_id), self.tombstone_key(sid)]
        args = [pack(record, now_ms), remaining, sid, self.max_lifetime_ms, record.version]
        return bool(self._refill(keys=keys, args=args) == 1)

    def update(
        self, session_id: str, data_json: str, expected_version: int | None, now_ms: int
    ) -> tuple[int, SessionRecord | None]:
        """Compare-and-set update: (new version, record), (MISSING, None) or raise."""
        expected = -1 if expected_version is None else expected_version
        reply = self._update(
            keys=[self.session_key(session_id)],
            args=[data_json, expected, self.timeout_ms, now_ms],
        )
        status = int(reply[0])
        if status == -2:
            raise SessionConflict(expected, int(reply[1]))
        if status < 0:
            return MISSING, None
        _, ttl, user, created, cap = reply
        record = SessionRecord(
            session_id=session_id,
            user_id=_text(user),
            data=codec.decode(data_json, where="update") or {},
            version=status,
            created_at=from_ms(int(created)),
            expires_at=from_ms(now_ms + int(ttl)),
            max_expires_at=from_ms(int(cap)),
        )
        return status, record

    def touch(self, session_id: str, now_ms: int) -> tuple[int, bool] | None:
        """Slide the TTL; returns (ttl_ms, database sync due) or ``None`` if absent."""
        reply = self._touch(
            keys=[self.session_key(session_id)],
            args=[self.timeout_ms, now_ms, self.sync_interval_ms],
        )
        if int(reply[0]) < 0:
            return None
        return int(reply[0]), int(reply[1]) == 1

    def destroy(self, session_id: str, *, known: bool = False) -> bool:
        """Delete and drop from the user index; ``True`` if it existed.

        A tombstone (blocking read-through) is left if the key existed or ``known`` says the
        session exists elsewhere; a made-up id leaves no key behind.
        """
        keys = [self.session_key(session_id), self.tombstone_key(session_id)]
        args = [
            self.max_lifetime_ms,
            f"{self._base(tag_of(session_id))}u:",
            session_id,
            "1" if known else "0",
        ]
        return bool(self._destroy(keys=keys, args=args) == 1)

    def rotate(
        self, session_id: str, now_ms: int, token_factory: Any
    ) -> SessionRecord | bool | None:
        """Move to a new id of the same tag; ``False`` on id collision, ``None`` if absent."""
        new_id = new_session_id_in_bucket(tag_of(session_id), token_factory)
        keys = [
            self.session_key(session_id),
            self.session_key(new_id),
            self.tombstone_key(session_id),
            self.tombstone_key(new_id),
        ]
        args = [
            new_id,
            session_id,
            self.max_lifetime_ms,
            f"{self._base(tag_of(session_id))}u:",
            now_ms,
            self.timeout_ms,
        ]
        reply = self._rotate(keys=keys, args=args)
        if int(reply[0]) == -2:
            return False
        if int(reply[0]) < 0:
            return None
        _, ttl, user, raw, created, cap = reply
        return SessionRecord(
            session_id=new_id,
            user_id=_text(user),
            data=codec.decode(raw, where="redis") or {},
            version=1,
            created_at=from_ms(int(created)),
            expires_at=from_ms(now_ms + int(ttl)),
            max_expires_at=from_ms(int(cap)),
        )

    def peek(self, session_id: str) -> SessionRecord | None:
        """Read without sliding the TTL (for backlog flushing only)."""
        key = self.session_key(session_id)
        raw = self.client.get(key)
        ttl = int(self.client.pttl(key))
        if raw is None or ttl <= 0:
            return None
        now_ms = int(time.time() * 1000)
        try:
            version, created, cap, _synced, ulen, rest = raw.split(b":", 5)
            user_len = int(ulen)
        except ValueError:
            return None
        data = codec.decode(rest[user_len:], where="redis")
        if data is None:
            return None
        return SessionRecord(
            session_id=session_id,
            user_id=rest[:user_len].decode("utf-8"),
            data=data,
            version=int(version),
            created_at=from_ms(int(created)),
            expires_at=from_ms(min(now_ms + ttl, int(cap))),
            max_expires_at=from_ms(int(cap)),
        )

    def discard(self, session_id: str, user_id: str) -> None:
        """Remove a key this process just created (undo after a database id collision)."""
        self.client.delete(self.session_key(session_id))
        self.client.srem(self.index_key(session_id, user_id), session_id)

    def revoke_user(self, user_id: str, tag: str) -> int:
        """Delete every session in the user's index; return how many existed."""
        base = self._base(tag)
        keys = [f"{base}u:{user_id}"]
        args = [f"{base}s:", f"{base}t:", self.max_lifetime_ms]
        return int(self._revoke_all(keys=keys, args=args))

    # restart detection and reconciliation ------------------------------------------------
    @property
    def trusted_key(self) -> str:
        """Key holding the ``run_id`` of the server whose data was last reconciled."""
        return f"{self.prefix}trusted-run-id"

    def run_id(self) -> str:
        """The server's ``run_id``: new on every restart and on every failover."""
        return str(self.client.info("server")["run_id"])

    def mark_trusted(self, run_id: str) -> None:
        """Record that this server's data has been reconciled with the database."""
        self.client.set(self.trusted_key, run_id)

    def scan_sessions(self, cursor: int, count: int) -> tuple[int, list[tuple[str, int]]]:
        """One ``SCAN`` step over this prefix's session keys: (next cursor, [(id, version)])."""
        cursor, keys = self.client.scan(cursor, match=f"{self.prefix}{{*}}:s:*", count=count)
        if not keys:
            return int(cursor), []
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.get(key)
        values = pipe.execute()
        found = []
        for key, value in zip(keys, values, strict=True):
            if value is None:
                continue
            head = value.split(b":", 1)[0]
            version = int(head) if head.isdigit() else 0
            found.append((_text(key).rsplit(":s:", 1)[1], version))
        return int(cursor), found

    def ping(self) -> bool:
        """Round trip to Redis (raises when it is down)."""
        return bool(self.client.ping())
