"""SS202: documented settings nothing reads; correct on partial scans (pre-commit)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from steeringsync import api
from steeringsync.cli import main
from steeringsync.project import Project

DOC = ".kiro/steering/tech.md"
Tree = Callable[[dict[str, str]], Path]
FILES = {
    DOC: "```bash\nTIMEOUT=30\nREMOVED_KNOB=1\n```\n",
    "app/settings.py": "import os\nT = os.getenv('TIMEOUT', '30')\n",
    "app/views.py": "x = 1\n",
}


def codes(root: Path, *paths: Path) -> list[tuple[str, int]]:
    project = Project.discover(root)
    report = api.check(project, api.CheckOptions(paths=paths, select=("SS202",)))
    return [(f.code, f.location.line) for f in report.active]


def test_only_the_setting_nothing_reads(write_tree: Tree) -> None:
    root = write_tree(FILES)
    assert codes(root, root) == [("SS202", 3)]


def test_partial_scan_still_sees_reads_in_other_files(write_tree: Tree) -> None:
    # pre-commit passes only the staged file; TIMEOUT is read in a file not passed
    root = write_tree(FILES)
    assert codes(root, root / "app" / "views.py") == [("SS202", 3)]


def test_an_env_file_counts_as_a_reader(write_tree: Tree) -> None:
    root = write_tree({**FILES, ".env.template": "REMOVED_KNOB=1\n"})
    assert codes(root, root) == []


def test_drift_exclude_silences_a_setting(write_tree: Tree) -> None:
    root = write_tree(
        {**FILES, "pyproject.toml": '[tool.steeringsync]\ndrift-exclude = ["REMOVED_*"]\n'}
    )
    assert codes(root, root) == []


def test_cli_partial_scan_reports_no_false_findings(write_tree: Tree, monkeypatch, capsys) -> None:
    root = write_tree({**FILES, DOC: "```bash\nTIMEOUT=30\n```\n"})
    monkeypatch.chdir(root)
    assert main(["check", "--select", "SS2", "app/views.py"]) == 0
    assert "All checks passed." in capsys.readouterr().out


def test_a_setting_read_by_non_python_code_or_tools_is_used(write_tree: Tree) -> None:
    # Lesson from the development corpus: Go, shell, Terraform and workflows read settings
    # too; `GIT_EDITOR=true git rebase` sets a variable for one command
    root = write_tree(
        {
            ".kiro/steering/tech.md": (
                "```bash\nGATEWAY_ADDR=:8080\nDEPLOY_STAGE=prod\nGIT_EDITOR=true git rebase -i\n"
                "export AWS_PAGER=\nOLD_KNOB=1\n```\n"
            ),
            "cmd/server/main.go": 'addr := os.Getenv("GATEWAY_ADDR")\n',
            ".github/workflows/deploy.yml": "env:\n  DEPLOY_STAGE: prod\n",
            "README.md": "Set OLD_KNOB to 1.\n",
        }
    )
    assert codes(root, root) == [("SS202", 6)]


def test_other_files_are_searched_only_for_candidates(write_tree: Tree, monkeypatch) -> None:
    # the walk of every non-doc file is the costly part of a warm run: a doc whose
    # settings the code all reads needs none, and a candidate is found in a shell script
    from steeringsync.drift import mentions

    searched: list[set[str] | None] = []
    scan = mentions._scan

    def spy(project, names):  # type: ignore[no-untyped-def]
        searched.append(names)
        return scan(project, names)

    monkeypatch.setattr(mentions, "_scan", spy)
    root = write_tree({**FILES, DOC: "```bash\nTIMEOUT=30\n```\n"})
    assert codes(root, root) == [] and searched == []
    root = write_tree({**FILES, "deploy/run.sh": "export REMOVED_KNOB=1\n"})
    assert codes(root, root) == [] and searched == [{"REMOVED_KNOB"}]
