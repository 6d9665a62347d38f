"""The default human format: findings grouped under their file, one short line each.

With ``full``, each finding also shows its source line with a caret under the span.
Hints that apply to many findings (how to fix a whole rule's worth) come once, at the end.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from steeringsync.reporters.base import Reporter
from steeringsync.reporters.escaping import clean_text, safe_line
from steeringsync.reporters.summary import SEVERITY_STYLE, paint, write_summary
from steeringsync.types import Applicability, Finding, Severity

if TYPE_CHECKING:
    from steeringsync.api import CheckReport

MAX_SOURCE_BYTES = 8 * 1024 * 1024  # a source line is shown only from files this small


class TextReporter(Reporter):
    full = False

    def report(self, report: CheckReport) -> None:
        active = report.active
        counts = Counter(f.hint for f in active if f.hint)
        # a hint several findings share is printed once, after them; a lone one inline
        self.shared = {hint for hint, n in counts.items() if n > 1}
        self.shared_hints: list[tuple[str, int, str]] = []
        seen: set[str] = set()
        for finding in active:
            if finding.hint in self.shared and finding.hint not in seen:
                seen.add(finding.hint)
                self.shared_hints.append((finding.code, counts[finding.hint], finding.hint))
        by_file: dict[Path, list[Finding]] = {}
        for finding in active:
            by_file.setdefault(finding.path, []).append(finding)
        for n, (path, findings) in enumerate(by_file.items()):
            if n:
                self.stream.write("\n")
            self._file(path, findings)
        self.finish(report)

    def handle(self, finding: Finding) -> None:  # pragma: no cover - report() groups
        self._file(finding.path, [finding])

    def _file(self, path: Path, findings: list[Finding]) -> None:
        # a path is the repository's to choose: it must not read as a workflow command
        header = safe_line(self.display_path(path) + ":")
        self.stream.write(paint(self, header, "bold") + "\n")
        lines = self._read(path) if self.full else None
        width = max(len(f"{f.location.line}:{f.location.column}") for f in findings)
        for finding in findings:
            loc = finding.location
            where = f"{loc.line}:{loc.column}".ljust(width)
            # as ruff: [*] marks what plain --fix changes; unsafe fixes are counted apart
            marker = " [*]" if finding.applicability is Applicability.SAFE else ""
            level = "" if finding.severity is Severity.ERROR else f" {finding.severity.value}:"
            code = paint(self, finding.code, SEVERITY_STYLE[finding.severity])
            message = finding.message
            if finding.hint and finding.hint not in self.shared:
                message = finding.full_message
            self.stream.write(
                f"  {paint(self, where, 'dim')} {code}{marker}{level} {clean_text(message)}\n"
            )
            if lines is not None:
                self._source(lines, finding)

    def _read(self, path: Path) -> list[str] | None:
        try:
            if path.stat().st_size > MAX_SOURCE_BYTES:
                return None
            return path.read_bytes().decode("utf-8", errors="replace").split("\n")
        except OSError:
            return None

    def _source(self, lines: list[str], finding: Finding) -> None:
        loc = finding.location
        if not 0 < loc.line <= len(lines):
            return
        text = lines[loc.line - 1].rstrip("\r")
        gutter = str(loc.line)
        pad = " " * len(gutter)
        start = max(loc.column - 1, 0)
        end = loc.end_column - 1 if loc.end_line == loc.line else len(text)
        width = max(end - start, 1)
        # the caret under the span: a tab in the text is a tab here, so both expand alike
        caret = "".join("\t" if ch == "\t" else " " for ch in text[:start]) + "^" * width
        self.stream.write(f"    {pad} |\n")
        self.stream.write(f"    {gutter} | {clean_text(text)}\n")
        self.stream.write(f"    {pad} | {paint(self, caret, SEVERITY_STYLE[finding.severity])}\n")

    def finish(self, report: CheckReport) -> None:
        if self.quiet:
            return
        if report.active:
            self.stream.write("\n")
        write_summary(self, report, getattr(self, "shared_hints", []))


class FullReporter(TextReporter):
    full = True
