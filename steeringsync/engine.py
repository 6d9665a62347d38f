"""Check one Python file: read, pre-filter by trigger tokens, parse once, run rules, suppress.

``analyze_file`` is a pure function of (path, job) so that it can run in a worker process
and its result can be cached.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from steeringsync.python.noqa import is_suppressed
from steeringsync.python.requires import newer_than_running, running
from steeringsync.python.source import (
    PythonSource,
    UndecodableSource,
    UnreadableSource,
    read_bytes,
)
from steeringsync.rules.base import FactCollector, PythonRule
from steeringsync.rules.ss900_engine import SyntaxErrorRule, UnreadableFileRule
from steeringsync.triggers import contains_trigger, identifier_view
from steeringsync.types import FileResult, Finding, Location, Severity


class FixStep(Protocol):
    """What fixes a checked file (``fix.pipeline.FixMode``): handed to the engine in the
    job, so the engine calls the fix pipeline without importing it."""

    def allows(self, finding: Finding) -> bool: ...

    def apply(
        self,
        source: PythonSource,
        result: FileResult,
        rules: Sequence[PythonRule],
        recheck: Callable[[bytes], FileResult],
    ) -> FileResult: ...


SYNTAX = SyntaxErrorRule()
UNREADABLE = UnreadableFileRule()


# (plain tokens, whole-word tokens) for the pre-filter
Triggers = tuple[tuple[bytes, ...], tuple[bytes, ...]]


@dataclass(frozen=True)
class FileJob:
    """Everything a worker needs to check a file; picklable."""

    rules: tuple[PythonRule, ...]
    collectors: tuple[FactCollector, ...] = ()
    max_file_size: int = 4 * 1024 * 1024
    prefilter: bool = True
    report_syntax: bool = True
    report_unreadable: bool = True
    fix: FixStep | None = None  # --fix / --diff: fix files right after checking them
    # the oldest Python the project declares (requires-python), when newer than ours
    python_minimum: tuple[int, int] | None = None

    def trigger_sets(self) -> Triggers:
        """(plain tokens, whole-word tokens) of every rule and collector, for the pre-filter."""
        plain: set[bytes] = set()
        words: set[bytes] = set()
        owners: tuple[PythonRule | FactCollector, ...] = (*self.rules, *self.collectors)
        for owner in owners:
            (words if owner.whole_word_triggers else plain).update(owner.triggers)
        return tuple(sorted(plain)), tuple(sorted(words - plain))


Owner = TypeVar("Owner", PythonRule, FactCollector)


def relevant_owners(owners: Sequence[Owner], data: bytes, view: bytes | None) -> list[Owner]:
    """The owners that may match the file: asked with its bytes, and with ``view``, its
    identifiers as Python reads them (``triggers.identifier_view``), if that differs."""
    return [o for o in owners if o.relevant(data) or (view is not None and o.relevant(view))]


def _identifier_view(data: bytes, job: FileJob) -> bytes | None:
    # only for a file whose bytes hold a trigger, the files the pre-filter lets through:
    # then --no-prefilter, which parses every file, reports exactly the same (SS900 too)
    if not contains_trigger(data, *job.trigger_sets()):
        return None
    return identifier_view(data)  # e.g. a fullwidth `os` import beside a plain getenv


def analyze_file(path: Path, job: FileJob) -> FileResult:
    try:
        data = read_bytes(path, job.max_file_size)
    except UnreadableSource as exc:
        return unreadable_result(path, job, exc)
    return analyze_bytes(path, data, job)


def unreadable_result(path: Path, job: FileJob, exc: UnreadableSource) -> FileResult:
    result = FileResult(path)
    if job.report_unreadable:
        result.findings.append(UNREADABLE.finding(path, Location.point(1), str(exc)))
    return result


def analyze_bytes(
    path: Path, data: bytes, job: FileJob, tree: ast.Module | None = None
) -> FileResult:
    """Check ``data`` as the contents of ``path`` (the cache hashes exactly these bytes).

    ``tree``, when given, is the caller's parse of exactly these bytes (the language
    server re-parses only the statement an edit touched); it is used instead of parsing.
    """
    result = FileResult(path)
    rules = relevant_owners(job.rules, data, None)
    collectors = relevant_owners(job.collectors, data, None)
    if len(rules) < len(job.rules) or len(collectors) < len(job.collectors):
        view = _identifier_view(data, job)  # only when some owner said no
        if view is not None:
            rules = relevant_owners(job.rules, data, view)
            collectors = relevant_owners(job.collectors, data, view)
    relevant = bool(rules or collectors)
    if job.prefilter and not relevant:
        return result
    if not job.prefilter:
        rules, collectors = list(job.rules), list(job.collectors)
    try:
        source = PythonSource.from_bytes(path, data)
        if tree is not None:
            source.tree = tree
        source.tree  # noqa: B018 - parse once, here, so errors are reported as SS900
    except UndecodableSource as exc:
        if relevant and job.report_syntax:
            result.findings.append(SYNTAX.finding(path, Location.point(exc.line), str(exc)))
        return result
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        if relevant and job.report_syntax:
            result.findings.append(_syntax_finding(path, exc, job.python_minimum))
        for collector in collectors:  # the file's facts are not lost with its parse
            facts = collector.collect_unparsed(data)
            if facts:
                result.facts[collector.name] = facts
        return result
    result.parsed = True
    for rule in rules:
        for finding in rule.check_python(source):
            if is_suppressed(source.line(finding.location.line), finding.code):
                finding = dataclasses.replace(finding, suppressed=True)
            result.findings.append(finding)
    for collector in collectors:
        facts = collector.collect(source)
        if facts:
            result.facts[collector.name] = facts
    if job.fix is not None and any(job.fix.allows(f) for f in result.findings):
        unfixed = dataclasses.replace(job, fix=None)  # the written file is checked, not fixed
        return job.fix.apply(
            source, result, job.rules, lambda new: analyze_bytes(path, new, unfixed)
        )
    return result


def _syntax_finding(
    path: Path, exc: BaseException, minimum: tuple[int, int] | None = None
) -> Finding:
    if isinstance(exc, SyntaxError):
        line = exc.lineno or 1
        column = exc.offset or 1
        message = f"syntax error: {exc.msg}"
        # an indentation error is one in every Python; other errors may be newer syntax
        if (
            newer_than_running(minimum)
            and minimum is not None
            and not isinstance(exc, IndentationError)
        ):
            # the project's syntax may be newer than this interpreter's: not a broken file
            message = (
                f"cannot check with Python {running()}: the project runs on Python "
                f">={minimum[0]}.{minimum[1]}; run steeringsync on that Python "
                f"(Python {running()} says: {exc.msg})"
            )
            finding = SYNTAX.finding(path, Location.point(line, column), message)
            return dataclasses.replace(finding, severity=Severity.WARNING)
    elif isinstance(exc, RecursionError | MemoryError):
        line, column, message = 1, 1, "file is too deeply nested to parse"
    else:
        line, column, message = 1, 1, f"cannot parse: {exc}"
    return SYNTAX.finding(path, Location.point(line, column), message)
