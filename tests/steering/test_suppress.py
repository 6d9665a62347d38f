"""Suppressing doc findings with noqa comments, through the check API."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from steeringsync import api
from steeringsync.config import Config
from steeringsync.project import Project
from steeringsync.steering.suppress import line_suppresses

DOC = (
    "---\n"
    "inclusion: sometimes  # noqa: SS301\n"
    "---\n"
    "[a](gone.md) <!-- noqa: SS302 -->\n"
    "[b](gone.md) <!-- steeringsync: noqa -->\n"
    "[c](gone.md) <!-- noqa: SS301 -->\n"
    "\n```python\nwith unified_session_manager.get_db_session() as s:  # noqa: SS303\n"
    "    pass\n```\n"
)


@pytest.mark.parametrize(
    ("line", "code", "expected"),
    [
        ("x <!-- noqa: SS302 -->", "SS302", True),
        ("x <!-- NOQA:SS301, SS302 -->", "SS302", True),
        ("x <!-- noqa -->", "SS305", True),
        ("x <!-- noqa: SS301 -->", "SS302", False),
        ("key: v  # noqa: SS301", "SS301", True),
        ("no comment here", "SS302", False),
    ],
)
def test_line_suppresses(line: str, code: str, expected: bool) -> None:
    assert line_suppresses(line, code) is expected


def test_check_marks_doc_findings_suppressed(write_tree: Callable[[dict[str, str]], Path]) -> None:
    root = write_tree({".kiro/steering/a.md": DOC})
    report = api.check(Project(root, Config()), api.CheckOptions(paths=(root,), select=("SS3",)))
    active = [(f.code, f.location.line) for f in report.active]
    suppressed = sorted((f.code, f.location.line) for f in report.findings if f.suppressed)
    assert active == [("SS302", 6)]
    assert suppressed == [("SS301", 2), ("SS302", 4), ("SS302", 5), ("SS303", 9)]
