"""Bounded waits on the database: per-dialect timeouts plus a watchdog for a silent peer.

Server-side timeouts (``statement_timeout``, ``innodb_lock_wait_timeout``, SQLite's busy
timeout) end a slow statement, but not a database that accepted the connection and then
went silent (a black-holed network, a hung proxy): the driver waits on the socket forever.
The watchdog arms a deadline around every statement, commit, rollback and checkout ping
and, past it, interrupts the connection from outside: ``sqlite3.Connection.interrupt()``,
or a ``shutdown()`` of the driver's socket, after which the driver raises and SQLAlchemy
discards the connection. One daemon thread serves every engine of the process.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import socket
import threading
import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

log = logging.getLogger("reference_impl.db")

#: How often the watchdog looks at its deadlines: a timeout fires at most this much late.
_TICK = 0.02


def connect_args(url: str, connect_timeout: float, statement_timeout: float) -> dict[str, Any]:
    """Driver arguments that bound connecting and each statement, for ``url``'s dialect."""
    ms = max(1, int(statement_timeout * 1000))
    if url.startswith("sqlite"):
        return {"check_same_thread": False, "timeout": statement_timeout}
    if url.startswith("postgresql"):
        # libpq (and psycopg) round connect_timeout up to 2 seconds.
        return {
            "connect_timeout": max(2, math.ceil(connect_timeout)),
            "options": f"-c statement_timeout={ms} -c lock_timeout={ms}",
        }
    if url.startswith(("mysql", "mariadb")):
        return {
            "connect_timeout": connect_timeout,
            "read_timeout": statement_timeout,
            "write_timeout": statement_timeout,
            "init_command": (
                f"SET SESSION innodb_lock_wait_timeout={max(1, math.ceil(statement_timeout))}"
            ),
        }
    return {}


def _interrupt(dbapi_connection: Any) -> None:
    """Make a blocked call on ``dbapi_connection`` return with an error."""
    interrupt = getattr(dbapi_connection, "interrupt", None)
    if interrupt is not None:  # sqlite3
        interrupt()
        return
    fd = -1
    pgconn = getattr(dbapi_connection, "pgconn", None)
    if pgconn is not None:  # psycopg 3
        fd = int(pgconn.socket)
    else:
        sock = getattr(dbapi_connection, "_sock", None)  # PyMySQL
        fd = sock.fileno() if sock is not None else -1
    if fd < 0:
        return
    dup = socket.socket(fileno=os.dup(fd))
    try:
        dup.shutdown(socket.SHUT_RDWR)
    finally:
        dup.close()


class Watchdog:
    """Deadlines per DBAPI connection, enforced by one background thread."""

    def __init__(self) -> None:
        self._deadlines: dict[int, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.fired = 0

    def arm(self, dbapi_connection: Any, seconds: float) -> None:
        """Interrupt ``dbapi_connection`` if it is still busy ``seconds`` from now."""
        with self._lock:
            self._deadlines[id(dbapi_connection)] = (time.monotonic() + seconds, dbapi_connection)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="reference_impl-db-watchdog", daemon=True
                )
                self._thread.start()

    def disarm(self, dbapi_connection: Any) -> None:
        """The call on ``dbapi_connection`` finished in time."""
        self._deadlines.pop(id(dbapi_connection), None)

    def _run(self) -> None:
        while True:
            time.sleep(_TICK)
            now = time.monotonic()
            with self._lock:
                due = [k for k, (at, _) in self._deadlines.items() if at <= now]
                expired = [self._deadlines.pop(k)[1] for k in due]
            for dbapi_connection in expired:
                self.fired += 1
                log.warning("database call over its deadline: interrupting the connection")
                # Already closed or broken: nothing left to interrupt.
                with contextlib.suppress(Exception):
                    _interrupt(dbapi_connection)


watchdog = Watchdog()


def install(engine: Engine, statement_timeout: float, *, ping: bool) -> None:
    """Arm the watchdog around everything that can block on ``engine``'s connections."""
    # A little over the server-side timeout: let the database report its own error first.
    limit = statement_timeout + 0.25

    def arm_cursor(conn: Any, *_args: Any) -> None:
        watchdog.arm(conn.connection.dbapi_connection, limit)

    def disarm_cursor(conn: Any, *_args: Any) -> None:
        watchdog.disarm(conn.connection.dbapi_connection)

    def arm_tx(conn: Any, *_args: Any) -> None:
        if not conn.invalidated:
            watchdog.arm(conn.connection.dbapi_connection, limit)

    def on_error(context: Any) -> None:
        if context.connection is not None and not context.connection.invalidated:
            watchdog.disarm(context.connection.connection.dbapi_connection)

    def arm_reset(dbapi_connection: Any, *_args: Any) -> None:
        watchdog.arm(dbapi_connection, limit)

    def disarm_checkin(dbapi_connection: Any, *_args: Any) -> None:
        if dbapi_connection is not None:
            watchdog.disarm(dbapi_connection)

    def ping_checkout(dbapi_connection: Any, *_args: Any) -> None:
        # pool_pre_ping's ping, but bounded: a silent peer must not hang the checkout.
        watchdog.arm(dbapi_connection, limit)
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
                cursor.fetchall()
            finally:
                cursor.close()
        except Exception as exc:
            raise DisconnectionError(f"pooled connection failed its ping: {exc}") from exc
        finally:
            watchdog.disarm(dbapi_connection)

    event.listen(engine, "before_cursor_execute", arm_cursor)
    event.listen(engine, "after_cursor_execute", disarm_cursor)
    event.listen(engine, "commit", arm_tx)
    event.listen(engine, "rollback", arm_tx)
    event.listen(engine, "handle_error", on_error)
    event.listen(engine.pool, "reset", arm_reset)
    event.listen(engine.pool, "checkin", disarm_checkin)
    if ping:
        event.listen(engine.pool, "checkout", ping_checkout)
