"""``check --fix`` on a Flask application, with no configuration at all.

The application (tests/fixtures/fix/flask_app) gets its managers from ``current_app`` in
the shapes real applications use: ``getattr`` with a guard, an attribute, an
``extensions`` entry, late and branch-only bindings of ``db_manager``, a function-level
import. Its ``get_session()`` returns a plain session; the ``flask_app_cm`` overlay makes
it a committing context manager. For each: the app's own test-suite passes before and
after the fix against a real database, every site is fixed except those marked
``# expect-manual``, ruff's F821/F823/F841/F401/F811 find nothing new, and a second
``--fix`` changes nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from steeringsync import api
from steeringsync.config import Config
from steeringsync.project import Project
from tests.conftest import database_urls

FIXTURES = Path(__file__).parent.parent / "fixtures" / "fix"
RUFF_CODES = "F821,F823,F841,F401,F811"


def make_app(variant: str, target: Path) -> Path:
    shutil.copytree(FIXTURES / "flask_app", target)
    if variant == "cm":
        shutil.copytree(FIXTURES / "flask_app_cm", target, dirs_exist_ok=True)
    (target / ".git").mkdir()
    return target


def run_app_tests(root: Path, url: str, table: str) -> None:
    env = {**os.environ, "FLASK_APP_DATABASE_URL": url, "FLASK_APP_TABLE": table}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def ruff_problems(root: Path) -> Counter[tuple[str, str, str]]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            RUFF_CODES,
            "--output-format",
            "json",
            ".",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = json.loads(done.stdout)
    return Counter((f["code"], Path(f["filename"]).name, f["message"]) for f in found)


def fix(root: Path) -> api.CheckReport:
    return api.check(Project(root, Config()), api.CheckOptions(paths=(root,), fix=True))


def manual_lines(root: Path) -> set[tuple[str, int]]:
    marked = set()
    for path in (root / "app").glob("*.py"):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if "# expect-manual" in line:
                marked.add((path.name, n))
    return marked


def drop_table(url: str, table: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
    engine.dispose()


@pytest.mark.parametrize("variant", ["plain", "cm"])
def test_fix_without_configuration_on_a_flask_app(variant: str, tmp_path: Path) -> None:
    root = make_app(variant, tmp_path / "app")
    urls = database_urls(tmp_path)
    table = f"users_{uuid.uuid4().hex[:10]}"
    try:
        for url in urls:
            run_app_tests(root, url, table)
        lint_before = ruff_problems(root)
        before = {p.name: p.read_text() for p in (root / "app").glob("*.py")}

        report = fix(root)
        assert report.fixed_files == [root / "app" / "routes.py"]
        left = {(f.path.name, f.location.line) for f in report.active if f.code == "SS001"}
        assert left == manual_lines(root)  # the marks do not move: they precede the fixes
        assert all("not fixed automatically" in f.hint for f in report.active if f.code == "SS001")
        routes = (root / "app" / "routes.py").read_text()
        assert "current_app.config['db_manager']" in routes
        assert "getattr(current_app, 'unified_session_manager'" not in routes
        assert "from app.legacy import unified_session_manager" not in routes
        if variant == "cm":
            assert "with db_manager.get_session() as session:" in routes
            assert ".commit()" not in routes
        else:
            assert "db_manager.close_session(session)" in routes
            assert "with db_manager.get_session()" not in routes
        assert any("learned from" in n and "app/routes.py" in n for n in report.notices)

        for url in urls:
            run_app_tests(root, url, table)
        assert ruff_problems(root) - lint_before == Counter()
        after = {p.name: p.read_text() for p in (root / "app").glob("*.py")}
        assert {k for k in after if after[k] != before[k]} == {"routes.py"}

        again = fix(root)
        assert again.fixed_files == []
        assert (root / "app" / "routes.py").read_text() == routes
    finally:
        for url in urls[1:]:  # server databases outlive the test
            drop_table(url, table)
