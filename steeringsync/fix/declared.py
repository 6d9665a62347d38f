"""The rename fixes of doc-declared rules (SS1xx), applied to a file's text rule by rule.

Each rule re-detects its sites on the current text before rewriting, so renames by one
rule never leave stale positions for the next; ``# noqa`` lines are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from steeringsync.python.noqa import is_suppressed
from steeringsync.python.source import PythonSource
from steeringsync.rules.ss1xx_declared_deprecation import DeclaredDeprecation
from steeringsync.types import Applicability


def fix_text(
    path: Path,
    text: str,
    rules: Sequence[DeclaredDeprecation],
    applicability: Applicability = Applicability.SAFE,
) -> str:
    """``text`` with every unsuppressed site of ``rules`` whose fix has ``applicability``
    renamed (rule by rule)."""
    for rule in rules:
        source = PythonSource(path, text.encode("utf-8", "surrogatepass"), text)
        try:
            findings = [
                f
                for f in rule.check_python(source)
                if f.applicability is applicability
                and not is_suppressed(source.line(f.location.line), f.code)
            ]
        except (SyntaxError, ValueError, RecursionError):
            return text
        text = rule.fix_source(text, findings)
    return text
