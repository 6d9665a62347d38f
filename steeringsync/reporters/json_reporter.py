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
                "message": self.message(finding),
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
        self.stream.write(pretty(self.items))
        self.stream.write("\n")


def pretty(items: list[dict[str, Any]]) -> str:
    """``json.dumps(items, indent=2, ensure_ascii=False)`` for flat objects of strings,
    numbers and booleans, several times faster: with an indent, the json module falls
    back to its pure-Python encoder, a tenth of a warm run on a big report."""
    if not items:
        return "[]"
    blocks = []
    for item in items:
        fields = ",\n".join(f"    {_string(k)}: {_scalar(v)}" for k, v in item.items())
        blocks.append("  {\n" + fields + "\n  }" if fields else "  {}")
    return "[\n" + ",\n".join(blocks) + "\n]"


_string = json.encoder.encode_basestring  # the C encoder where the interpreter has it


def _scalar(value: object) -> str:
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
