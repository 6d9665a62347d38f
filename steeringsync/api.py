"""The library API behind the CLI: check a project and return a report; no printing here."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from steeringsync.cache import Cache, run_key
from steeringsync.discovery import python_files
from steeringsync.engine import FileJob
from steeringsync.parallel import analyze_many
from steeringsync.project import Project
from steeringsync.rules import build_rules, selected
from steeringsync.rules.base import DocRule, FactCollector, ProjectRule, PythonRule, Rule
from steeringsync.steering.suppress import mark_suppressed
from steeringsync.types import FileResult, Finding

if TYPE_CHECKING:
    from steeringsync.fix.pipeline import FixMode

# collector name -> (file, fact) for every file
Facts = dict[str, list[tuple[Path, Any]]]


@dataclass(frozen=True)
class CheckOptions:
    paths: tuple[Path, ...] = (Path("."),)
    select: tuple[str, ...] | None = None  # None: the configuration's
    ignore: tuple[str, ...] = ()  # added to the configuration's
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    prefilter: bool = True
    jobs: int | None = None
    cache: bool = True


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)  # suppressed ones included
    files_checked: int = 0
    notices: list[str] = field(default_factory=list)
    fixed_files: list[Path] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)  # the enabled rules

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]

    def statistics(self) -> list[tuple[str, int, int]]:
        """(code, active count, suppressed count) per code, most frequent first."""
        active = Counter(f.code for f in self.findings if not f.suppressed)
        suppressed = Counter(f.code for f in self.findings if f.suppressed)
        codes = sorted(set(active) | set(suppressed), key=lambda c: (-active[c], c))
        return [(c, active[c], suppressed[c]) for c in codes]


def enabled_rules(project: Project, options: CheckOptions) -> list[Rule]:
    select = project.config.select if options.select is None else options.select
    ignore = (*project.config.ignore, *options.ignore)
    return selected(build_rules(project), select, ignore)


def file_job(project: Project, rules: Sequence[Rule], options: CheckOptions) -> FileJob:
    collectors: list[FactCollector] = []
    for rule in rules:
        if isinstance(rule, (ProjectRule, PythonRule)):
            collectors.extend(c for c in rule.collectors() if c not in collectors)
    codes = {r.code for r in rules}
    return FileJob(
        rules=tuple(r for r in rules if isinstance(r, PythonRule)),
        collectors=tuple(collectors),
        max_file_size=project.config.max_file_size,
        prefilter=options.prefilter,
        report_syntax="SS900" in codes,
        report_unreadable="SS901" in codes,
        fix=_fix_mode(options),
    )


def _fix_mode(options: CheckOptions) -> FixMode | None:
    if not (options.fix or options.diff):
        return None
    from steeringsync.fix.pipeline import FixMode

    return FixMode(write=options.fix and not options.diff, unsafe=options.unsafe_fixes)


def analyze_files(
    paths: Iterable[str | Path],
    job: FileJob,
    *,
    jobs: int | None = None,
    cache: Cache | None = None,
) -> Iterator[FileResult]:
    """A result for each of ``paths``, in order: from the cache, the pre-filter, or a
    parse (across ``jobs`` processes when there are enough files to parse)."""
    scan = analyze_many(paths, job, jobs=jobs, cache=cache)
    found = {r.path: r for r in scan.results}  # Paths: `./a.py` and `a.py` are one file
    for path in map(Path, scan.paths):
        yield found.get(path) or FileResult(path)


def add_facts(facts: Facts, results: Iterable[FileResult]) -> None:
    """Gather the results' facts by collector, each with the file it came from."""
    for result in results:
        for name, items in result.facts.items():
            facts.setdefault(name, []).extend((result.path, item) for item in items)


def open_cache(project: Project, job: FileJob, options: CheckOptions) -> Cache | None:
    """The cache for this run configuration; None with ``--no-cache`` or when the rules'
    settings cannot be fingerprinted (then nothing is cached rather than risk staleness)."""
    if not options.cache or job.fix is not None:
        return None  # a fix run rewrites files; its results must not answer a later check
    docs = [(project.relative(p), _read_or_none(p)) for p in project.doc_paths]
    key = run_key((job, project.config, docs))
    return None if key is None else Cache(project.root, key, project.cache_base)


