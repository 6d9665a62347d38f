"""Shared fixtures: the CLI runner and the databases the tests may use."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

# data, not tests: the Flask application the fix tests migrate has its own test-suite,
# which they run in its own process
collect_ignore_glob = ["fixtures/*"]

# SQLite always; PostgreSQL and MariaDB when their URLs are set (.ci/run sets both).
DATABASE_URL_VARS = ("TEST_POSTGRES_URL", "TEST_MARIADB_URL")


def database_urls(tmp_dir: Path) -> list[str]:
    urls = [f"sqlite:///{tmp_dir / 'test.sqlite3'}"]
    urls.extend(os.environ[v] for v in DATABASE_URL_VARS if os.environ.get(v))
    return urls


@pytest.fixture(autouse=True, scope="session")
def _private_cache_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The result cache and its per-user secret in a folder of the test session's own,
    never the developer's (subprocesses inherit it through the environment)."""
    home = tmp_path_factory.mktemp("cache-home")
    os.environ["XDG_CACHE_HOME"] = str(home)
    os.environ["STEERINGSYNC_CACHE_DIR"] = str(home / "results")


@pytest.fixture
def write_tree(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write ``{relative path: text}`` under a fresh project root (with a .git marker)."""

    def write(files: dict[str, str]) -> Path:
        (tmp_path / ".git").mkdir(exist_ok=True)
        for rel, text in files.items():
            target = tmp_path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return tmp_path

    return write
