"""JSON output: an array of findings, stable keys, 1-based positions, posix paths."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from steeringsync.reporters.base import Reporter
from steeringsync.types import Finding

if TYPE_CHECKING:
    from steeringsync.api import CheckReport


class JsonReporter(Reporter):
    def start(self) -> None:
        self.items: list[dict[str, Any]] = []

    def handle(self, finding: Finding) -> None:
        loc = finding.location
        self.items.append(
            {
                "code": finding.code,
                "message": finding.message,
                "path": self.display_path(finding.path),
                "line": loc.line,
                "column": loc.column,
                "end_line": loc.end_line,
                "end_column": loc.end_column,
                "severity": finding.severity.value,
                "fixable": finding.fixable,
            }
        )

    def finish(self, report: CheckReport) -> None:
        json.dump(self.items, self.stream, indent=2, ensure_ascii=False)
        self.stream.write("\n")
