"""Fix one file: plan the sites of its fixable findings, rewrite them with LibCST, verify."""

from __future__ import annotations

import io
import tokenize
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from steeringsync.fix.writer import UnsafeResult
from steeringsync.python.deprecated_calls import DeprecatedCall
from steeringsync.python.source import PythonSource
from steeringsync.types import Finding

if TYPE_CHECKING:
    from steeringsync.rules.ss001_deprecated_db_session import DeprecatedDbSession

Position = tuple[int, int]


def _comments(text: str) -> Counter[str]:
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return Counter(t.string for t in tokens if t.type == tokenize.COMMENT)


@dataclass
class FileFix:
    """The outcome for one file; ``new_text`` stays empty when nothing changes."""

    path: Path
    old_text: str = ""
    new_text: str = ""
    fixed: set[Position] = field(default_factory=set)
    error: str | None = None
    notes: list[str] = field(default_factory=list)  # which binding a site got, and why


def fix_session(
    source: PythonSource, findings: Iterable[Finding], rule: DeprecatedDbSession
) -> FileFix:
    """Rewrite the sites of ``findings`` (already filtered to the fixable ones) in ``source``.

    ``source`` is the one the check parsed: its ``ast`` tree is reused to plan the sites.
    """
    result = FileFix(source.path)
    migration, style = rule.migration, rule.style
    wanted = {(f.location.line, f.location.column) for f in findings}
    uses = DeprecatedCall.parse(migration.deprecated).find(source.tree)
    plans = rule.planner(source).plan(uses)
    # sites that share an acquisition are fixed together or not at all (e.g. one is noqa)
    plans = {
        pos: plan
        for pos, plan in plans.items()
        if pos in wanted and plan.fixable and plan.group <= wanted
    }
    result.notes = sorted(
        f"{line}:{col}: the fix {plan.acquisition.note}"
        for (line, col), plan in plans.items()
        if plan.acquisition.note
    )
    if not plans:
        return result
    import libcst as cst  # only files with fixable findings pay for LibCST

    from steeringsync.fix.session_codemod import rewrite

    try:
        module = cst.parse_module(source.text)
        new_module, fixed = rewrite(
            module, plans, style=style, commit_on_exit=migration.commit_on_exit
        )
        new_text = new_module.code
        if new_text != source.text and not _comments(source.text) <= _comments(new_text):
            raise UnsafeResult("the rewrite would drop a comment")
    except (cst.ParserSyntaxError, UnsafeResult) as exc:
        result.error = f"not fixed: {exc}"
        return result
    if new_text != source.text:
        result.old_text, result.new_text = source.text, new_text
        result.fixed = fixed
    return result
