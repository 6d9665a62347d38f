"""The fixed code behaves exactly like the deprecated context manager, on real databases.

``app.py`` (tests/fixtures/fix/equivalence) is run on a fresh table, then fixed, then run
again on another fresh table: return values, raised exception types, the rows left and
the sessions left open must be identical. SQLite always; PostgreSQL and MariaDB when
``TEST_POSTGRES_URL`` / ``TEST_MARIADB_URL`` are set. Tables get a unique name per run
so concurrent runs on a shared server do not collide.
"""

from __future__ import annotations

import shutil
import sys
import types
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Integer, String, create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from steeringsync import api
from steeringsync.config import Config, SessionMigration
from steeringsync.project import Project
from tests.conftest import database_urls

APP = Path(__file__).parent.parent / "fixtures" / "fix" / "equivalence" / "app.py"
IMPORT = "from eq_runtime import db_manager"

# (function, args): "repository" calls Repository(...).save
SCENARIO: list[tuple[str, tuple[Any, ...]]] = [
    ("create", ("a",)),
    ("create_returning_id", ("b",)),
    ("create_then_fail", ("c",)),
    ("interrupted", ("d",)),
    ("duplicate_fails_at_commit", ("a",)),
    ("duplicate_fails_at_commit", ("e",)),
    ("loop_with_break_and_continue", (["f", "skip", "g", "stop", "h"],)),
    ("loop_with_break_and_continue", (["i", "a", "j"],)),
    ("early_return_in_loop", (["k", "l", "return", "m"],)),
    ("early_return_in_loop", (["n", "a"],)),
    ("early_return_in_loop", (["w"],)),
    ("without_as", ("o",)),
    ("nested", ("p", "q", False)),
    ("nested", ("r", "s", True)),
    ("nested", ("t", "a", False)),
    ("several_items", ("u",)),
    ("repository", ("v",)),
    ("repository", ("a",)),
    ("two_exits", ("none",)),
    ("two_exits", ("x",)),
    ("two_exits", ("a",)),
]


# app_bound.py: db_manager comes from the application object, bound late or in a branch
SCENARIO_BOUND: list[tuple[str, tuple[Any, ...]]] = [
    ("late_bound", ("a",)),
    ("late_bound", ("a",)),
    ("branch_bound", ("b", True)),
    ("branch_bound", ("c", False)),
    ("branch_bound", ("fail", False)),
    ("branch_bound", ("b", False)),
    ("guarded", ("d",)),
    ("guarded", ("d",)),
    ("two_sites", ("e", "f")),
    ("two_sites", ("g", "e")),
]
APP_BOUND = APP.with_name("app_bound.py")


class DbManager:
    """``db_manager``: hands out sessions and counts the ones not yet closed."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory
        self.open = 0

    def get_session(self) -> Session:
        self.open += 1
        return self.factory()

    def close_session(self, session: Session) -> None:
        session.close()
        self.open -= 1


class UnifiedSessionManager:
    """The deprecated manager, as the application ships it: transactional."""

    def __init__(self, db: DbManager) -> None:
        self.db = db

    @contextmanager
    def get_db_session(self) -> Iterator[Session]:
        session = self.db.get_session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            self.db.close_session(session)


@dataclass
class Outcome:
    results: list[tuple[str, Any]]
    rows: list[str]
    open_sessions: int


def _model(table: str) -> tuple[type[DeclarativeBase], type[Any]]:
    class Base(DeclarativeBase):
        pass

    class Item(Base):
        __tablename__ = table
        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        name: Mapped[str] = mapped_column(String(50), unique=True)

    return Base, Item


def run(
    source: str,
    url: str,
    monkeypatch: pytest.MonkeyPatch,
    scenario: list[tuple[str, tuple[Any, ...]]] = SCENARIO,
) -> Outcome:
    engine = create_engine(url)
    base, item = _model(f"eq_items_{uuid.uuid4().hex[:12]}")
    base.metadata.create_all(engine)
    try:
        db = DbManager(sessionmaker(engine))
        usm = UnifiedSessionManager(db)
        runtime = types.ModuleType("eq_runtime")
        runtime.Item = item  # type: ignore[attr-defined]
        runtime.db_manager = db  # type: ignore[attr-defined]
        runtime.unified_session_manager = usm  # type: ignore[attr-defined]
        runtime.count_rows = lambda s: s.scalar(select(func.count()).select_from(item))  # type: ignore[attr-defined]
        app = types.SimpleNamespace(config={"db_manager": db}, unified_session_manager=usm)
        runtime.current_app = app  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "eq_runtime", runtime)
        namespace: dict[str, Any] = {"__name__": "eq_app"}
        exec(compile(source, str(APP), "exec"), namespace)
        results: list[tuple[str, Any]] = []
        for name, args in scenario:
            if name == "repository":
                call = namespace["Repository"](db, usm).save
            else:
                call = namespace[name]
            try:
                results.append(("returned", call(*args)))
            except BaseException as exc:  # KeyboardInterrupt is part of the scenario
                results.append(("raised", type(exc).__name__))
        with Session(engine) as session:
            rows = sorted(session.scalars(select(item.name)))
        return Outcome(results, rows, db.open)
    finally:
        base.metadata.drop_all(engine)
        engine.dispose()


def fixed_source(tmp_path: Path, migration: SessionMigration, app: Path = APP) -> str:
    target = tmp_path / app.name
    shutil.copyfile(app, target)
    project = Project(tmp_path, Config(session_migration=migration))
    report = api.check(project, api.CheckOptions(paths=(target,), fix=True, cache=False))
    assert report.fixed_files == [target]
    return target.read_text()


@pytest.fixture(params=database_urls(Path("/tmp")), ids=lambda u: u.partition(":")[0])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    value = str(request.param)
    if value.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'eq.sqlite3'}"
    return value


def test_fixed_module_behaves_like_the_deprecated_one(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    migration = SessionMigration(replacement_import=IMPORT)
    fixed = fixed_source(tmp_path, migration)
    assert "get_db_session" not in fixed  # every site was rewritten
    before = run(APP.read_text(), url, monkeypatch)
    after = run(fixed, url, monkeypatch)
    assert after == before
    # the scenario really exercises commits, rollbacks and failures
    assert ("raised", "IntegrityError") in before.results
    assert ("raised", "KeyboardInterrupt") in before.results
    assert before.open_sessions == 0


def test_the_harness_catches_a_rewrite_that_drops_the_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # commit-on-exit = false is the docs' plain try/finally: wrong for this manager
    naive = fixed_source(
        tmp_path, SessionMigration(replacement_import=IMPORT, commit_on_exit=False)
    )
    url = f"sqlite:///{tmp_path / 'naive.sqlite3'}"
    assert run(naive, url, monkeypatch).rows != run(APP.read_text(), url, monkeypatch).rows


def test_late_and_branch_bound_replacement_behaves_like_the_deprecated_one(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no configuration: the binding is learned from the module's own assignments
    fixed = fixed_source(tmp_path, SessionMigration(), APP_BOUND)
    assert "get_db_session" not in fixed
    assert fixed.count("db_manager = current_app.config['db_manager']") == 6
    before = run(APP_BOUND.read_text(), url, monkeypatch, SCENARIO_BOUND)
    after = run(fixed, url, monkeypatch, SCENARIO_BOUND)
    assert after == before
    assert ("raised", "IntegrityError") in before.results
    assert ("raised", "ValueError") in before.results
    assert before.open_sessions == 0
