"""--fix and --diff for doc-declared rules (SS1xx): renames written, noqa and unsafe kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from steeringsync.cli import main

DOC = (
    "---\ndeprecations:\n"
    "  - pattern: legacy_cache.get_client\n    replacement: legacy_cache.client\n"
    "  - pattern: audit_log.write_event\n    replacement: audit.record\n---\n"
)
CODE = (
    "import legacy_cache\n"
    "a = legacy_cache.get_client(); b = legacy_cache.get_client()\n"
    "c = legacy_cache.get_client()  # noqa: SS117\n"
    "audit_log.write_event(a)\n"  # `audit` is not imported: reported, not fixed
)


@pytest.fixture
def project(write_tree: Callable[[dict[str, str]], Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_tree({".kiro/steering/deprecations.md": DOC, "app/x.py": CODE})
    monkeypatch.chdir(root)
    return root


def test_fix_renames_safe_sites_and_reports_the_rest(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--select", "SS1", "--fix", "--output-format", "concise", "."])
    out = capsys.readouterr().out
    assert (project / "app/x.py").read_text() == (
        "import legacy_cache\n"
        "a = legacy_cache.client(); b = legacy_cache.client()\n"
        "c = legacy_cache.get_client()  # noqa: SS117\n"
        "audit_log.write_event(a)\n"
    )
    assert code == 1 and "app/x.py:4:1: SS166" in out and "SS117" not in out.split("Found")[0]


def test_diff_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--select", "SS1", "--diff", "."]) == 1
    out = capsys.readouterr().out
    assert "-a = legacy_cache.get_client(); b = legacy_cache.get_client()" in out
    assert "+a = legacy_cache.client(); b = legacy_cache.client()" in out
    assert (project / "app/x.py").read_text() == CODE
