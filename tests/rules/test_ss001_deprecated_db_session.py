"""SS001 over annotated fixture files: every ``# expect: CODE`` comment is one finding."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from steeringsync import api
from steeringsync.config import Config, SessionMigration
from steeringsync.project import Project

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ss001"
EXPECT_RE = re.compile(r"expect: ((?:SS\d{3}\s*)+)")


def expected(path: Path) -> Counter[tuple[int, str]]:
    found: Counter[tuple[int, str]] = Counter()
    for lineno, line in enumerate(path.read_text().splitlines(), start=1):
        match = EXPECT_RE.search(line)
        if match:
            for code in match.group(1).split():
                found[(lineno, code)] += 1
    return found


def check(path: Path, config: Config | None = None) -> api.CheckReport:
    project = Project(path.parent, config or Config())
    return api.check(project, api.CheckOptions(paths=(path,)))


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.py")))
def test_fixture_findings_match_annotations(name: str) -> None:
    path = FIXTURES / name
    report = check(path)
    actual = Counter((f.location.line, f.code) for f in report.active)
    assert actual == expected(path)


def test_suppressed_findings_are_counted_in_statistics() -> None:
    report = check(FIXTURES / "suppressed.py")
    assert report.statistics() == [("SS001", 1, 3)]


def test_finding_points_at_the_call_and_names_the_replacement() -> None:
    report = check(FIXTURES / "with_shapes.py")
    first = report.active[0]
    assert (first.location.line, first.location.column) == (7, 10)
    assert (first.location.end_line, first.location.end_column) == (7, 50)
    assert "db_manager.get_session()" in first.message
    assert "db_manager.close_session(session)" in first.message


def test_configured_deprecated_method_and_replacement(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(
        "with legacy_db.open_session() as s:\n    pass\n"
        "with unified_session_manager.get_db_session() as s:\n    pass\n"
    )
    migration = SessionMigration(deprecated="legacy_db.open_session", replacement="database")
    report = check(path, Config(session_migration=migration))
    assert [(f.location.line, f.code) for f in report.active] == [(1, "SS001")]
    assert "database.get_session()" in report.active[0].message


def test_non_ascii_line_reports_character_columns(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text("é = 'ü'; unified_session_manager.get_db_session()\n", encoding="utf-8")
    (finding,) = check(path).active
    assert finding.location.column == 10
