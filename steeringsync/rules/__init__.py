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
from steeringsync.rules.ss900_engine import SyntaxErrorRule, UnreadableFileRule

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
    SyntaxErrorRule,
    UnreadableFileRule,
)

RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}


def build_rules(project: Project) -> list[Rule]:
    """Every rule for this project: built-ins plus rules declared by its steering docs."""
    rules = [rule.from_project(project) for rule in ALL_RULES]
    rules.extend(declared_rules(project))
    return rules


def is_selected(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """``select``/``ignore`` hold codes or prefixes; the longer matching prefix wins."""
    best_select = max((len(s) for s in select if code.startswith(s)), default=-1)
    best_ignore = max((len(s) for s in ignore if code.startswith(s)), default=-1)
    if select and best_select < 0:
        return False
    return best_select >= best_ignore


def selected(rules: Iterable[Rule], select: Sequence[str], ignore: Sequence[str]) -> list[Rule]:
    return [rule for rule in rules if is_selected(rule.code, select, ignore)]
