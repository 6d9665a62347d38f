"""``steeringsync check --fix`` / ``--diff`` through the CLI: output, exit codes, files."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from steeringsync.cli import main

FIXABLE = (
    "from app.database import db_manager\n"
    "from app.session import unified_session_manager\n\n\n"
    "def save(row):\n"
    "    with unified_session_manager.get_db_session() as session:\n"
    "        session.add(row)\n"
)
MANUAL = (
    "from app.session import unified_session_manager\n\n\n"
    "def save(row):\n"
    "    with unified_session_manager.get_db_session() as session:\n"
    "        session.add(row)\n"
)


@pytest.fixture
def project(write_tree: Callable[[dict[str, str]], Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_tree({"app/fixable.py": FIXABLE, "app/manual.py": MANUAL})
    monkeypatch.chdir(root)
    return root


def test_diff_prints_the_change_writes_nothing_and_exits_1(project: Path, capsys) -> None:
    before = (project / "app/fixable.py").stat().st_mtime_ns
    code = main(["check", "--diff", "app"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.startswith("--- a/app/fixable.py\n+++ b/app/fixable.py\n")
    assert "-    with unified_session_manager.get_db_session() as session:\n" in out
    assert "+    session = db_manager.get_session()\n" in out
    assert "manual.py" not in out
    assert "Would fix 1 file." in err
    assert (project / "app/fixable.py").read_text() == FIXABLE
    assert (project / "app/fixable.py").stat().st_mtime_ns == before


def test_diff_exits_0_when_nothing_would_change(project: Path, capsys) -> None:
    assert main(["check", "--diff", "app/manual.py"]) == 0
    assert capsys.readouterr().out == ""


def test_fix_rewrites_and_reports_what_remains(project: Path, capsys) -> None:
    code = main(["check", "--fix", "--output-format", "concise", "app"])
    out, _ = capsys.readouterr()
    assert code == 1  # the manual site remains
    assert "app/manual.py:5:10: SS001" in out
    assert "`db_manager` is not defined in this module" in out
    assert "Fixed app/fixable.py\n" in out
    assert "app/fixable.py:" not in out
    assert "db_manager.close_session(session)" in (project / "app/fixable.py").read_text()


def test_fix_exits_0_when_nothing_remains(project: Path, capsys) -> None:
    os.remove(project / "app/manual.py")
    assert main(["check", "--fix", "app"]) == 0
    assert "Fixed app/fixable.py" in capsys.readouterr().out
    assert main(["check", "--fix", "app"]) == 0  # and a second run is a no-op
    assert "Fixed" not in capsys.readouterr().out


def test_suppressed_sites_are_not_fixed(project: Path) -> None:
    target = project / "app/fixable.py"
    target.write_text(FIXABLE.replace("as session:", "as session:  # noqa: SS001"))
    assert main(["check", "--fix", "app/fixable.py"]) == 0
    assert "get_db_session" in target.read_text()


def test_replacement_import_from_config_is_added(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.steeringsync.session-migration]\n"
        'replacement-import = "from app.database import db_manager"\n'
    )
    assert main(["check", "--fix", "app/manual.py"]) == 0
    text = (project / "app/manual.py").read_text()
    assert text.startswith("from app.database import db_manager\n\n\n")
    assert "unified_session_manager" not in text  # its import was no longer used


def test_a_result_that_would_not_compile_is_not_written(project: Path, capsys) -> None:
    # `await` outside a function parses, but does not compile: nor would the fixed file
    target = project / "app/fixable.py"
    target.write_text(FIXABLE + "await later()\n")
    before = target.read_bytes()
    assert main(["check", "--fix", "app/fixable.py"]) == 1
    assert "not fixed: the rewritten file would not compile" in capsys.readouterr().err
    assert target.read_bytes() == before
