"""The path rewrites ``steeringsync sync`` makes: a dead path whose new home is unambiguous.

Only the characters of the path change; a path that cannot be found exactly where it was
read (a continued shell line, markup around it) is left alone with a note.
"""

from __future__ import annotations

from dataclasses import dataclass

from steeringsync.claims.resolve import dead_paths
from steeringsync.project import Project
from steeringsync.steering.document import SteeringDoc
from steeringsync.steering.suppress import line_suppresses


@dataclass(frozen=True)
class PathEdit:
    line: int  # 1-based
    column: int  # 0-based start of ``old`` in the line
    old: str
    new: str
    code: str  # the rule that reports the dead path (SS306 or SS307)


def path_edits(project: Project, doc: SteeringDoc) -> list[PathEdit]:
    """The rewrites for one doc, at most one per path occurrence, in line order."""
    lines = doc.text.split("\n")
    edits: list[PathEdit] = []
    for dead in dead_paths(doc, project):
        claim = dead.claim
        new = dead.replacement()
        if new is None or not 0 < claim.line <= len(lines):
            continue
        code = "SS307" if claim.kind == "command" else "SS306"
        line = lines[claim.line - 1]
        if line_suppresses(line, code):
            continue
        column = locate(line, claim.column, claim.text)
        if column is not None:
            edits.append(PathEdit(claim.line, column, claim.text, new, code))
    return sorted(set(edits), key=lambda e: (e.line, e.column))


def locate(line: str, column: int, text: str) -> int | None:
    """Where ``text`` stands: at ``column`` (or after a `./` there), else its only
    occurrence on the line; None when it is not on the line exactly once."""
    for start in (column, column + 2):
        if line[start : start + len(text)] == text:
            return start
    return line.find(text) if line.count(text) == 1 else None


def apply(line: str, edits: list[PathEdit]) -> str:
    """``line`` with ``edits`` (all on it) applied right to left, so offsets hold."""
    for edit in sorted(edits, key=lambda e: e.column, reverse=True):
        line = line[: edit.column] + edit.new + line[edit.column + len(edit.old) :]
    return line
