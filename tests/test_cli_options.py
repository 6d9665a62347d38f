"""The options people expect from ruff: output file, fix modes, stdin, settings, noqa
adoption, per-file ignores, extend-exclude, colour, and the exit-code contract."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from steeringsync import api
from steeringsync.cli import main

Tree = Callable[[dict[str, str]], Path]
VIEWS = (
    "from app.database import db_manager\n\n"
    "with unified_session_manager.get_db_session() as s:\n    s.query(M).all()\n"
)
DOC = ".kiro/steering/tech.md"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(write_tree: Tree, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_tree(
        {
            "app/views.py": VIEWS,
            "app/other.py": VIEWS.replace("from app.database import db_manager\n\n", ""),
            "tests/test_views.py": VIEWS,
            DOC: "# Tech\n\nSee #[[file:docs/missing.md]].\n",
        }
    )
    monkeypatch.chdir(root)
    return root


def test_output_file(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "check", "--output-format", "json", "-o", "report.json")
    assert code == 1 and out == ""
    items = json.loads((project / "report.json").read_text())
    assert {i["code"] for i in items} == {"SS001", "SS302"}


def test_fix_only_exit_non_zero_on_fix_and_show_fixes(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "check", "--fix-only", "--no-cache")
    assert code == 0  # what remains is not reported
    assert out == (
        "Fixed 2 findings:\n- app/views.py:\n    1 x SS001 (deprecated-db-session)\n"
        "- tests/test_views.py:\n    1 x SS001 (deprecated-db-session)\n"
    )
    assert "db_manager.get_session()" in (project / "app/views.py").read_text()
    (project / "app/views.py").write_text(VIEWS)
    code, out, _ = run(capsys, "check", "--fix", "--exit-non-zero-on-fix", "--select", "SS0")
    assert code == 1 and "Fixed app/views.py" in out
    (project / "app/views.py").write_text(VIEWS)
    code, out, _ = run(capsys, "check", "--fix", "--show-fixes", "--ignore", "SS001,SS302")
    assert code == 0 and "Fixed" not in out


def test_stdin_filename_checks_the_text_given(project: Path, capsys, monkeypatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(VIEWS.encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = run(
        capsys, "check", "--stdin-filename", "app/new.py", "--output-format", "concise"
    )
    assert code == 1
    assert out.splitlines()[0].startswith("app/new.py:3:6: SS001")
    assert not (project / "app/new.py").exists()
    stdin = io.TextIOWrapper(io.BytesIO(b"# Tech\n\n[x](nowhere.md)\n"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = run(capsys, "check", "--stdin-filename", DOC, "--output-format", "concise")
    assert code == 1 and "tech.md:3:5: SS302" in out and "missing.md" not in out


def test_show_settings(project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text("[tool.steeringsync]\nignore = ['SS9']\n")
    code, out, _ = run(capsys, "check", "--show-settings")
    assert code == 0
    assert f"Configuration: {project / 'pyproject.toml'}" in out
    assert "  .kiro/steering/tech.md" in out and "ignore = ('SS9',)" in out
    assert "  SS001  deprecated-db-session" in out and "SS900" not in out


def test_add_noqa_then_nothing_is_reported(project: Path, capsys) -> None:
    code, _, err = run(capsys, "check", "--add-noqa", "--no-cache")
    assert code == 0 and "Added 4 noqa comment(s) to 4 file(s)." in err
    assert "as s:  # noqa: SS001\n" in (project / "app/views.py").read_text()
    assert (project / DOC).read_text().endswith("[[file:docs/missing.md]].  <!-- noqa: SS302 -->\n")
    assert run(capsys, "check", "--no-cache")[0] == 0


def test_per_file_ignores_and_extend_exclude(project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.steeringsync]\nignore = ['SS302']\n"
        "[tool.steeringsync.per-file-ignores]\n'tests/**' = ['SS0']\n"
    )
    code, out, _ = run(capsys, "check", "--no-cache", "--output-format", "concise", "-q")
    assert code == 1
    assert {line.split(":")[0] for line in out.splitlines()} == {"app/views.py", "app/other.py"}
    code, out, _ = run(
        capsys, "check", "--no-cache", "--output-format", "concise", "--extend-exclude", "app/o*"
    )
    assert {line.split(":")[0] for line in out.splitlines() if ": SS" in line} == {"app/views.py"}


def test_colour_on_request_and_never_with_no_color(project: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b[" in run(capsys, "check")[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run(capsys, "check")[1]


def test_repository_text_cannot_drive_the_terminal(project: Path, capsys) -> None:
    (project / DOC).write_text("# Tech\n\nSee #[[file:docs/\x1b[31mred.md]].\n")
    out = run(capsys, "check", "--output-format", "full")[1]
    assert "\x1b" not in out and "\\x1b[31mred.md" in out


def test_internal_error_exits_3(project: Path, capsys, monkeypatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(api, "check", boom)
    code, _, err = run(capsys, "check")
    assert code == 3 and "internal error: RuntimeError: bug" in err


@pytest.mark.parametrize(
    "argv", [["--fix", "--diff"], ["--add-noqa", "--fix"], ["--stdin-filename", "a.py", "--fix"]]
)
def test_conflicting_options_exit_2(project: Path, capsys, argv: list[str]) -> None:
    assert run(capsys, "check", *argv)[0] == 2
