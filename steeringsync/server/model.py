"""The project a language server keeps in memory, updated one buffer at a time.

Loaded once: the configuration, the steering docs, the rules they declare and the facts
every Python file gives the project rules (settings read, ...). After that an edit
touches only what it changes: a Python buffer is re-checked alone and replaces that
file's facts (the project rules run again only when its facts changed); a steering-doc
buffer is re-parsed alone, the rules are rebuilt from the docs, and the open Python
files are re-checked only when the rules they run changed. Unsaved buffers win over the
files on disk; closing a buffer goes back to the file.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from steeringsync import api
from steeringsync.config import Config
from steeringsync.config import discover as discover_config
from steeringsync.discovery import python_files
from steeringsync.drift.env_files import env_file_matcher
from steeringsync.drift.mentions import NameMemo
from steeringsync.engine import FileJob, analyze_bytes, analyze_file, unreadable_result
from steeringsync.project import Project
from steeringsync.python.source import UnreadableSource
from steeringsync.rules.base import DocRule, FactCollector, ProjectRule, PythonRule, Rule
from steeringsync.server.incremental import aliases as rule_aliases
from steeringsync.server.incremental import kept, reusable
from steeringsync.server.reparse import Parsed, reparse
from steeringsync.steering import document
from steeringsync.steering.document import SteeringDoc
from steeringsync.steering.suppress import mark_suppressed
from steeringsync.types import FileResult, Finding

# what a Python file gives the project rules: collector name -> facts
FileFacts = dict[str, list[Any]]


@dataclass(frozen=True)
class FactsLoad:
    """Every Python file's facts, read for the collectors of one job."""

    collectors: tuple[FactCollector, ...]
    facts: dict[Path, FileFacts]


@dataclass
class RuleRun:
    """The findings of the rules :mod:`incremental` can keep, on a buffer's last
    ``text``, by rule code with the rule that found them (pickled: equal pickles find
    alike); and the aliases they need, once asked."""

    text: str
    rules: dict[str, bytes]
    findings: dict[str, list[Finding]]
    aliases: dict[str, frozenset[str]] = field(default_factory=dict)


def encode_buffer(text: str) -> bytes:
    """A buffer's bytes as they would be saved: in the encoding its coding cookie
    declares (PEP 263), else UTF-8."""
    head = "\n".join(text.split("\n", 2)[:2]).encode("utf-8", "surrogatepass")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(head).readline)
        return text.encode(encoding)
    except (SyntaxError, LookupError, UnicodeError):
        return text.encode("utf-8", "surrogatepass")


