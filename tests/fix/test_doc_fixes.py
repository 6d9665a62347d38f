"""``check --fix`` / ``--diff`` on steering docs: SS309's rewrite through the CLI, exact bytes,
suppression, refusals and write failures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from steeringsync.cli import main

GOLDEN = Path(__file__).parent.parent / "fixtures" / "steering" / "fix_joined"
STEERING = ".kiro/steering"


@pytest.fixture
def project(write_tree: Callable[[dict[str, str]], Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose steering docs are the golden ``before`` files."""
    root = write_tree({"app/main.py": "print('hi')\n"})
    (root / STEERING).mkdir(parents=True)
    for before in GOLDEN.glob("*.before.md"):
        shutil.copyfile(before, root / STEERING / before.name.replace(".before", ""))
    monkeypatch.chdir(root)
    return root


def docs(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / STEERING).glob("*.md"))}


def golden_after() -> dict[str, bytes]:
    return {p.name.replace(".after", ""): p.read_bytes() for p in sorted(GOLDEN.glob("*.after.md"))}


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object]:
    code = main(["check", "--no-cache", "--format", "json", *args, "."])
    return code, json.loads(capsys.readouterr().out)


def test_fix_rewrites_every_joined_pattern_to_the_golden_bytes(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--no-cache", "--select", "SS309", "--fix", "."])
    out = capsys.readouterr().out
    assert code == 0, out
    assert docs(project) == golden_after()
    assert out.count("Fixed .kiro/steering/") == len(golden_after())
    # a second run finds nothing and writes nothing
    mtimes = {p: p.stat().st_mtime_ns for p in (project / STEERING).glob("*.md")}
    assert main(["check", "--no-cache", "--select", "SS309", "--fix", "."]) == 0
    assert "Fixed" not in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes


def test_check_without_fix_reports_each_joined_pattern_as_fixable(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = run_json(capsys, "--select", "SS309")
    assert code == 1
    assert isinstance(report, list)
    found = report
    assert len(found) == len(golden_after())
    assert {f["code"] for f in found} == {"SS309"}
    assert all(f["fixable"] and f["severity"] == "error" for f in found)


def test_diff_is_a_patch_git_applies_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = docs(project)
    code = main(["check", "--no-cache", "--select", "SS309", "--diff", "."])
    patch = capsys.readouterr().out
    assert code == 1 and docs(project) == before
    assert "+fileMatchPattern: ['*kafka*', '*flink*', '*spark*']" in patch
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", "."], check=True)
        subprocess.run(["git", "apply", "-"], input=patch.encode(), check=True)
        assert docs(project) == golden_after()


def test_fix_keeps_suppressed_and_unfixable_patterns_and_says_why(
    write_tree: Callable[[dict[str, str]], Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    suppressed = "---\ninclusion: fileMatch\nfileMatchPattern: 'a/*,b/*'  # noqa: SS309\n---\n# A\n"
    folded = "---\ninclusion: fileMatch\nfileMatchPattern: >-\n  a/*,\n  b/*\n---\n# B\n"
    root = write_tree({f"{STEERING}/s.md": suppressed, f"{STEERING}/f.md": folded})
    monkeypatch.chdir(root)
    code = main(["check", "--no-cache", "--select", "SS309", "--fix", "."])
    out, err = capsys.readouterr()
    assert code == 1  # the folded one is still reported
    assert (root / STEERING / "s.md").read_text() == suppressed
    assert (root / STEERING / "f.md").read_text() == folded
    assert "f.md: SS309 not fixed: the pattern is written over several lines" in err
    assert "3:19 SS309" in out and "f.md" in out and "s.md" not in out


def test_a_failed_write_leaves_the_doc_whole_and_is_a_notice(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = docs(project)

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    code = main(["check", "--no-cache", "--select", "SS309", "--fix", "."])
    err = capsys.readouterr().err
    assert code == 1
    assert docs(project) == before
    assert "not fixed: cannot write: Permission denied" in err
    assert not list((project / STEERING).glob(".*.tmp"))


def test_docs_are_fixed_only_when_the_paths_given_hold_them(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = docs(project)
    # pre-commit passes staged code files: the docs are reported, not rewritten
    assert main(["check", "--no-cache", "--select", "SS309", "--fix", "app"]) == 1
    assert docs(project) == before
    assert main(["check", "--no-cache", "--select", "SS309", "--fix", "app", STEERING]) == 0
    capsys.readouterr()
    assert docs(project) == golden_after()


def test_docs_are_left_alone_when_the_fixing_rule_is_not_selected(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = docs(project)
    main(["check", "--no-cache", "--select", "SS305", "--fix", "."])
    capsys.readouterr()
    assert docs(project) == before
