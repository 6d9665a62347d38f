"""Fix one file: plan the sites of its fixable findings, rewrite them with LibCST, verify."""

from __future__ import annotations

import io
import tokenize
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from steeringsync.fix.verify import new_problems
from steeringsync.fix.writer import UnsafeResult
from steeringsync.python.deprecated_calls import DeprecatedCall
from steeringsync.python.source import PythonSource
from steeringsync.types import Finding

if TYPE_CHECKING:
    from steeringsync.fix.scope import SitePlan
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
    migration = rule.migration
    wanted = {(f.location.line, f.location.column) for f in findings}
    uses = DeprecatedCall.parse(migration.deprecated).find(source.tree)
    plans = rule.planner(source).plan(uses)
    # sites that share an acquisition are fixed together or not at all (e.g. one is noqa)
    plans = {
        pos: plan
        for pos, plan in plans.items()
        if pos in wanted and plan.fixable and plan.group <= wanted
    }
    if not plans:
        return result
    import libcst as cst  # only files with fixable findings pay for LibCST

    try:
        new_text, fixed = _rewrite(source.text, plans, rule)
        problems = new_problems(source.text, new_text, source.path.name)
        if problems:
            new_text, fixed, plans = _without_failing_sites(source, plans, rule, result)
    except (cst.ParserSyntaxError, UnsafeResult) as exc:
        result.error = f"not fixed: {exc}"
        return result
    result.notes.extend(
        f"{line}:{col}: the fix {plan.acquisition.note}"
        for (line, col), plan in sorted(plans.items())
        if plan.acquisition.note
    )
    if new_text != source.text:
        result.old_text, result.new_text = source.text, new_text
        result.fixed = fixed
    return result


def _rewrite(
    text: str, plans: Mapping[Position, SitePlan], rule: DeprecatedDbSession
) -> tuple[str, set[Position]]:
    import libcst as cst

    from steeringsync.fix.session_codemod import rewrite

    module = cst.parse_module(text)
    migration = rule.migration
    new_module, fixed = rewrite(
        module, plans, style=rule.style, commit_on_exit=migration.commit_on_exit
    )
    new_text = new_module.code
    if new_text != text and not _comments(text) <= _comments(new_text):
        raise UnsafeResult("the rewrite would drop a comment")
    return new_text, fixed


def _without_failing_sites(
    source: PythonSource,
    plans: Mapping[Position, SitePlan],
    rule: DeprecatedDbSession,
    result: FileFix,
) -> tuple[str, set[Position], dict[Position, SitePlan]]:
    """Rewrite each unit of sites (a site, or the sites sharing an acquisition) alone and
    keep those whose rewrite leaves no new problem; the others are reported."""
    units: dict[frozenset[Position], dict[Position, SitePlan]] = {}
    for pos, plan in plans.items():
        units.setdefault(plan.group or frozenset({pos}), {})[pos] = plan
    kept: dict[Position, SitePlan] = {}
    for unit in units.values():
        text, _ = _rewrite(source.text, unit, rule)
        problems = new_problems(source.text, text, source.path.name)
        if problems:
            for line, col in sorted(unit):
                result.notes.append(
                    f"{line}:{col}: not fixed, migrate by hand: the rewrite would leave "
                    + "; ".join(problems)
                )
        else:
            kept.update(unit)
    if not kept:
        return source.text, set(), {}
    text, fixed = _rewrite(source.text, kept, rule)
    if new_problems(source.text, text, source.path.name):
        raise UnsafeResult("the sites' rewrites together would leave undefined or unused names")
    return text, fixed, kept
