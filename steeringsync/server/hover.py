"""Hover on a finding: the rule's documentation, as ``steeringsync rule CODE`` prints it."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from steeringsync.server.model import ProjectModel


def hover(model: ProjectModel, path: Path, line: int, column: int) -> types.Hover | None:
    """The docs of every rule with a finding under the 0-based ``line``/``column`` (code
    points); None when there is none."""
    parts: list[str] = []
    seen: set[str] = set()
    for finding in model.findings(path):
        loc = finding.location
        start, end = (loc.line - 1, loc.column - 1), (loc.end_line - 1, loc.end_column - 1)
        if end <= start:
            end = (start[0], start[1] + 1)
        if not start <= (line, column) < end or finding.code in seen:
            continue
        seen.add(finding.code)
        rule = model.rule(finding.code)
        if rule is not None:
            parts.append(f"### {rule.code} ({rule.name})\n\n{rule.documentation()}")
    if not parts:
        return None
    content = types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts))
    return types.Hover(contents=content)
