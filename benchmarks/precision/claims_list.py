"""List every claim the dead-claim rules read from a repository's steering docs, with the
rules' verdict, as CSV rows to hand-label (``claims.csv``):

    python benchmarks/precision/claims_list.py /work/corpus/owner+name [...] > rows.csv

Columns: repo, doc, line, kind, claim, tool (ok / dead / dead-moved), suggestion, label,
moved_to, note. ``label`` starts as the tool's verdict; a person corrects it to ok,
dead-moved, dead-gone or not-a-claim (and adds claims the rules did not read).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from steeringsync.api import CheckOptions, check
from steeringsync.claims.extract import claims_of
from steeringsync.claims.repo import RepoIndex
from steeringsync.project import Project

CODES = ("SS306", "SS307", "SS308")
FIELDS = ("repo", "doc", "line", "kind", "claim", "tool", "suggestion", "label", "moved_to", "note")


def rows(root: Path) -> list[dict[str, str]]:
    project = Project.discover(root)
    report = check(project, CheckOptions(paths=(root,), select=CODES, cache=False))
    found = {
        (project.relative(f.path), f.location.line): f.message
        for f in report.findings
        if not f.suppressed
    }
    index = RepoIndex.of(project)
    listed: list[dict[str, str]] = []
    for doc in project.docs:
        rel = project.relative(doc.path)
        claims = claims_of(doc, index)
        items = [
            ("path" if c.kind != "command" else "command", c.line, c.text) for c in claims.paths
        ]
        items += [("script", s.line, s.name) for s in claims.scripts]
        items += [("module", m.line, m.module) for m in claims.modules]
        items += [
            ("name", n.line, n.name + (f".{n.attribute}" if n.attribute else ""))
            for n in claims.names
        ]
        for kind, line, text in sorted(items, key=lambda i: (i[1], i[2])):
            message = found.get((rel, line), "")
            dead = f"`{text}`" in message or f"`{text.split('.')[0]}`" in message
            suggestion = (
                message.split("moved to `", 1)[1].split("`", 1)[0]
                if dead and "moved to `" in message
                else ""
            )
            tool = ("dead-moved" if suggestion else "dead") if dead else "ok"
            label = tool if tool != "dead" else "dead-gone"
            listed.append(
                {
                    "repo": root.name, "doc": rel.removeprefix(".kiro/steering/"),
                    "line": str(line), "kind": kind, "claim": text, "tool": tool,
                    "suggestion": suggestion, "label": label, "moved_to": suggestion, "note": "",
                }
            )  # fmt: skip
    return listed


def main(argv: list[str]) -> int:
    writer = csv.DictWriter(sys.stdout, FIELDS)
    writer.writeheader()
    for arg in argv:
        writer.writerows(rows(Path(arg).resolve()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