def _read_or_none(path: Path) -> bytes | None:
    from steeringsync.steering.document import read_doc_bytes

    try:
        return read_doc_bytes(path)
    except OSError:
        return None


def project_facts(
    project: Project,
    job: FileJob,
    options: CheckOptions,
    scanned: Iterable[str],
    facts: Facts,
    cache: Cache | None = None,
) -> set[str]:
    """Complete ``facts`` with the files a partial scan skipped; returns those files
    (their paths as strings: pre-commit's three files leave 10,000 others).

    Project rules judge the whole project ("no code reads this setting"), so when only
    some files are checked (pre-commit passes the staged ones) the others are analysed
    for facts only; findings placed in them are not reported.
    """
    if not job.collectors or all(p.resolve() == project.root for p in options.paths):
        return set()
    done = set(scanned)
    rest = [p for p in python_files((project.root,), project.selector) if p not in done]
    # the full run's job, so a full run's cache answers; findings here are dropped, and
    # files outside the given paths are never fixed
    facts_job = dataclasses.replace(job, fix=None)
    add_facts(facts, analyze_many(rest, facts_job, jobs=options.jobs, cache=cache).results)
    return set(rest)


def _facts_of(results: Iterable[FileResult], outside: Facts) -> Facts:
    facts: Facts = {}
    add_facts(facts, results)
    for name, items in outside.items():
        facts.setdefault(name, []).extend(items)
    return facts


def relearn(
    project: Project,
    job: FileJob,
    options: CheckOptions,
    facts: Facts,
    results: list[FileResult],
) -> list[FileResult]:
    """Check again, with the rules informed by the repository's facts, the files whose
    findings may change; in fix mode, the files with anything to fix, now fixed."""
    rules = tuple(rule.learned(project, facts) for rule in job.rules)
    changed = {new.code for new, old in zip(rules, job.rules, strict=True) if new is not old}
    again = [
        r.path
        for r in results
        if any(f.code in changed for f in r.findings)
        or (job.fix is not None and any(job.fix.allows(f) for f in r.findings))
    ]
    if not again:
        return []
    second = dataclasses.replace(job, rules=rules)
    cache = open_cache(project, second, options)
    found = list(analyze_many(again, second, jobs=options.jobs, cache=cache).results)
    if cache is not None:
        cache.save()
    return found


def check(project: Project, options: CheckOptions) -> CheckReport:
    rules = enabled_rules(project, options)
    job = file_job(project, rules, options)
    report = CheckReport(rules=rules)
    learning = any(r.collectors() for r in job.rules)
    # a rule that learns from the repository fixes nothing before it has learned
    first = dataclasses.replace(job, fix=None) if learning else job
    cache = open_cache(project, first, options)
    files = python_files(options.paths, project.selector)
    scan = analyze_many(files, first, jobs=options.jobs, cache=cache)
    report.files_checked = len(scan.paths)
    results = {r.path: r for r in scan.results}
    outside: Facts = {}  # facts of the files a partial run does not check
    unscanned = project_facts(project, first, options, scan.paths, outside, cache)
    facts = _facts_of(results.values(), outside)
    if cache is not None:
        whole = any(p.resolve() == project.root for p in options.paths)
        cache.save(prune_unseen=whole or bool(unscanned))
    if learning:
        for result in relearn(project, job, options, facts, list(results.values())):
            results[result.path] = result
        facts = _facts_of(results.values(), outside)
    for result in results.values():
        report.findings.extend(result.findings)
        report.notices.extend(result.notices)
        if result.fixed:
            report.fixed_files.append(result.path)
        if result.diff:
            report.diffs.append(result.diff)
    for rule in rules:
        if isinstance(rule, DocRule):
            for doc in project.docs:
                report.findings.extend(mark_suppressed(doc, rule.check_doc(doc, project)))
        elif isinstance(rule, ProjectRule):
            found = rule.check_project(project, facts)
            report.findings.extend(f for f in found if str(f.path) not in unscanned)
    project.docs  # noqa: B018 - loading the docs records the "no steering directory" notice
    report.notices.extend(project.notices)
    report.notices.extend(project.skipped_notices())
    report.findings.sort(key=Finding.sort_key)
    return report
