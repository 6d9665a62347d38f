"""Build a redis-py client (standalone, Sentinel or Cluster) from one ``REDIS_URL``.

Scale-out is configuration only: ``redis://`` / ``rediss://`` / ``unix://`` give a single
server, ``redis+sentinel://host:port,host:port/<service>/<db>`` asks Sentinel for the
current master, and ``redis+cluster://host:port,host:port`` talks to a Redis Cluster.
Retries are switched off on purpose: the circuit breaker, not redis-py's exponential
back-off (about 4 s per call against a closed port), decides when Redis is tried again.

``on_connect`` (standalone and Sentinel) runs on every new connection, before its first
command: a restarted or failed-over server drops every connection, so this is where a
server that may have lost or rewound data is noticed, at no cost to the hot path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import redis
from redis.backoff import NoBackoff
from redis.cluster import ClusterNode, RedisCluster
from redis.retry import Retry
from redis.sentinel import Sentinel

RedisClient = Any  # redis.Redis or redis.cluster.RedisCluster: both speak the commands used.


def redact_url(url: str) -> str:
    """Return ``url`` with any password replaced by ``***`` (safe for logs and repr)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable url>"
    if parts.password is None:
        return url
    user = parts.username or ""
    netloc = f"{user}:***@{parts.netloc.rsplit('@', 1)[1]}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _hosts(netloc: str, default_port: int) -> list[tuple[str, int]]:
    hosts = []
    for item in netloc.rsplit("@", 1)[-1].split(","):
        host, _, port = item.rpartition(":") if ":" in item else (item, "", "")
        hosts.append((host or item, int(port) if port else default_port))
    return hosts


def build_client(
    url: str, socket_timeout: float, on_connect: Callable[[Any], None] | None = None
) -> RedisClient:
    """Create the client for ``url`` with short timeouts and no hidden retries."""
    parts = urlsplit(url)
    password = unquote(parts.password) if parts.password else None
    username = unquote(parts.username) if parts.username else None
    common: dict[str, Any] = {
        "socket_timeout": socket_timeout,
        "socket_connect_timeout": socket_timeout,
        "retry": Retry(NoBackoff(), 0),
        "health_check_interval": 0,
        "decode_responses": False,
    }
    if on_connect is not None and parts.scheme != "redis+cluster":
        hook = on_connect

        def connected(connection: Any) -> None:
            connection.on_connect()  # AUTH, SELECT, ... as usual
            hook(connection)

        common["redis_connect_func"] = connected
    if parts.scheme == "redis+sentinel":
        segments = [s for s in parts.path.split("/") if s]
        if not segments:
            raise ValueError("redis+sentinel:// URLs need a service name: .../<service>/<db>")
        service = segments[0]
        db = int(segments[1]) if len(segments) > 1 else 0
        sentinel = Sentinel(  # type: ignore[no-untyped-call]
            _hosts(parts.netloc, 26379),
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
        )
        return sentinel.master_for(  # type: ignore[no-untyped-call]
            service, db=db, password=password, username=username, **common
        )
    if parts.scheme == "redis+cluster":
        nodes = [
            ClusterNode(h, p)  # type: ignore[no-untyped-call]
            for h, p in _hosts(parts.netloc, 6379)
        ]
        common.pop("health_check_interval")
        return RedisCluster(
            startup_nodes=nodes,
            password=password,
            username=username,
            **common,
        )
    return redis.Redis.from_url(url, **common)
