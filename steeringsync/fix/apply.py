"""Apply fixes after a check: rewrite (or diff) files with fixable findings, then re-check them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from steeringsync.engine import FileJob, analyze_file
from steeringsync.fix.diff import unified_diff
from steeringsync.fix.fixer import fix_file
from steeringsync.fix.writer import write_atomic
from steeringsync.rules.base import Rule
from steeringsync.rules.ss001_deprecated_db_session import DeprecatedDbSession
from steeringsync.types import Applicability, Finding

if TYPE_CHECKING:
    from steeringsync.api import CheckReport


def _display(path: Path) -> str:
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def apply_fixes(
    report: CheckReport,
    rules: Sequence[Rule],
    job: FileJob,
    *,
    write: bool,
    unsafe: bool,
    max_size: int,
) -> None:
    """Fix (``write``) or diff every file with fixable findings; updates ``report`` in place.

    Fixed files are analysed again, so the findings that remain have current positions.
    """
    rule = next((r for r in rules if isinstance(r, DeprecatedDbSession)), None)
    if rule is None:
        return
    allowed = {Applicability.SAFE, *([Applicability.UNSAFE] if unsafe else [])}
    by_path: dict[Path, list[Finding]] = {}
    for finding in report.findings:
        ours = finding.code == rule.code and not finding.suppressed
        if ours and finding.applicability in allowed:
            by_path.setdefault(finding.path, []).append(finding)
    for path, findings in by_path.items():
        fix = fix_file(path, findings, rule.migration, rule.style, max_size)
        if fix.error:
            report.notices.append(f"{_display(path)}: {fix.error}")
        if fix.new is None:
            continue
        if not write:
            report.diffs.append(unified_diff(fix.old_text, fix.new_text, _display(path)))
            continue
        try:
            changed = write_atomic(path, fix.new)
        except OSError as exc:
            reason = exc.strerror or exc
            report.notices.append(f"{_display(path)}: not fixed: cannot write: {reason}")
            continue
        if changed:
            report.fixed_files.append(path)
            rechecked = analyze_file(path, job).findings
            report.findings = [f for f in report.findings if f.path != path] + rechecked
