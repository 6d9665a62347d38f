"""The command line as users drive it: exit codes, messages, options, config errors."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from steeringsync.cli import main

DEPRECATED = "with unified_session_manager.get_db_session() as s:\n    s.query(M).all()\n"
Tree = Callable[[dict[str, str]], Path]


@pytest.fixture
def project(write_tree: Tree, monkeypatch: pytest.MonkeyPatch) -> Path:
    views = "from app.database import db_manager\n\n" + DEPRECATED
    root = write_tree({"app/views.py": views, "app/clean.py": "x = 1\n"})
    monkeypatch.chdir(root)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_findings_exit_1_with_location_and_summary(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "check")
    assert code == 1
    assert out.splitlines() == [
        "app/views.py:",
        "  3:6 SS001 [*] `unified_session_manager.get_db_session()` is deprecated: "
        "use `db_manager.get_session()` and `db_manager.close_session(session)`",
        "",
        "Found 1 finding (1 fixable with `steeringsync check --fix`).",
    ]
    code, out, _ = run(capsys, "check", "--output-format", "concise")
    assert out.splitlines()[0].startswith("app/views.py:3:6: SS001 [*] `unified_session")


def test_clean_tree_says_only_all_checks_passed(write_tree: Tree, monkeypatch, capsys) -> None:
    monkeypatch.chdir(write_tree({"a.py": "x = 1\n", ".kiro/steering/empty.md": "# Title\n"}))
    code, out, err = run(capsys, "check")
    assert (code, out, err) == (0, "All checks passed.\n", "")


def test_site_without_replacement_in_scope_says_why_it_is_not_fixable(
    project: Path, capsys
) -> None:
    (project / "app/views.py").write_text(DEPRECATED)
    code, out, _ = run(capsys, "check", "--quiet")
    assert code == 1 and "[*]" not in out
    assert "not fixed automatically: `db_manager` is not defined in this module" in out


def test_exit_zero_and_quiet(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "check", "--exit-zero", "--quiet")
    assert code == 0
    assert out.splitlines()[0] == "app/views.py:" and "Found" not in out
    assert len(out.splitlines()) == 2


def test_paths_are_relative_to_the_working_directory(project: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(project / "app")
    _, out, _ = run(capsys, "check", "--quiet", ".")
    assert out.startswith("views.py:\n  3:6 SS001")


def test_missing_path_is_a_one_line_usage_error(project: Path, capsys) -> None:
    code, out, err = run(capsys, "check", "nope.py")
    assert code == 2 and out == ""
    assert err == "steeringsync: error: nope.py: no such file or directory\n"


def test_unknown_option_is_exit_2(project: Path, capsys) -> None:
    code, _, err = run(capsys, "check", "--frobnicate")
    assert code == 2 and "No such option" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[tool.steeringsync]\nfrobnicate = 1\n", "`tool.steeringsync.frobnicate`: unknown key"),
        ("[tool.steeringsync]\nexclude = 3\n", "`tool.steeringsync.exclude`: expected a list"),
        ("[tool.steeringsync]\nselect = ['SS-1']\n", "`tool.steeringsync.select`"),
        (
            "[tool.steeringsync.session-migration]\ncommit-on-exit = 'yes'\n",
            "`tool.steeringsync.session-migration.commit-on-exit`: expected true or false",
        ),
        (
            "[tool.steeringsync.session-migration]\ndeprecated = 'nodot'\n",
            "`tool.steeringsync.session-migration.deprecated`",
        ),
        (
            "[tool.steeringsync.session-migration]\nreplacement-import = 'from x import'\n",
            "replacement-import",
        ),
        ("[tool.steeringsync\n", "invalid TOML"),
    ],
)
def test_config_errors_name_file_and_key(project: Path, capsys, toml: str, message: str) -> None:
    (project / "pyproject.toml").write_text(toml)
    code, out, err = run(capsys, "check")
    assert code == 2 and out == ""
    assert err.startswith(f"steeringsync: error: {project / 'pyproject.toml'}: ")
    assert message in err
    assert "Traceback" not in err


def test_bad_glob_is_a_config_error(project: Path, capsys) -> None:
    (project / "steeringsync.toml").write_text("exclude = ['**/[z-a].py']\n")
    code, _, err = run(capsys, "check")
    assert code == 2 and "steeringsync.toml" in err and "`exclude`: bad glob" in err


def test_standalone_config_wins_and_explicit_config(project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text("[tool.steeringsync]\nignore = ['SS001']\n")
    assert run(capsys, "check")[0] == 0
    (project / "steeringsync.toml").write_text("select = ['SS001']\n")
    assert run(capsys, "check")[0] == 1
    other = project / "other.toml"
    other.write_text("ignore = ['SS0']\n")
    assert run(capsys, "check", "--config", str(other))[0] == 0


def test_select_and_ignore(project: Path, capsys) -> None:
    assert run(capsys, "check", "--ignore", "SS001")[0] == 0
    assert run(capsys, "check", "--select", "SS9")[0] == 0
    assert run(capsys, "check", "--select", "SS0,SS9")[0] == 1
    code, _, err = run(capsys, "check", "--select", "S-1")
    assert code == 2 and "not a rule code" in err


def test_statistics_counts_suppressed_too(project: Path, capsys) -> None:
    (project / "app/more.py").write_text(
        DEPRECATED.replace("as s:", "as s:  # noqa: SS001") + DEPRECATED
    )
    code, out, _ = run(capsys, "check", "--statistics")
    assert code == 1
    assert out.split() == ["2", "SS001", "deprecated-db-session", "(1", "suppressed)"]


def test_syntax_error_is_reported_and_other_files_still_checked(project: Path, capsys) -> None:
    (project / "app/broken.py").write_text("with unified_session_manager.get_db_session( as s:\n")
    code, out, _ = run(capsys, "check", "--quiet", "--output-format", "concise")
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines()] == ["app/broken.py", "app/views.py"]
    assert "SS900 syntax error" in out


def test_rules_and_rule_docs(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    assert any(
        line.startswith("SS001  deprecated-db-session") and " fix " in line
        for line in out.splitlines()
    )
    code, out, _ = run(capsys, "rule", "ss001")
    assert code == 0
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Fix safety"):
        assert section in out
    code, _, err = run(capsys, "rule", "SS999")
    assert code == 2 and "unknown rule 'SS999'" in err


def test_version(capsys) -> None:
    from steeringsync import __version__

    code, out, _ = run(capsys, "--version")
    assert code == 0 and __version__ in out


def test_no_steering_dir_is_a_notice_and_code_rules_still_run(project: Path, capsys) -> None:
    code, _, err = run(capsys, "check")
    assert code == 1
    assert err == "note: no steering directory at .kiro/steering; only code rules ran\n"


def test_installed_entry_point_and_module(project: Path) -> None:
    exe = Path(sys.executable).parent / "steeringsync"
    for argv in ([str(exe)], [sys.executable, "-m", "steeringsync"]):
        proc = subprocess.run(
            [*argv, "check", "--quiet"], capture_output=True, text=True, cwd=project
        )
        assert proc.returncode == 1, proc.stderr
        assert proc.stdout.startswith("app/views.py:\n  3:6 SS001")
