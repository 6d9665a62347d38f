"""SS300: a steering doc that is not UTF-8 gives one clear finding, never a crash."""

from __future__ import annotations

from pathlib import Path

from steeringsync.config import Config
from steeringsync.project import Project
from steeringsync.rules.ss300_unreadable_doc import UnreadableSteeringDoc


def test_latin1_doc_reported_at_the_bad_line(tmp_path: Path) -> None:
    steering = tmp_path / ".kiro" / "steering"
    steering.mkdir(parents=True)
    (steering / "cp1252.md").write_bytes(b"# Guide\n\nSmart \x93quotes\x94\n")
    (steering / "ok.md").write_text("# Fine ✓\n", encoding="utf-8")
    project = Project(tmp_path, Config())
    rule = UnreadableSteeringDoc()
    found = [f for doc in project.docs for f in rule.check_doc(doc, project)]
    assert [(f.path.name, f.location.line) for f in found] == [("cp1252.md", 3)]
    assert found[0].message == (
        "steering doc not valid UTF-8 (byte 0x93 on line 3); save the file as UTF-8"
    )
