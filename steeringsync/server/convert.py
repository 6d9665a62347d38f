"""Findings to LSP diagnostics and back: 1-based character columns to the client's units."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from steeringsync.reporters.escaping import clean_text
from steeringsync.types import Finding, Location, Severity

SOURCE = "steeringsync"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
}


def text_lines(text: str) -> list[str]:
    """The lines as both Python's parser and LSP count them: at \\n, \\r\\n and \\r only
    (``str.splitlines`` also breaks at form feeds and U+2028, which would shift lines)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def to_range(location: Location, lines: Sequence[str], codec: PositionCodec) -> types.Range:
    """A finding's span in the client's position units; a point widens to one character
    (a zero-width range is invisible in most editors)."""
    start_line = min(max(location.line - 1, 0), max(len(lines) - 1, 0))
    end_line = min(max(location.end_line - 1, start_line), max(len(lines) - 1, 0))
    start = max(location.column - 1, 0)
    end = max(location.end_column - 1, 0)
    if (end_line, end) <= (start_line, start):
        end_line, end = start_line, start + 1
    line_text = lines[start_line] if lines else ""
    start = min(start, len(line_text))
    end = min(end, len(lines[end_line]) if lines else 0)
    return types.Range(
        start=codec.position_to_client_units(lines, types.Position(start_line, start)),
        end=codec.position_to_client_units(lines, types.Position(end_line, end)),
    )


def diagnostic(finding: Finding, lines: Sequence[str], codec: PositionCodec) -> types.Diagnostic:
    return types.Diagnostic(
        range=to_range(finding.location, lines, codec),
        message=clean_text(finding.message),  # repository text: no control sequences
        severity=_SEVERITY.get(finding.severity, types.DiagnosticSeverity.Error),
        code=finding.code,
        source=SOURCE,
        data={"applicability": finding.applicability.value},
    )


def touches(finding: Finding, first_line: int, last_line: int) -> bool:
    """Whether the finding lies on any of the (0-based) lines first..last."""
    loc = finding.location
    return loc.line - 1 <= last_line and max(loc.end_line, loc.line) - 1 >= first_line
