"""SS300: a steering doc that is not UTF-8 gives one clear finding, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from steeringsync.config import Config
from steeringsync.project import Project
from steeringsync.rules.ss300_unreadable_doc import UnreadableSteeringDoc
from steeringsync.steering import document


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
        "steering doc: not valid UTF-8 (byte 0x93 on line 3); save the file as UTF-8"
    )


def test_unreadable_doc_is_a_finding_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steering = tmp_path / ".kiro" / "steering"
    steering.mkdir(parents=True)
    (steering / "locked.md").write_text("# Locked\n")
    (steering / "dir.md").mkdir()  # a directory named like a doc is not a doc

    def deny(path: Path) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(document, "load", deny)
    project = Project(tmp_path, Config())
    rule = UnreadableSteeringDoc()
    found = [(f.path.name, f.message) for d in project.docs for f in rule.check_doc(d, project)]
    assert found == [("locked.md", "steering doc: cannot read: Permission denied")]
