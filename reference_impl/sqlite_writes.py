"""SQLite: this process's writers queue for the file's single write lock instead of polling.

SQLite has one write lock per database file. A connection that finds it taken does not
queue: its busy handler sleeps (1, 2, 5, ... up to 100 ms) and tries again, and gives up
with "database is locked" once the sleeps add up to the busy timeout. With a few threads
writing, one of them can lose every race for the whole timeout although no transaction
held the lock for long; the store then reports the database as down (and its breaker
counts it), so with Redis down too a caller gets ``SessionStoreUnavailable`` from a
database that was merely busy with this process's own writes.

``install`` puts a first-come, first-served gate in front of the first write statement of
each transaction (where SQLite takes the lock) and opens it when the connection goes back
to the pool, after its ``COMMIT`` or ``ROLLBACK``. A waiter is woken as soon as the writer
before it is done and waits at most the statement timeout, then fails as SQLite would
have; the busy timeout still bounds waits on other processes. Reads never wait: with WAL
they do not block writers and are not blocked by them. (A connection kept checked out
after its commit keeps the gate until it is returned; ORM sessions return it at commit.)
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class WriteGate:
    """A FIFO lock owned by a DBAPI connection (not a thread), so any thread may open it."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._waiting: deque[object] = deque()
        self._owner: object | None = None

    @property
    def owner(self) -> object | None:
        """The connection in its write transaction, if any."""
        return self._owner

    def acquire(self, owner: object, timeout: float) -> bool:
        """Wait (in arrival order, at most ``timeout`` s) until ``owner`` holds the gate."""
        with self._cond:
            if self._owner is owner:
                return True
            ticket = object()
            self._waiting.append(ticket)
            deadline = time.monotonic() + timeout
            try:
                while self._owner is not None or self._waiting[0] is not ticket:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._cond.wait(remaining)
                self._owner = owner
                return True
            finally:
                self._waiting.remove(ticket)
                self._cond.notify_all()  # the next in line may be first now

    def release(self, owner: object) -> None:
        """Open the gate if ``owner`` holds it (a no-op otherwise)."""
        with self._cond:
            if self._owner is owner:
                self._owner = None
                self._cond.notify_all()


_gates: dict[str, WriteGate] = {}
_gates_lock = threading.Lock()


def gate_for(database: str | None) -> WriteGate:
    """The process-wide gate of one SQLite file (every engine on it shares the lock)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return WriteGate()  # private to its engine: no other engine can open it
    key = str(Path(database).resolve())
    with _gates_lock:
        return _gates.setdefault(key, WriteGate())


def install(engine: Engine, timeout: float) -> WriteGate:
    """Queue ``engine``'s write transactions on its file's gate (register before the watchdog).

    ``timeout`` is also the connections' busy timeout: time spent at the gate is taken off
    the busy timeout of that transaction, so a statement still waits ``timeout`` at most.
    """
    gate = gate_for(engine.url.database)
    busy_ms = max(1, int(timeout * 1000))
    squeezed: set[int] = set()  # connections whose busy timeout is shortened right now

    def before_write(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip()[:7].upper().startswith(_WRITES):
            return
        owner = conn.connection.dbapi_connection
        if gate.owner is owner:
            return
        started = time.monotonic()
        if not gate.acquire(owner, timeout):
            raise sqlite3.OperationalError(
                f"database is locked (this process's other writers held it over {timeout:g} s)"
            )
        left_ms = busy_ms - int((time.monotonic() - started) * 1000)
        if left_ms < busy_ms:
            owner.execute(f"PRAGMA busy_timeout={max(1, left_ms)}")
            squeezed.add(id(owner))

    def done(dbapi_connection: Any, *_args: Any) -> None:
        if dbapi_connection is None:
            return
        if id(dbapi_connection) in squeezed:
            squeezed.discard(id(dbapi_connection))
            with contextlib.suppress(sqlite3.Error):  # a closing connection needs none
                dbapi_connection.execute(f"PRAGMA busy_timeout={busy_ms}")
        gate.release(dbapi_connection)

    event.listen(engine, "before_cursor_execute", before_write)
    # Back in the pool means committed or rolled back: SQLite has released its lock.
    for name in ("reset", "checkin", "invalidate", "close"):
        event.listen(engine.pool, name, done)
    return gate
