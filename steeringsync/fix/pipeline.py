"""Fix one file inside the check pass: reuse its parse, apply every fixer, verify, then write.

``FixMode`` is what the engine is handed to call on each checked file (``engine.FixStep``);
this module never imports the engine.

The check has already read, decoded and parsed the file and found its fixable sites; the
fixers work from that same source. All fixes to a file land in one verified write (or one
diff), and the written file is checked again so the remaining findings have current
positions.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from steeringsync.fix.declared import fix_text
from steeringsync.fix.diff import unified_diff
from steeringsync.fix.fixer import fix_session
from steeringsync.fix.verify import new_problems
from steeringsync.fix.writer import UnsafeResult, verify, write_atomic
from steeringsync.python.source import PythonSource
from steeringsync.rules.base import PythonRule
from steeringsync.rules.ss001_deprecated_db_session import DeprecatedDbSession
from steeringsync.rules.ss1xx_declared_deprecation import DeclaredDeprecation
from steeringsync.types import Applicability, FileResult, Finding


@dataclass(frozen=True)
class FixMode:
    """How ``check --fix`` / ``--diff`` treat fixable findings; picklable for workers."""

    write: bool  # False: only produce a diff (--diff)
    unsafe: bool = False  # also apply fixes marked unsafe (--unsafe-fixes)

    def allows(self, finding: Finding) -> bool:
        allowed = (
            (Applicability.SAFE, Applicability.UNSAFE) if self.unsafe else (Applicability.SAFE,)
        )
        return not finding.suppressed and finding.applicability in allowed

    def apply(
        self,
        source: PythonSource,
        result: FileResult,
        rules: Sequence[PythonRule],
        recheck: Callable[[bytes], FileResult],
    ) -> FileResult:
        """Fix (or diff) ``source``; the result to report for the file. ``recheck`` is the
        engine's check of the written bytes (handed in: the engine is above this module)."""
        wanted = [f for f in result.findings if self.allows(f)]
        if not wanted:
            return result
        text, notices = fixed_text(source, wanted, rules, self.unsafe)
        result.notices.extend(notices)
        if text == source.text:
            return result
        try:
            new = text.encode(source.encoding)  # "utf-8-sig" keeps a BOM
            verify(new, source.path)
        except (UnicodeEncodeError, UnsafeResult) as exc:
            result.notices.append(f"{display_path(source.path)}: not fixed: {exc}")
            return result
        if not self.write:
            result.diff = unified_diff(source.text, text, display_path(source.path))
            return result
        try:
            write_atomic(source.path, new)
        except OSError as exc:
            reason = exc.strerror or exc
            where = display_path(source.path)
            result.notices.append(f"{where}: not fixed: cannot write: {reason}")
            return result
        rechecked = recheck(new)
        rechecked.fixed = True
        left = Counter(f.code for f in rechecked.findings if f.fixable)
        for finding in wanted:  # what the fix removed, for --show-fixes
            if left[finding.code] > 0:
                left[finding.code] -= 1
            else:
                rechecked.fixes.append(finding)
        rechecked.notices = result.notices
        return rechecked


def display_path(path: Path) -> str:
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def fixed_text(
    source: PythonSource,
    findings: Sequence[Finding],
    rules: Sequence[PythonRule],
    unsafe: bool = False,
) -> tuple[str, list[str]]:
    """The source's text with every given finding fixed, and notices for sites left alone.

    Safe fixes are made and verified first; unsafe ones (``unsafe``) only on top of them.
    """
    text, notices = source.text, []
    codes = {f.code for f in findings}
    for rule in rules:
        if isinstance(rule, DeprecatedDbSession) and rule.code in codes:
            mine = [f for f in findings if f.code == rule.code]
            fix = fix_session(source, mine, rule)
            if fix.error:
                notices.append(f"{display_path(source.path)}: {fix.error}")
            else:  # sites reverted by the verification are reported whatever else happened
                notices.extend(f"{display_path(source.path)}:{note}" for note in fix.notes)
                text = fix.new_text or text
    declared = [r for r in rules if isinstance(r, DeclaredDeprecation) and r.code in codes]
    if declared:
        where = display_path(source.path)
        renamed = fix_text(source.path, text, declared)
        text = _verified(text, renamed, f"{where}: not renamed", notices)
        if unsafe:  # on top of the safe result, which never waits for these
            renamed = fix_text(source.path, text, declared, Applicability.UNSAFE)
            text = _verified(text, renamed, f"{where}: unsafe renames not applied", notices)
    return text, notices


def _verified(before: str, after: str, label: str, notices: list[str]) -> str:
    """``after``, unless it leaves a name undefined or unused that ``before`` did not."""
    problems = new_problems(before, after) if after != before else []
    if problems:
        notices.append(f"{label}: the result would leave {'; '.join(problems)}")
        return before
    return after
