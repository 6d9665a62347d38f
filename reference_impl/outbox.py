"""Durable sync backlog: acknowledged writes the database has not taken yet, on local disk.

When Redis accepted a write but the database did not (down, hung, locked), the write is
appended here (a SQLite file, ``SESSION_OUTBOX_PATH``, fsynced per entry) with the whole
acknowledged state, not a pointer to Redis: Redis may lose its data before the database
comes back, and "absent from Redis" must never read as "destroyed". Entries replay in order
(``UserSession`` writes are version-guarded, so a replay never lands an older state) and
survive a process restart; entries that the database refuses as data are dropped with a
log line instead of blocking the rest. The file is per host: every process using the same
path (and key prefix) replays what any of them queued.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from reference_impl.stores.base import SessionRecord
from reference_impl.timeutil import from_ms, to_ms

PUT, DELETE, REVOKE_USER = "put", "delete", "revoke_user"


@dataclass(frozen=True)
class Entry:
    """One queued write: a session state to upsert, a logout, or a user-wide logout."""

    id: int
    kind: str
    key: str  # session id, or user id for REVOKE_USER
    version: int
    body: str

    def record(self) -> SessionRecord:
        """The session state of a ``PUT`` entry."""
        doc = json.loads(self.body)
        return SessionRecord(
            session_id=self.key,
            user_id=doc["user"],
            data=doc["data"],
            version=self.version,
            created_at=from_ms(doc["created"]),
            expires_at=from_ms(doc["expires"]),
            max_expires_at=from_ms(doc["cap"]),
        )


def _body(record: SessionRecord) -> str:
    return json.dumps(
        {
            "user": record.user_id,
            "data": record.data,
            "created": to_ms(record.created_at),
            "expires": to_ms(record.expires_at),
            "cap": to_ms(record.max_expires_at),
        },
        separators=(",", ":"),
    )


class Outbox:
    """An append-only, ordered queue in a local SQLite file, shared by processes."""

    def __init__(self, path: str | Path, namespace: str) -> None:
        self.path = str(path)
        self.namespace = namespace
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            self.path, timeout=5.0, check_same_thread=False, isolation_level=None
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")  # an acknowledged write is on disk
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS session_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " namespace TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,"
            " version INTEGER NOT NULL, body TEXT NOT NULL)"
        )
        self._conn.execute(
            "CREATE INDEX IF NOT EXISTS ix_session_outbox_ns ON session_outbox (namespace, id)"
        )
        self._latest: dict[str, Entry] = {}
        self.count = 0
        self._reload()

    def __len__(self) -> int:
        return self.count

    def _reload(self) -> None:
        rows = self._conn.execute(
            "SELECT id, kind, key, version, body FROM session_outbox WHERE namespace = ?"
            " ORDER BY id",
            (self.namespace,),
        ).fetchall()
        self._latest = {row[2]: Entry(*row) for row in rows if row[1] != REVOKE_USER}
        self.count = len(rows)

    def _add(self, kind: str, key: str, version: int, body: str) -> None:
        with self._lock:
            cursor = self._conn.execute(
                "INSERT INTO session_outbox (namespace, kind, key, version, body)"
                " VALUES (?, ?, ?, ?, ?)",
                (self.namespace, kind, key, version, body),
            )
            if kind != REVOKE_USER:
                self._latest[key] = Entry(int(cursor.lastrowid or 0), kind, key, version, body)
            self.count += 1

    def put(self, record: SessionRecord) -> None:
        """Queue the acknowledged state of a session."""
        self._add(PUT, record.session_id, record.version, _body(record))

    def delete(self, session_id: str) -> None:
        """Queue a logout."""
        self._add(DELETE, session_id, 0, "")

    def revoke_user(self, user_id: str) -> None:
        """Queue a "log out everywhere"."""
        self._add(REVOKE_USER, user_id, 0, "")

    def latest(self, session_id: str) -> Entry | None:
        """The newest queued write of ``session_id`` made by this process (or found at start)."""
        return self._latest.get(session_id)

    def head(self, limit: int, session_id: str | None = None) -> list[Entry]:
        """The oldest ``limit`` entries (of one session if given), in replay order."""
        with self._lock:
            if session_id is None:
                rows = self._conn.execute(
                    "SELECT id, kind, key, version, body FROM session_outbox"
                    " WHERE namespace = ? ORDER BY id LIMIT ?",
                    (self.namespace, limit),
                ).fetchall()
            else:
                rows = self._conn.execute(
                    "SELECT id, kind, key, version, body FROM session_outbox"
                    " WHERE namespace = ? AND key = ? ORDER BY id LIMIT ?",
                    (self.namespace, session_id, limit),
                ).fetchall()
            if not rows and session_id is None:
                self.count = 0  # another process may have drained it
        return [Entry(*row) for row in rows]

    def done(self, entry: Entry) -> None:
        """Remove a replayed (or refused) entry."""
        with self._lock:
            self._conn.execute("DELETE FROM session_outbox WHERE id = ?", (entry.id,))
            current = self._latest.get(entry.key)
            if current is not None and current.id == entry.id:
                del self._latest[entry.key]
            self.count = max(0, self.count - 1)

    def close(self) -> None:
        """Close the file."""
        self._conn.close()
