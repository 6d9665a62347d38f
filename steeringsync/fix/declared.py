"""Apply the rename fixes of doc-declared rules (SS1xx) after a check, file by file.

Each rule re-detects its sites on the current text before rewriting, so renames by one
rule never leave stale positions for the next; ``# noqa`` lines are left alone.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from steeringsync.engine import FileJob, analyze_file
from steeringsync.fix.diff import unified_diff
from steeringsync.fix.writer import UnsafeResult, verify, write_atomic
from steeringsync.python.noqa import is_suppressed
from steeringsync.python.source import (
    PythonSource,
    UndecodableSource,
    UnreadableSource,
    read_bytes,
)
from steeringsync.rules.base import Rule
from steeringsync.rules.ss1xx_declared_deprecation import DeclaredDeprecation
from steeringsync.types import Applicability

if TYPE_CHECKING:
    from steeringsync.api import CheckReport


def _display(path: Path) -> str:
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def fix_text(path: Path, text: str, rules: Sequence[DeclaredDeprecation]) -> str:
    """``text`` with every SAFE, unsuppressed site of ``rules`` renamed (rule by rule)."""
    for rule in rules:
        source = PythonSource(path, text.encode("utf-8", "surrogatepass"), text)
        try:
            findings = [
                f
                for f in rule.check_python(source)
                if f.applicability is Applicability.SAFE
                and not is_suppressed(source.line(f.location.line), f.code)
            ]
        except (SyntaxError, ValueError, RecursionError):
            return text
        text = rule.fix_source(text, findings)
    return text


def apply_declared_fixes(
    report: CheckReport, rules: Sequence[Rule], job: FileJob, *, write: bool, max_size: int
) -> None:
    """Fix (``write``) or diff every file with SAFE SS1xx findings; updates ``report``."""
    declared = [r for r in rules if isinstance(r, DeclaredDeprecation)]
    codes = {r.code for r in declared}
    paths = sorted(
        {
            f.path
            for f in report.findings
            if f.code in codes and f.applicability is Applicability.SAFE and not f.suppressed
        }
    )
    for path in paths:
        try:
            raw = read_bytes(path, max_size)
            source = PythonSource.from_bytes(path, raw)
        except (UnreadableSource, UndecodableSource) as exc:
            report.notices.append(f"{_display(path)}: not fixed: {exc}")
            continue
        new_text = fix_text(path, source.text, declared)
        if new_text == source.text:
            continue
        bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
        try:
            new = bom + new_text.encode(source.encoding)
            verify(new, path)
        except (UnicodeEncodeError, UnsafeResult) as exc:
            report.notices.append(f"{_display(path)}: not fixed: {exc}")
            continue
        if not write:
            report.diffs.append(unified_diff(source.text, new_text, _display(path)))
            continue
        try:
            changed = write_atomic(path, new)
        except OSError as exc:
            report.notices.append(f"{_display(path)}: not fixed: cannot write: {exc.strerror}")
            continue
        if changed:
            if path not in report.fixed_files:
                report.fixed_files.append(path)
            rechecked = analyze_file(path, job).findings
            report.findings = [f for f in report.findings if f.path != path] + rechecked
