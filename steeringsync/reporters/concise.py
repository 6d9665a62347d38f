"""One line per finding, ``path:line:col: CODE message``: for editors' problem matchers and grep."""

from __future__ import annotations

from typing import TYPE_CHECKING

from steeringsync.reporters.base import Reporter
from steeringsync.reporters.escaping import safe_line
from steeringsync.reporters.summary import write_summary
from steeringsync.types import Finding

if TYPE_CHECKING:
    from steeringsync.api import CheckReport


class ConciseReporter(Reporter):
    def handle(self, finding: Finding) -> None:
        loc = finding.location
        marker = " [*]" if finding.fixable else ""
        line = (
            f"{self.display_path(finding.path)}:{loc.line}:{loc.column}: "
            f"{finding.code}{marker} {self.message(finding)}"
        )
        self.stream.write(safe_line(line) + "\n")

    def finish(self, report: CheckReport) -> None:
        if not self.quiet:
            write_summary(self, report)
