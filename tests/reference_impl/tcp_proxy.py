"""A loopback TCP proxy the fault tests put in front of a database and then break.

``cut()`` resets every connection and refuses new ones (a dead host or a firewall that
rejects); ``blackhole()`` keeps connections open, accepts new ones and forwards nothing in
either direction (a hung server, a silent network); ``heal()`` forwards again.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import struct
import threading

PASS, CUT, BLACKHOLE = "pass", "cut", "blackhole"


class TcpProxy:
    """Forwards 127.0.0.1:<port> to ``target`` until told otherwise."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.mode = PASS
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.setblocking(False)
        self.port = int(self._listener.getsockname()[1])
        self._pairs: dict[socket.socket, socket.socket] = {}
        self._held: list[socket.socket] = []  # accepted while black-holed: never answered
        self._sel = selectors.DefaultSelector()
        self._sel.register(self._listener, selectors.EVENT_READ)
        self._lock = threading.Lock()
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def cut(self) -> None:
        with self._lock:
            self.mode = CUT
            for sock in list(self._pairs):
                self._close(sock, reset=True)

    def blackhole(self) -> None:
        with self._lock:
            self.mode = BLACKHOLE
            for sock in self._pairs:  # stop reading: bytes stay where they are
                with contextlib.suppress(KeyError, ValueError):
                    self._sel.unregister(sock)

    def heal(self) -> None:
        with self._lock:
            if self.mode == BLACKHOLE:
                # The silent connections lost bytes: a real network would have broken them.
                for sock in list(self._pairs):
                    self._close(sock, reset=True)
                for sock in self._held:
                    sock.close()
                self._held.clear()
            self.mode = PASS

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        with self._lock:
            for sock in list(self._pairs):
                self._close(sock, reset=False)
            for sock in self._held:
                sock.close()
        self._listener.close()

    def _close(self, sock: socket.socket, *, reset: bool) -> None:
        peer = self._pairs.pop(sock, None)
        if peer is None:
            return  # closed already, as the peer of one closed before
        for s in (sock, peer):
            self._pairs.pop(s, None)
            with contextlib.suppress(KeyError, ValueError):
                self._sel.unregister(s)
            if reset:  # RST instead of FIN: the client sees "connection reset"
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()

    def _accept(self) -> None:
        try:
            client, _ = self._listener.accept()
        except BlockingIOError:
            return
        if self.mode == BLACKHOLE:
            self._held.append(client)
            return
        if self.mode == CUT:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
            return
        try:
            upstream = socket.create_connection(self.target, timeout=2)
        except OSError:
            client.close()
            return
        for s in (client, upstream):
            s.setblocking(False)
        self._pairs[client], self._pairs[upstream] = upstream, client
        self._sel.register(client, selectors.EVENT_READ)
        self._sel.register(upstream, selectors.EVENT_READ)

    def _run(self) -> None:
        while not self._stop:
            events = self._sel.select(timeout=0.02)
            with self._lock:
                for key, _ in events:
                    sock = key.fileobj
                    assert isinstance(sock, socket.socket)
                    if sock is self._listener:
                        self._accept()
                        continue
                    if sock not in self._pairs or self.mode == BLACKHOLE:
                        continue
                    try:
                        data = sock.recv(65536)
                    except OSError:
                        data = b""
                    if not data:
                        self._close(sock, reset=False)
                        continue
                    try:
                        self._pairs[sock].sendall(data)
                    except OSError:
                        self._close(sock, reset=False)
