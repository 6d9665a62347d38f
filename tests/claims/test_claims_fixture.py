"""The dead-claim rules on a fixture repository: trees, moved and deleted files, commands,
monorepo workspaces and every kind of non-claim, each line's expected finding listed in
``tests/fixtures/claims/expected.txt``; and ``sync`` repairing the moved paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from steeringsync.api import CheckOptions, check
from steeringsync.cache import cache_dir
from steeringsync.cli import main
from steeringsync.project import Project
from tests.claims._git import git

FIXTURES = Path(__file__).parent.parent / "fixtures" / "claims"
CODES = ("SS306", "SS307", "SS308")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "repo", root)
    (root / ".git").mkdir()
    return root


def findings(root: Path, *, cache: bool = False) -> list[str]:
    project = Project.discover(root, cache=cache)
    report = check(project, CheckOptions(paths=(root,), select=CODES, cache=cache))
    return [
        f"{project.relative(f.path)}:{f.location.line} {f.code} {f.message}" for f in report.active
    ]


def test_every_dead_claim_and_nothing_else(repo: Path) -> None:
    expected = (FIXTURES / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert findings(repo) == expected


def test_a_warm_run_reports_the_same(repo: Path) -> None:
    cold = findings(repo, cache=True)
    assert any(cache_dir(repo).glob("*")), "the cold run stored its results"
    assert findings(repo, cache=True) == cold
    # the cached facts follow the docs: a newly named class is looked up, not remembered
    doc = repo / ".kiro/steering/tech.md"
    doc.write_text(doc.read_text() + "\nSee `SessionConfig` and `GhostManager`.\n")
    warm = findings(repo, cache=True)
    assert any("`GhostManager` is not defined" in line for line in warm)
    assert not any("`SessionConfig`" in line for line in warm)


def test_noqa_suppresses_a_dead_path(repo: Path) -> None:
    project = Project.discover(repo)
    report = check(project, CheckOptions(paths=(repo,), select=("SS306",), cache=False))
    suppressed = [f for f in report.findings if f.suppressed]
    assert [f.message for f in suppressed] == ["`legacy_config.py` does not exist"]


def test_sync_diff_then_sync_rewrites_only_the_unambiguous_move(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = repo / ".kiro/steering/structure.md"
    original = doc.read_bytes()
    assert main(["sync", "--diff", str(repo)]) == 1
    out = capsys.readouterr().out
    assert "-- `session_config.py`: session configuration" in out
    assert "+- `core/session/config/session_config.py`: session configuration" in out
    assert doc.read_bytes() == original  # --diff writes nothing
    assert main(["sync", str(repo)]) == 0
    assert doc.read_bytes() == (FIXTURES / "structure.synced.md").read_bytes()
    assert "session_config.py" not in "\n".join(findings(repo))


def test_sync_keeps_every_other_byte(repo: Path) -> None:
    doc = repo / ".kiro/steering/structure.md"
    text = doc.read_bytes()
    doc.write_bytes(b"\xef\xbb\xbf" + text.replace(b"\n", b"\r\n"))
    assert main(["sync", str(repo)]) == 0
    synced = (FIXTURES / "structure.synced.md").read_bytes()
    assert doc.read_bytes() == b"\xef\xbb\xbf" + synced.replace(b"\n", b"\r\n")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_renames_name_the_new_file_even_when_its_name_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "renamed"
    (root / ".kiro/steering").mkdir(parents=True)
    (root / "0830_17_52_playwright.config.js").write_text("module.exports = {};\n" * 20)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "config")
    git(root, "mv", "0830_17_52_playwright.config.js", "playwright.config.js")
    git(root, "commit", "-qm", "rename")
    doc = root / ".kiro/steering/testing.md"
    doc.write_text("```bash\nnpx playwright test --config=0830_17_52_playwright.config.js\n```\n")
    assert findings(root) == [
        ".kiro/steering/testing.md:2 SS307 `0830_17_52_playwright.config.js` does not exist; "
        "moved to `playwright.config.js`?"
    ]
    assert main(["sync", str(root)]) == 0
    assert "--config=playwright.config.js\n" in doc.read_text()
