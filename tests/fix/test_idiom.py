"""What the repository says about the replacement: its binding idiom and its factory."""

from __future__ import annotations

from pathlib import Path

import pytest

from steeringsync import api
from steeringsync.config import Config, SessionMigration
from steeringsync.fix.idiom import Factory, learn
from steeringsync.project import Project


def files(tmp_path: Path, tree: dict[str, str]) -> list[Path]:
    paths = []
    for rel, text in tree.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(path)
    return paths


def fn(expr: str, name: str = "f") -> str:
    return f"def {name}():\n    db_manager = {expr}\n    return db_manager\n"


def test_the_dominant_function_level_binding_is_learned_with_where(tmp_path: Path) -> None:
    paths = files(
        tmp_path,
        {
            "a.py": fn("current_app.config['db_manager']")
            + fn('current_app.config["db_manager"]', "g"),
            "b.py": fn("current_app.config.get('db_manager')") + "db_manager = make()\n",
            "c.py": fn("current_app.config['db_manager']  # the usual way"),
        },
    )
    binding = learn(paths, "db_manager", max_size=10**6, display=lambda p: p.name).binding
    assert binding is not None
    assert binding.expression == "current_app.config['db_manager']"  # the usual spelling
    assert (binding.count, binding.total) == (3, 4)  # module level is a definition, not idiom
    assert binding.example == "a.py:2"
    assert "learned from 3 of 4 assignments in functions, e.g. a.py:2" in binding.describe()


@pytest.mark.parametrize(
    "tree",
    [
        {"a.py": fn("current_app.config['db_manager']")},  # once is no idiom
        {"a.py": fn("x.db") + fn("x.db", "g") + fn("y.db", "h") + fn("y.db", "i")},  # a tie
        {"a.py": fn("None") + fn("None", "g")},  # placeholders
    ],
)
def test_no_binding_without_a_clear_idiom(tmp_path: Path, tree: dict[str, str]) -> None:
    assert learn(files(tmp_path, tree), "db_manager", max_size=10**6).binding is None


CM = """
from contextlib import contextmanager

class DatabaseManager:
    @contextmanager
    def get_session(self):
        session = make()
        try:
            yield session
            {after}
        except Exception:
            session.rollback()
            raise
        finally:
            session.close()

    def close_session(self, session):
        session.close()
"""
PLAIN = """
class DatabaseManager:
    def get_session(self):
        return make()

    def close_session(self, session):
        session.close()
"""
OTHER = """
class RedisSessionManager:
    def get_session(self, session_id=None):
        return self.redis.get(session_id)
"""


@pytest.mark.parametrize(
    ("tree", "kind"),
    [
        ({"db.py": CM.format(after="session.commit()")}, Factory.COMMITTING_CM),
        ({"db.py": CM.format(after="pass")}, Factory.OTHER_CM),
        ({"db.py": PLAIN}, Factory.PLAIN),
        ({"db.py": PLAIN, "redis.py": OTHER}, Factory.PLAIN),  # the db-shaped class decides
        ({"redis.py": OTHER}, Factory.PLAIN),
        ({"x.py": "x = 1\n"}, Factory.UNKNOWN),
    ],
)
def test_the_factory_is_resolved_from_the_repository(
    tmp_path: Path, tree: dict[str, str], kind: Factory
) -> None:
    assert learn(files(tmp_path, tree), "db_manager", max_size=10**6).factory.kind is kind


def test_a_doc_recommending_with_over_a_plain_session_is_reported(tmp_path: Path) -> None:
    files(
        tmp_path,
        {
            ".git/HEAD": "",
            "db.py": PLAIN,
            ".kiro/steering/db.md": "# DB\n\n```python\nwith db_manager.get_session() as s:\n"
            "    s.add(row)\n```\n",
        },
    )
    report = api.check(Project(tmp_path, Config()), api.CheckOptions(paths=(tmp_path,)))
    [notice] = [n for n in report.notices if "recommends" in n]
    assert notice.startswith(".kiro/steering/db.md:4: recommends `with db_manager.get_session()`")
    assert "db.py:3" in notice


def test_a_non_committing_context_manager_leaves_sites_for_manual_migration(tmp_path: Path) -> None:
    files(
        tmp_path,
        {
            ".git/HEAD": "",
            "db.py": CM.format(after="pass"),
            "app.py": "from db import db_manager\n\ndef f():\n"
            "    with unified_session_manager.get_db_session() as s:\n        s.add(1)\n",
        },
    )
    config = Config(session_migration=SessionMigration())
    report = api.check(Project(tmp_path, config), api.CheckOptions(paths=(tmp_path,)))
    [finding] = [f for f in report.active if f.code == "SS001"]
    assert not finding.fixable
    assert "a context manager that does not commit" in finding.hint
