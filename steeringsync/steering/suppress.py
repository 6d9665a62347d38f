"""Suppression comments in steering docs: ``<!-- noqa: SS302 -->`` or ``# noqa: SS301``.

The HTML comment is invisible when the doc is rendered; the ``#`` form is for lines inside
YAML front matter and code blocks, where an HTML comment would be part of the content.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator

from steeringsync.python.noqa import Directive, parse_codes
from steeringsync.python.noqa import directives as hash_directives
from steeringsync.steering.document import SteeringDoc
from steeringsync.types import Finding

HTML_NOQA_RE = re.compile(
    r"<!--\s*(?:steeringsync:\s*)?noqa(?![\w-])(?P<colon>\s*:)?(?P<rest>(?:(?!-->).)*?)\s*-->",
    re.IGNORECASE,
)


@dataclasses.dataclass(frozen=True)
class DocDirective:
    directive: Directive
    html: bool  # an HTML comment (ours alone) rather than a hash one (maybe another tool's)


def doc_directives(line: str) -> list[DocDirective]:
    """The noqa comments on one line of a steering doc, both forms."""
    if "noqa" not in line.lower():
        return []
    found = []
    for m in HTML_NOQA_RE.finditer(line):
        codes, malformed, _ = parse_codes(bool(m.group("colon")), m.group("rest"))
        found.append(DocDirective(Directive(m.start(), m.end(), codes, malformed), html=True))
    html_spans = [(d.directive.start, d.directive.end) for d in found]
    for directive in hash_directives(line):
        if not any(start <= directive.start < end for start, end in html_spans):
            found.append(DocDirective(directive, html=False))
    return found


def line_suppresses(line: str, code: str) -> bool:
    """Whether a doc line carries a noqa comment covering ``code`` (bare noqa covers all)."""
    return any(d.directive.covers(code) for d in doc_directives(line))


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
