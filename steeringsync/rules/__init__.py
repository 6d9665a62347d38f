"""The rule registry: one tuple of every built-in rule, and rule selection."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from steeringsync.project import Project
from steeringsync.rules.base import Rule
from steeringsync.rules.ss001_deprecated_db_session import DeprecatedDbSession
from steeringsync.rules.ss1xx_declared_deprecation import declared_rules
from steeringsync.rules.ss201_value_drift import ValueDrift
from steeringsync.rules.ss202_documented_unused import DocumentedUnused
from steeringsync.rules.ss203_undocumented_setting import UndocumentedSetting
from steeringsync.rules.ss204_conflicting_defaults import ConflictingDefaults
from steeringsync.rules.ss300_unreadable_doc import UnreadableSteeringDoc
from steeringsync.rules.ss301_front_matter import InvalidFrontMatter
from steeringsync.rules.ss302_broken_reference import BrokenReference
from steeringsync.rules.ss303_deprecated_pattern_in_docs import DeprecatedPatternInDocs
from steeringsync.rules.ss304_unparsable_python_block import UnparsablePythonBlock
from steeringsync.rules.ss305_pattern_matches_nothing import PatternMatchesNothing
from steeringsync.rules.ss306_dead_path import DeadPath
from steeringsync.rules.ss307_dead_command import DeadCommand
from steeringsync.rules.ss308_dead_python_name import DeadPythonName
from steeringsync.rules.ss309_joined_file_match_pattern import JoinedFileMatchPattern
from steeringsync.rules.ss310_empty_steering_doc import EmptySteeringDoc
from steeringsync.rules.ss900_engine import SyntaxErrorRule, UnreadableFileRule
from steeringsync.rules.ss902_unused_noqa import UnusedNoqa

# Codes are never reused: a retired rule keeps its code out of circulation.
ALL_RULES: tuple[type[Rule], ...] = (
    DeprecatedDbSession,
    ValueDrift,
    DocumentedUnused,
    UndocumentedSetting,
    ConflictingDefaults,
    UnreadableSteeringDoc,
    InvalidFrontMatter,
    BrokenReference,
    DeprecatedPatternInDocs,
    UnparsablePythonBlock,
    PatternMatchesNothing,
    DeadPath,
    DeadCommand,
    DeadPythonName,
    JoinedFileMatchPattern,
    EmptySteeringDoc,
    SyntaxErrorRule,
    UnreadableFileRule,
    UnusedNoqa,
)

RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}


def build_rules(project: Project) -> list[Rule]:
    """Every rule for this project: built-ins plus rules declared by its steering docs."""
    rules = [rule.from_project(project) for rule in ALL_RULES]
    rules.extend(declared_rules(project))
    return rules


ALL = "ALL"  # as in ruff: `--select ALL` is every rule
# The doc-declared range: its prefixes stand for rules even when no doc declares one yet
DECLARED_PREFIXES = ("S", "SS", "SS1")


def _length(selector: str) -> int:
    return 0 if selector == ALL else len(selector)


def _matches(code: str, selector: str) -> bool:
    return selector == ALL or code.startswith(selector)


def unknown_codes(selectors: Iterable[str], known: Iterable[str]) -> list[str]:
    """Messages for the selectors that name no rule, each with the nearest valid codes."""
    import difflib

    codes = sorted(set(known))
    problems = []
    for selector in selectors:
        if selector == ALL or selector in DECLARED_PREFIXES:
            continue
        if any(code.startswith(selector) for code in codes):
            continue
        # a code for a code, a prefix of the same length for a prefix (SS8 -> SS9, SS0)
        candidates = sorted({c[: len(selector)] for c in codes})
        near = difflib.get_close_matches(selector, candidates, n=3, cutoff=0.6)
        if not near:  # SS999 -> the codes sharing the longest prefix with it
            for size in range(len(selector) - 1, 1, -1):
                near = [c for c in codes if c.startswith(selector[:size])][:3]
                if near:
                    break
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        problems.append(f"unknown rule code or prefix {selector!r}{hint}")
    return problems


def is_selected(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """``select``/``ignore`` hold codes, prefixes or ``ALL``; the longer matching prefix
    wins (``ALL`` is the shortest)."""
    best_select = max((_length(s) for s in select if _matches(code, s)), default=-1)
    best_ignore = max((_length(s) for s in ignore if _matches(code, s)), default=-1)
    if select and best_select < 0:
        return False
    return best_select >= best_ignore


def selected(rules: Iterable[Rule], select: Sequence[str], ignore: Sequence[str]) -> list[Rule]:
    """The rules to run; a preview rule only when ``select`` names its exact code (neither
    the default, a prefix nor ``ALL`` turns it on)."""
    return [
        rule
        for rule in rules
        if is_selected(rule.code, select, ignore) and (not rule.preview or rule.code in select)
    ]