class ProjectModel:
    """One project root: its docs, rules and facts, plus the open buffers' findings."""

    def __init__(self, root: Path, config: Config | None = None) -> None:
        self.root = root
        self.config = config if config is not None else discover_config(root)
        self.docs: dict[Path, SteeringDoc] = {}  # every steering doc, buffers included
        self.facts: dict[Path, FileFacts] = {}  # only files that gave any
        self.buffers: dict[Path, str] = {}  # open Python buffers
        self.parsed: dict[Path, Parsed] = {}  # their trees, re-parsed statement-wise
        self.runs: dict[Path, RuleRun] = {}  # what the last check of each buffer found
        self.doc_buffers: set[Path] = set()
        self.python_findings: dict[Path, list[Finding]] = {}  # open Python buffers only
        self.doc_findings: dict[Path, list[Finding]] = {}
        self.project_findings: dict[Path, list[Finding]] = {}
        # setting names found in the repository's other files (SS202), across doc edits
        self.names = NameMemo()
        self.project = Project(root, self.config, name_memo=self.names)
        self.rules: list[Rule] = []
        # the Python rules as the docs and configuration make them, and (``job``) as
        # ``check`` runs them: informed by every file's facts (SS001's learned binding)
        self.base_job = FileJob(rules=())
        self.job = self.base_job
        self._job_key = b""
        # every file's facts are in: until then the rules over the whole project do not
        # run (a setting read only by an unread file would look unread) and nothing is
        # learned from facts
        self.loaded = False

    # -- loading -----------------------------------------------------------------------

    def load(self) -> None:
        """Read every steering doc and the facts of every Python file (once)."""
        self.load_docs()
        self.install_facts(self.read_facts())

    def load_docs(self) -> None:
        """The steering docs, the rules and the doc findings: what a file's first
        diagnostics need; no Python file is read."""
        for path in Project(self.root, self.config).doc_paths:
            self.docs[path] = self._read_doc(path)
        self._rebuild_rules()
        self.project.selector  # noqa: B018 - built here, not in a thread reading facts
        self._run_doc_rules()

    def read_facts(self) -> FactsLoad:
        """Every Python file's facts, from the per-file cache ``check`` keeps where it
        can; reads no state another thread changes (the server runs it in one).

        The files are checked with ``check``'s own first-pass job, so a run of either
        answers the other from the cache (entries are HMAC-checked, like the CLI's).
        """
        job = self.base_job
        facts: dict[Path, FileFacts] = {}
        if job.collectors:
            cache = api.open_cache(self.project, job, api.CheckOptions())
            files = python_files((self.root,), self.project.selector)
            for result in api.analyze_files(files, job, cache=cache):
                if result.facts:
                    facts[result.path] = result.facts
            if cache is not None:
                cache.save(prune_unseen=True)
        return FactsLoad(job.collectors, facts)

    def install_facts(self, load: FactsLoad) -> bool:
        """Take the facts :meth:`read_facts` read and run the project rules; False when
        the docs changed the collectors meanwhile (then read them again)."""
        if load.collectors != self.base_job.collectors:
            return False
        for path, facts in load.facts.items():
            # a buffer's facts, or a file's read again since, are newer than the load's
            if path not in self.buffers:
                self.facts.setdefault(path, facts)
        self.loaded = True
        if self._learn():
            self._recheck_buffers()
        self._run_project_rules()
        return True

    def _read_doc(self, path: Path) -> SteeringDoc:
        try:
            return document.load(path)
        except OSError as exc:
            doc = SteeringDoc(path, "")
            doc.decode_error = f"cannot read: {exc.strerror or exc}"
            return doc

    def _new_project(self) -> Project:
        """A Project over the docs held here; the expensive walks of the last one are
        kept (``cached_property`` values live in the instance dict, so seeding it is
        how they are carried over)."""
        project = Project(self.root, self.config, name_memo=self.names)
        for name in ("selector", "repo_files"):
            if name in self.project.__dict__:
                project.__dict__[name] = self.project.__dict__[name]
        docs = [self.docs[p] for p in sorted(self.docs)]
        project.__dict__["doc_paths"] = [d.path for d in docs]
        project.__dict__["docs"] = docs
        return project

    def _rebuild_rules(self) -> bool:
        """Rebuild the rules from the docs; True when the Python files' job changed."""
        self.project = self._new_project()
        options = api.CheckOptions(cache=False)
        self.rules = api.enabled_rules(self.project, options)
        self.base_job = api.file_job(self.project, self.rules, options)
        return self._learn()

    def _learn(self) -> bool:
        """The Python rules informed by every file's facts, as ``check`` re-learns them
        before it fixes (``api.relearn``): a code action then makes the edit ``check
        --fix`` makes. True when the job changed."""
        facts = self.gathered_facts()
        notices = len(self.project.notices)  # said by `check`; an editor has no console
        rules = self.base_job.rules
        if self.loaded:
            rules = tuple(rule.learned(self.project, facts) for rule in rules)
        del self.project.notices[notices:]
        job = dataclasses.replace(self.base_job, rules=rules)
        # the job is what a worker receives: equal pickles check files identically
        key = pickle.dumps(job)
        changed = key != self._job_key
        self.job, self._job_key = job, key
        return changed

    # -- kinds of file -------------------------------------------------------------------

    def is_doc(self, path: Path) -> bool:
        return path.suffix == ".md" and path.is_relative_to(self.project.steering_dir)

    def is_python(self, path: Path) -> bool:
        return (
            path.is_relative_to(self.root)
            and not self.is_doc(path)
            and self.project.selector.included(path)
        )

    # -- buffers -------------------------------------------------------------------------

    def set_buffer(self, path: Path, text: str) -> None:
        """An editor buffer's contents (opened or changed) replace the file's."""
        if self.is_doc(path):
            self.doc_buffers.add(path)
            self._set_doc(path, document.parse_text(path, text.lstrip("\ufeff")))
        elif self.is_python(path):
            self.buffers[path] = text
            self._set_python(path, self._analyze(path, text))

    def _analyze(self, path: Path, text: str) -> FileResult:
        data = encode_buffer(text)
        limit = self.config.max_file_size
        if len(data) > limit:  # bounded as the CLI bounds files on disk (SS901)
            self.parsed.pop(path, None)
            reason = f"file is larger than max-file-size ({len(data)} > {limit} bytes)"
            return unreadable_result(path, self.job, UnreadableSource(reason))
        # the engine drops a BOM when it decodes; the tree is of the text it checks
        parsed = reparse(self.parsed.pop(path, None), text.removeprefix("\ufeff"))
        last = self.runs.pop(path, None)
        if parsed is None:
            return analyze_bytes(path, data, self.job, None)
        self.parsed[path] = parsed
        keep = self._kept(last, parsed, text)
        job = self.job
        if keep:
            job = dataclasses.replace(job, rules=tuple(r for r in job.rules if r.code not in keep))
        result = analyze_bytes(path, data, job, parsed.tree)
        for kept_findings in keep.values():
            result.findings.extend(kept_findings)
        rules = {r.code: r for r in self.job.rules if reusable(r)}
        found = {c: [f for f in result.findings if f.code == c] for c in rules}
        keys = {c: pickle.dumps(r) for c, r in rules.items()}
        run = RuleRun(text, keys, found)
        if last is not None:  # aliases stay known while the findings are kept
            run.aliases = {c: a for c, a in last.aliases.items() if c in keep}
        self.runs[path] = run
        return result

    def _kept(self, last: RuleRun | None, parsed: Parsed, text: str) -> dict[str, list[Finding]]:
        """The findings of the last check that this edit cannot change, by rule: all of
        a rule's when only other rules changed (a doc declared a deprecation)."""
        edit = parsed.edit
        if last is None or (edit is None and text != last.text):
            return {}
        keep: dict[str, list[Finding]] = {}
        for rule in self.job.rules:
            if not reusable(rule) or last.rules.get(rule.code) != pickle.dumps(rule):
                continue
            if text == last.text:
                keep[rule.code] = last.findings[rule.code]
                continue
            assert edit is not None

            def known(rule: PythonRule = rule, run: RuleRun = last) -> frozenset[str]:
                if rule.code not in run.aliases:
                    run.aliases[rule.code] = rule_aliases(rule, parsed.tree)
                return run.aliases[rule.code]

            found = kept(rule, edit, parsed.tree, last.findings[rule.code], known)
            if found is not None:
                keep[rule.code] = found
        return keep

    def drop_buffer(self, path: Path) -> None:
        """The buffer was closed: the file on disk counts again."""
        if path in self.doc_buffers:
            self.doc_buffers.discard(path)
            if path.is_file():
                self._set_doc(path, self._read_doc(path))
            else:  # a new doc never saved
                self.docs.pop(path, None)
                self.doc_findings.pop(path, None)
                self._docs_changed()
        elif self.buffers.pop(path, None) is not None:
            self.python_findings.pop(path, None)
            self.parsed.pop(path, None)
            self.runs.pop(path, None)
            self._facts_from_disk(path)

    def disk_changed(self, path: Path, *, created_or_deleted: bool = False) -> None:
        """A file changed on disk outside the editor (a checkout, ``sync``); an open
        buffer still wins over it."""
        if created_or_deleted:  # the walks that list files are stale
            for name in ("selector", "repo_files"):
                self.project.__dict__.pop(name, None)
        if path in self.doc_buffers:
            return
        if self.is_doc(path):
            if path.is_file():
                self._set_doc(path, self._read_doc(path))
            elif self.docs.pop(path, None) is not None:
                self.doc_findings.pop(path, None)
                self._docs_changed()
            return
        rerun = self._files_read_changed(path)
        if path not in self.buffers and self.is_python(path):
            rerun = self._facts_from_disk(path, run_rules=False) or rerun
        if rerun:
            self._run_project_rules()

    def saved(self, path: Path) -> None:
        """A buffer was written to disk: what the project rules read from disk (names in
        other files, env files) may have changed."""
        if not self.is_doc(path) and self._files_read_changed(path):
            self._run_project_rules()

    def _files_read_changed(self, path: Path) -> bool:
        """Forget what was read from ``path`` on disk (not a steering doc); True when the
        project rules must run again: the names found in other files (SS202) are
        scanned for anew, an env file (``env-files``) is read again."""
        stale = bool(self.names.scanned)
        self.names.clear()
        return stale or (
            path.is_relative_to(self.root)
            and env_file_matcher(self.project)(path.relative_to(self.root).as_posix())
        )

    def _facts_from_disk(self, path: Path, *, run_rules: bool = True) -> bool:
        facts_job = dataclasses.replace(self.job, rules=())
        result = analyze_file(path, facts_job) if path.is_file() else FileResult(path)
        return self._set_facts(path, result.facts, run_rules=run_rules)

    def _set_python(self, path: Path, result: FileResult) -> None:
        self.python_findings[path] = result.findings
        self._set_facts(path, result.facts)

    def _set_facts(self, path: Path, facts: FileFacts, *, run_rules: bool = True) -> bool:
        """Replace the file's facts; True when they changed (then the project rules run,
        unless the caller runs them)."""
        old = self.facts.get(path, {})
        if old == facts:
            return False  # the common edit: nothing the project rules see has changed
        if facts:
            self.facts[path] = facts
        else:
            self.facts.pop(path, None)
        learning = {c.name for rule in self.base_job.rules for c in rule.collectors()}
        if any(old.get(name) != facts.get(name) for name in learning) and self._learn():
            self._recheck_buffers()  # e.g. the binding SS001's fix uses was learned anew
        if run_rules:
            self._run_project_rules()
        return True

    def _recheck_buffers(self) -> None:
        for path, text in self.buffers.items():
            self.python_findings[path] = self._analyze(path, text).findings

    def _set_doc(self, path: Path, doc: SteeringDoc) -> None:
        self.docs[path] = doc
        self._docs_changed()

    def _docs_changed(self) -> None:
        if self._rebuild_rules():
            self._recheck_buffers()
        self._run_doc_rules()
        self._run_project_rules()

    # -- rules over docs and the whole project -------------------------------------------

    def _run_doc_rules(self) -> None:
        found: dict[Path, list[Finding]] = {path: [] for path in self.docs}
        for rule in self.rules:
            if isinstance(rule, DocRule):
                for doc in self.project.docs:
                    found[doc.path].extend(mark_suppressed(doc, rule.check_doc(doc, self.project)))
        self.doc_findings = found

    def _run_project_rules(self) -> None:
        if not self.loaded:
            return
        facts = self.gathered_facts()  # one dict: the drift rules share one model per dict
        found: dict[Path, list[Finding]] = {}
        docs = {doc.path: doc for doc in self.project.docs}
        for rule in self.rules:
            if isinstance(rule, ProjectRule):
                for finding in rule.check_project(self.project, facts):
                    found.setdefault(finding.path, []).append(finding)
        for path, items in found.items():
            if path in docs:
                found[path] = list(mark_suppressed(docs[path], items))
        self.project_findings = found

    def gathered_facts(self) -> api.Facts:
        """Every file's facts by collector, as ``api.check`` hands them to project rules."""
        facts: api.Facts = {}
        for path, items in self.facts.items():
            for name, values in items.items():
                facts.setdefault(name, []).extend((path, value) for value in values)
        return facts

    # -- answers -------------------------------------------------------------------------

    def findings(self, path: Path) -> list[Finding]:
        """The active findings to show for an open file, in position order."""
        found: Iterable[Finding] = (
            *self.python_findings.get(path, ()),
            *self.doc_findings.get(path, ()),
            *self.project_findings.get(path, ()),
        )
        return sorted((f for f in found if not f.suppressed), key=Finding.sort_key)

    def rule(self, code: str) -> Rule | None:
        return next((r for r in self.rules if r.code == code), None)
