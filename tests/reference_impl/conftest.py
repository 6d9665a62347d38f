"""Fixtures for reference_impl: real Redis servers on free ports and every configured DB."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from redis_servers import RedisServer
from sqlalchemy import create_engine, text

from reference_impl.breaker import CircuitBreaker
from reference_impl.db_manager import DatabaseManager
from reference_impl.ids import default_token
from reference_impl.redis_session_manager import RedisSessionManager
from reference_impl.settings import Settings

DB_ENV = {"postgresql": "TEST_POSTGRES_URL", "mariadb": "TEST_MARIADB_URL"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: real multi-process Redis set-ups (run by default)")


def _db_params() -> list[Any]:
    params = [pytest.param("sqlite", id="sqlite")]
    for kind, env in DB_ENV.items():
        if os.environ.get(env):
            params.append(pytest.param(kind, id=kind))
    return params


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reference_impl")


@pytest.fixture(scope="session")
def redis_server(workdir: Path) -> Iterator[RedisServer]:
    """One Redis for the contract tests (each test uses its own key prefix)."""
    server = RedisServer(workdir).start()
    yield server
    server.stop()


@pytest.fixture
def own_redis(workdir: Path) -> Iterator[RedisServer]:
    """A Redis this test may kill, hang or restart."""
    server = RedisServer(workdir).start()
    yield server
    server.stop()


def _schema_name() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"ssref_{worker}_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session", params=_db_params())
def database(request: pytest.FixtureRequest, workdir: Path) -> Iterator[DatabaseManager]:
    """A DatabaseManager on SQLite and on each server DB whose URL is set, in a private schema."""
    kind = request.param
    if kind == "sqlite":
        db = DatabaseManager(f"sqlite:///{workdir / 'sessions.db'}")
        db.create_all()
        yield db
        db.dispose()
        return
    url = os.environ[DB_ENV[kind]]
    schema = _schema_name()
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    statement = "SCHEMA" if kind == "postgresql" else "DATABASE"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE {statement} {schema}"))
    db = DatabaseManager(url, schema=schema)
    db.create_all()
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            cascade = " CASCADE" if kind == "postgresql" else ""
            conn.execute(text(f"DROP {statement} IF EXISTS {schema}{cascade}"))
        admin.dispose()


@pytest.fixture
def prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}:"


ManagerFactory = Callable[..., RedisSessionManager]


@pytest.fixture
def make_manager(
    redis_server: RedisServer, database: DatabaseManager, prefix: str, workdir: Path
) -> Iterator[ManagerFactory]:
    """Build managers against real Redis and the parametrized database, isolated by prefix."""
    made: list[RedisSessionManager] = []

    def factory(
        server: RedisServer | None = None,
        *,
        breaker: CircuitBreaker | None = None,
        url: str | None = None,
        token_factory: Callable[[], str] | None = None,
        db: DatabaseManager | None = None,
        **overrides: Any,
    ) -> RedisSessionManager:
        settings = Settings(
            session_outbox_path=str(workdir / f"outbox-{uuid.uuid4().hex[:8]}.db"),
            redis_url=url or (server or redis_server).url,
            redis_session_prefix=prefix,
            database_url=(db or database).url,
            redis_socket_timeout=0.2,
            redis_breaker_threshold=3,
            redis_breaker_reset=0.5,
        )
        settings = replace(settings, **overrides)
        manager = RedisSessionManager(
            settings,
            db=db or database,
            breaker=breaker or CircuitBreaker(3, settings.redis_breaker_reset),
            token_factory=token_factory or default_token,
        )
        made.append(manager)
        if manager.uses_db:
            # As a deployment would at startup: reconcile this (new to us) server now, so
            # tests start from the steady state; detection itself is tested by the faults.
            with contextlib.suppress(Exception):
                manager.resync(timeout=10)
        return manager

    yield factory
    for manager in made:
        manager.redis.client.close()
        manager.outbox.close()
