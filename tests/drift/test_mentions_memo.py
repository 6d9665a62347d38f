"""A cached run remembers what the mention scan found in each file: a warm run reads no
unchanged file again, and still sees every file that was changed, added or removed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from steeringsync import api, cache
from steeringsync.drift import mentions
from steeringsync.project import Project

Tree = Callable[[dict[str, str]], Path]
FILES = {
    ".kiro/steering/tech.md": "```bash\nTIMEOUT=30\nREMOVED_KNOB=1\n```\n",
    "app/settings.py": "import os\nT = os.getenv('TIMEOUT', '30')\n",
    "app/views.py": "x = 1\n",
    "web/app.ts": "const t = process.env.OTHER;\n",
}


def unused(root: Path, *, use_cache: bool = True) -> list[str]:
    """SS202's findings: documented settings nothing reads or names."""
    report = api.check(Project.discover(root), api.CheckOptions(select=("SS202",), cache=use_cache))
    return [f.message.split("`")[1] for f in report.active]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the mention scan reads; every stamp counts as settled (the test's files
    are seconds old, too new to be trusted otherwise)."""
    monkeypatch.setattr(cache, "RACY_NS", -(10**15))
    seen: list[str] = []
    read = mentions._read

    def counting(path: Path) -> bytes:
        seen.append(path.name)
        return read(path)

    monkeypatch.setattr(mentions, "_read", counting)
    return seen


def test_a_warm_run_reads_only_what_changed(write_tree: Tree, reads: list[str]) -> None:
    root = write_tree(FILES)
    assert unused(root) == ["REMOVED_KNOB"]
    assert sorted(reads) == ["app.ts", "settings.py", "views.py"]
    reads.clear()
    assert unused(root) == ["REMOVED_KNOB"]
    assert reads == []  # stat only
    (root / "deploy.sh").write_text("export REMOVED_KNOB=1\n")  # a new file names it
    assert unused(root) == []
    assert reads == ["deploy.sh"]
    reads.clear()
    (root / "web" / "app.ts").write_text("const k = process.env.REMOVED_KNOB;\n")
    (root / "deploy.sh").unlink()
    assert unused(root) == []  # still named, now by the edited file
    assert reads == ["app.ts"]
    (root / "web" / "app.ts").write_text("const t = 1;\n")
    assert unused(root) == ["REMOVED_KNOB"]
    reads.clear()
    # a Python file the check found changed is stat-ed and read again by the scan (the
    # check shares its stats of unchanged files only)
    (root / "app" / "views.py").write_text("KNOB = 'REMOVED_KNOB'\n")
    assert unused(root) == []
    assert reads == ["views.py"]
    assert unused(root, use_cache=False) == []


def test_the_scan_reuses_the_checks_stats_of_unchanged_files(
    write_tree: Tree, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(FILES)
    options = api.CheckOptions(paths=(root,), select=("SS202",))
    api.check(Project.discover(root), options)
    stated: list[str] = []
    settled = mentions._settled

    def counting(path: str, settled_ns: int, st: Any = None) -> Any:
        if st is None:
            stated.append(Path(path).name)
        return settled(path, settled_ns, st)

    monkeypatch.setattr(mentions, "_settled", counting)
    project = Project.discover(root)
    report = api.check(project, options)
    assert [f.message.split("`")[1] for f in report.active] == ["REMOVED_KNOB"]
    assert stated == ["app.ts"]  # the Python files' stats came from the check
    assert project.file_stats is None  # a run's snapshot is not kept for the next


def test_a_malformed_memo_entry_is_read_again(write_tree: Tree, reads: list[str]) -> None:
    class Memo:
        settled_ns = 2**62
        stored: Any = None

        def memo(self, name: str) -> Any:
            return self.stored

        def remember(self, name: str, value: Any) -> None:
            self.stored = value

    root = write_tree({**FILES, "deploy.sh": "export REMOVED_KNOB=1\n"})
    project = Project.discover(root)
    project.scan_memo = memo = Memo()
    assert mentions.occurrences(project, {"REMOVED_KNOB"}).elsewhere == {"REMOVED_KNOB"}
    [[_, files]] = memo.stored
    files["deploy.sh"][5] = "REMOVED_KNOB"  # not the shape the scan writes
    reads.clear()
    assert mentions.occurrences(project, {"REMOVED_KNOB"}).elsewhere == {"REMOVED_KNOB"}
    assert reads == ["deploy.sh"]
