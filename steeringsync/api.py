"""The library API behind the CLI: check a project and return a report; no printing here."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from steeringsync import baseline as baseline_mod
from steeringsync.cache import Cache, run_key
from steeringsync.discovery import python_files
from steeringsync.engine import FileJob
from steeringsync.errors import ConfigError, UsageError
from steeringsync.parallel import analyze_many
from steeringsync.project import Project
from steeringsync.rules import build_rules, is_selected, selected, unknown_codes
from steeringsync.rules.base import DocRule, FactCollector, ProjectRule, PythonRule, Rule
from steeringsync.rules.ss902_unused_noqa import UnusedNoqa
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
    extend_select: tuple[str, ...] = ()  # added to the selection
    ignore: tuple[str, ...] = ()  # added to the configuration's
    baseline: Path | None = None  # report only findings not recorded in this file
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
    baselined: list[Finding] = field(default_factory=list)  # matched the baseline
    stale_baseline: list[baseline_mod.Entry] = field(default_factory=list)
    checked_paths: list[str | Path] = field(default_factory=list)
    fixes: list[Finding] = field(default_factory=list)  # the findings a fix removed

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]

    def statistics(self) -> list[tuple[str, int, int]]:
        """(code, active count, suppressed count) per code, most frequent first."""
        active = Counter(f.code for f in self.findings if not f.suppressed)
        suppressed = Counter(f.code for f in self.findings if f.suppressed)
        codes = sorted(set(active) | set(suppressed), key=lambda c: (-active[c], c))
        return [(c, active[c], suppressed[c]) for c in codes]


def enabled_rules(
    project: Project, options: CheckOptions, every: Sequence[Rule] | None = None
) -> list[Rule]:
    """The rules this run applies (of ``every``, by default all the project's); an
    unknown code anywhere is an error, never ignored."""
    rules = list(every) if every is not None else build_rules(project)
    known = [r.code for r in rules]
    config = project.config
    in_pyproject = config.source is not None and config.source.name == "pyproject.toml"
    prefix = "tool.steeringsync." if in_pyproject else ""
    for key, codes in config.code_lists():
        for problem in unknown_codes(codes, known):
            raise ConfigError(problem, path=config.source, key=prefix + key)
    cli_lists = (
        ("--select", options.select or ()),
        ("--extend-select", options.extend_select),
        ("--ignore", options.ignore),
    )
    for flag, codes in cli_lists:
        for problem in unknown_codes(codes, known):
            raise UsageError(f"{flag}: {problem}")
    select = config.selection() if options.select is None else options.select
    if select:
        select = (*select, *options.extend_select)
    ignore = (*config.ignore, *options.ignore)
    return selected(rules, select, ignore)


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
        python_minimum=project.python_minimum,
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
    every = build_rules(project)  # built once: SS902 asks for every code at the end
    rules = enabled_rules(project, options, every)
    job = file_job(project, rules, options)
    report = CheckReport(rules=rules)
    learning = any(r.collectors() for r in job.rules)
    # a rule that learns from the repository fixes nothing before it has learned
    first = dataclasses.replace(job, fix=None) if learning else job
    cache = open_cache(project, first, options)
    project.scan_memo = cache
    # the stats of unchanged files, for the drift rules' scan (one stat per file a run)
    project.file_stats = {} if cache is not None else None
    files = python_files(options.paths, project.selector)
    scan = analyze_many(files, first, jobs=options.jobs, cache=cache, stats=project.file_stats)
    report.files_checked = len(scan.paths)
    report.checked_paths = list(scan.paths)
    results = {r.path: r for r in scan.results}
    outside: Facts = {}  # facts of the files a partial run does not check
    unscanned = project_facts(project, first, options, scan.paths, outside, cache)
    facts = _facts_of(results.values(), outside)
    whole = any(p.resolve() == project.root for p in options.paths)
    if learning:
        for result in relearn(project, job, options, facts, list(results.values())):
            results[result.path] = result
        facts = _facts_of(results.values(), outside)
    for result in results.values():
        report.findings.extend(result.findings)
        report.notices.extend(result.notices)
        if result.fixed:
            report.fixed_files.append(result.path)
            report.fixes.extend(result.fixes)
        if result.diff:
            report.diffs.append(result.diff)
    doc_fix = _fix_mode(options)
    if doc_fix is not None:
        _fix_docs(project, rules, doc_fix, options, report)
    docs = {doc.path: doc for doc in project.docs}
    placed: list[Finding] = []  # doc and project findings, before noqa comments are read
    for rule in rules:
        if isinstance(rule, DocRule):
            for doc in project.docs:
                placed.extend(rule.check_doc(doc, project))
        elif isinstance(rule, ProjectRule):
            found = rule.check_project(project, facts)
            placed.extend(f for f in found if str(f.path) not in unscanned)
    report.findings.extend(_suppress_in_docs(docs, placed))
    if cache is not None:  # once the project rules' scans have remembered theirs too
        cache.save(prune_unseen=whole or bool(unscanned))
    # the run's cache and snapshot: never reused by a later run on this Project
    project.scan_memo = project.file_stats = None
    noqa = next((r for r in rules if isinstance(r, UnusedNoqa)), None)
    if noqa is not None:
        known = [r.code for r in every]
        scanned_facts = {
            name: [(p, item) for p, item in items if str(p) not in unscanned]
            for name, items in facts.items()
        }
        enabled = [r.code for r in rules]
        found = noqa.check_directives(project, scanned_facts, report.findings, known, enabled)
        report.findings.extend(_suppress_in_docs(docs, found))
    report.findings = _per_file_ignored(project, report.findings)
    report.notices.extend(project.notices)
    report.notices.extend(project.skipped_notices())
    report.findings.sort(key=Finding.sort_key)
    if options.fix and noqa is not None:
        _fix_noqa(project, report, noqa)
    if options.baseline is not None:
        _apply_baseline(project, options, report, unscanned)
    return report


def _suppress_in_docs(docs: dict[Path, Any], findings: Iterable[Finding]) -> Iterator[Finding]:
    """Findings on doc lines, those under a matching noqa comment marked suppressed
    (every rule honours the same comments, the drift rules included)."""
    by_path: dict[Path, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    for path, items in by_path.items():
        doc = docs.get(path)
        yield from items if doc is None else mark_suppressed(doc, items)


def _per_file_ignored(project: Project, findings: list[Finding]) -> list[Finding]:
    """Findings less those ``per-file-ignores`` turns off for their file."""
    table = project.config.per_file_ignores
    if not table:
        return findings
    import pathspec

    specs = [(pathspec.GitIgnoreSpec.from_lines([glob]), codes) for glob, codes in table]
    kept = []
    for finding in findings:
        rel = project.relative(finding.path)
        if not any(
            spec.match_file(rel) and is_selected(finding.code, codes, ()) for spec, codes in specs
        ):
            kept.append(finding)
    return kept


def _apply_baseline(
    project: Project, options: CheckOptions, report: CheckReport, unscanned: set[str]
) -> None:
    assert options.baseline is not None
    entries = baseline_mod.read(options.baseline)
    active = report.active
    pairs = baseline_mod.fingerprints(active, project.relative)
    checked = {project.relative(Path(p)) for p in report.checked_paths}
    checked.update(project.relative(d) for d in project.doc_paths)
    enabled = {r.code for r in report.rules}
    result = baseline_mod.compare(
        pairs, entries, judged=lambda e: e.path in checked and e.code in enabled
    )
    new = {id(f) for f in result.new}
    report.findings = [f for f in report.findings if f.suppressed or id(f) in new]
    report.baselined = result.baselined
    report.stale_baseline = result.stale


def write_baseline(project: Project, report: CheckReport, path: Path) -> int:
    """Record the report's active findings in a baseline file; returns how many."""
    pairs = baseline_mod.fingerprints(report.active, project.relative)
    return baseline_mod.write(path, [entry for _, entry in pairs])


def _fix_noqa(project: Project, report: CheckReport, rule: UnusedNoqa) -> None:
    from steeringsync.fix.noqa_edits import remove_unused

    fixable = [f for f in report.active if f.code == UnusedNoqa.code and f.fixable]
    fixed_paths, fixed = remove_unused(project, fixable, rule.removals)
    gone = {id(f) for f in fixed}
    report.findings = [f for f in report.findings if id(f) not in gone]
    report.fixes.extend(fixed)
    report.fixed_files.extend(p for p in fixed_paths if p not in report.fixed_files)


def check_source(project: Project, options: CheckOptions, path: Path, data: bytes) -> CheckReport:
    """Check ``data`` as the contents of ``path`` (``--stdin-filename``, for editors): the
    file's own rules; rules over the whole project need the files on disk and do not run."""
    from steeringsync.engine import analyze_bytes
    from steeringsync.steering.document import parse_bytes

    rules = enabled_rules(project, options)
    report = CheckReport(rules=rules, files_checked=1)
    if path.suffix == ".md" and project.steering_dir in path.parents:
        doc = parse_bytes(path, data)
        for rule in rules:
            if isinstance(rule, DocRule):
                report.findings.extend(mark_suppressed(doc, rule.check_doc(doc, project)))
    elif project.selector.included(path):
        job = dataclasses.replace(file_job(project, rules, options), collectors=(), fix=None)
        result = analyze_bytes(path, data, job)
        report.findings.extend(result.findings)
        report.notices.extend(result.notices)
    report.findings = _per_file_ignored(project, report.findings)
    report.findings.sort(key=Finding.sort_key)
    return report


def _fix_docs(
    project: Project,
    rules: Sequence[Rule],
    mode: FixMode,
    options: CheckOptions,
    report: CheckReport,
) -> None:
    """Fix the steering docs before the doc rules check them, so findings are current."""
    from steeringsync.fix.docs import fix_docs

    doc_rules = [r for r in rules if isinstance(r, DocRule)]
    outcome = fix_docs(project, doc_rules, mode, options.paths)
    report.fixed_files.extend(outcome.written)
    report.diffs.extend(outcome.diffs)
    report.notices.extend(outcome.notices)
