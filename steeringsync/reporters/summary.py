"""The closing lines of the human formats: fixes, hints (once per rule), baseline, totals."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from steeringsync.reporters.base import Reporter, plural
from steeringsync.reporters.escaping import clean_text
from steeringsync.types import Applicability, Severity

if TYPE_CHECKING:
    from steeringsync.api import CheckReport

# ANSI SGR codes; used only when the reporter was told the stream shows colour
STYLES = {
    "bold": "1",
    "dim": "2",
    "red": "1;31",
    "yellow": "1;33",
    "blue": "1;34",
    "cyan": "36",
    "green": "1;32",
}
SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def paint(reporter: Reporter, text: str, style: str) -> str:
    return f"\x1b[{STYLES[style]}m{text}\x1b[0m" if reporter.color else text


def write_summary(
    reporter: Reporter, report: CheckReport, shared: list[tuple[str, int, str]] | None = None
) -> None:
    """Fixed files, hints, baseline counts and the total; ``shared``: (code, count, hint)
    of finding hints that were left off the lines they share."""
    out = reporter.stream
    if reporter.show_fixes and report.fixes:
        write_fixes(reporter, report)
    else:
        for path in report.fixed_files:
            out.write(f"Fixed {reporter.display_path(path)}\n")
    active = report.active
    hints = sorted([*_hints(report), *(shared or [])])
    if hints:
        for code, count, hint in hints:
            label = paint(reporter, "hint", "cyan")
            out.write(f"{label}: {code} ({plural(count, 'finding')}): {clean_text(hint)}\n")
    if report.baselined or report.stale_baseline:
        out.write(f"{plural(len(report.baselined), 'finding')} matched the baseline")
        if report.stale_baseline:
            stale = report.stale_baseline
            entries = "entry" if len(stale) == 1 else "entries"
            out.write(f"; {len(stale)} baseline {entries} no longer match:\n")
            for entry in stale:
                out.write(f"  {clean_text(entry.path)}: {entry.code} {clean_text(entry.message)}\n")
            out.write("  (write the baseline again to drop them)\n")
        else:
            out.write(".\n")
    if not active:
        out.write(paint(reporter, "All checks passed.", "green") + "\n")
        return
    by_severity = Counter(f.severity for f in active)
    parts = [
        plural(by_severity[s], s.value) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if by_severity[s] and len(by_severity) > 1
    ]  # fmt: skip
    # as ruff: plain --fix applies the safe fixes; the unsafe ones are counted apart
    fixable = sum(1 for f in active if f.applicability is Applicability.SAFE)
    unsafe = sum(1 for f in active if f.applicability is Applicability.UNSAFE)
    if fixable:
        parts.append(f"{fixable} fixable with `steeringsync check --fix`")
    if unsafe:
        more = "1 more fix" if unsafe == 1 else f"{unsafe} more fixes"
        parts.append(f"{more} with `--unsafe-fixes`")
    summary = f"Found {plural(len(active), 'finding')}"
    if parts:
        summary += f" ({', '.join(parts)})"
    out.write(summary + ".\n")


def write_fixes(reporter: Reporter, report: CheckReport) -> None:
    """``--show-fixes``: what was fixed, per file and rule, as ruff lists it."""
    out = reporter.stream
    out.write(f"Fixed {plural(len(report.fixes), 'finding')}:\n")
    names = {r.code: r.name for r in report.rules}
    by_file: dict[str, Counter[str]] = {}
    for fix in report.fixes:
        by_file.setdefault(reporter.display_path(fix.path), Counter())[fix.code] += 1
    for path, codes in sorted(by_file.items()):
        out.write(f"- {path}:\n")
        for code, count in sorted(codes.items()):
            out.write(f"    {count} x {code} ({names.get(code, '')})\n")


def _hints(report: CheckReport) -> list[tuple[str, int, str]]:
    counts = Counter(f.code for f in report.active)
    hints = []
    for rule in report.rules:
        hint = rule.hint
        if hint and counts[rule.code]:
            hints.append((rule.code, counts[rule.code], hint))
    return hints
