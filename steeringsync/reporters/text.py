"""Human-readable output: ``path:line:col: CODE message`` and a summary line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from steeringsync.reporters.base import Reporter
from steeringsync.reporters.escaping import safe_line
from steeringsync.types import Applicability, Finding

if TYPE_CHECKING:
    from steeringsync.api import CheckReport


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class TextReporter(Reporter):
    def handle(self, finding: Finding) -> None:
        loc = finding.location
        # as ruff: [*] marks what plain --fix changes; unsafe fixes are counted below
        marker = " [*]" if finding.applicability is Applicability.SAFE else ""
        line = (
            f"{self.display_path(finding.path)}:{loc.line}:{loc.column}: "
            f"{finding.code}{marker} {self.message(finding)}"
        )
        self.stream.write(safe_line(line) + "\n")

    def finish(self, report: CheckReport) -> None:
        if self.quiet:
            return
        for path in report.fixed_files:
            self.stream.write(f"Fixed {self.display_path(path)}\n")
        active = report.active
        if not active:
            self.stream.write("All checks passed.\n")
            return
        fixable = sum(1 for f in active if f.applicability is Applicability.SAFE)
        unsafe = sum(1 for f in active if f.applicability is Applicability.UNSAFE)
        summary = f"Found {_plural(len(active), 'finding')}"
        if fixable:
            summary += f" ({fixable} fixable with `steeringsync check --fix`)"
        if unsafe:
            fixes = "1 more fix" if unsafe == 1 else f"{unsafe} more fixes"
            summary += f" ({fixes} with `--unsafe-fixes`)"
        self.stream.write(summary + ".\n")
