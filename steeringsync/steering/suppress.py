"""Suppression comments in steering docs: ``<!-- noqa: SS302 -->`` or ``# noqa: SS301``.

The HTML comment is invisible when the doc is rendered; the ``#`` form is for lines inside
YAML front matter and code blocks, where an HTML comment would be part of the content.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator

from steeringsync.python.noqa import CODE_RE, is_suppressed
from steeringsync.steering.document import SteeringDoc
from steeringsync.types import Finding

HTML_NOQA_RE = re.compile(
    r"<!--\s*(?:steeringsync:\s*)?noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?\s*-->",
    re.IGNORECASE,
)


def line_suppresses(line: str, code: str) -> bool:
    """Whether a doc line carries a noqa comment covering ``code`` (bare noqa covers all)."""
    if "noqa" not in line.lower():
        return False
    for match in HTML_NOQA_RE.finditer(line):
        codes = match.group("codes")
        if not codes or code in {c.upper() for c in CODE_RE.findall(codes)}:
            return True
    return is_suppressed(line, code)


def mark_suppressed(doc: SteeringDoc, findings: Iterable[Finding]) -> Iterator[Finding]:
    """The findings, those on a line with a matching noqa comment marked ``suppressed``."""
    lines: list[str] | None = None
    has_noqa: bool | None = None  # the doc is scanned once, not once per finding
    for finding in findings:
        if has_noqa is None:
            has_noqa = "noqa" in doc.text.lower()
        if has_noqa and finding.path == doc.path:
            lines = lines if lines is not None else doc.text.split("\n")
            number = finding.location.line
            line = lines[number - 1] if 0 < number <= len(lines) else ""
            if line_suppresses(line, finding.code):
                finding = dataclasses.replace(finding, suppressed=True)
        yield finding
