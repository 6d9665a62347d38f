"""Fix steering docs inside ``check --fix`` / ``--diff``: each doc rule with a fix rewrites
the doc's bytes; the result is written once, atomically, and parsed again so the check that
follows reports what remains at current lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from steeringsync.fix.diff import unified_diff
from steeringsync.fix.pipeline import FixMode, display_path
from steeringsync.fix.writer import write_atomic
from steeringsync.project import Project
from steeringsync.rules.base import DocFixError, DocRule
from steeringsync.steering.document import SteeringDoc, parse_bytes, read_doc_bytes
from steeringsync.steering.suppress import mark_suppressed
from steeringsync.types import Applicability, Finding


@dataclass
class DocFixes:
    written: list[Path] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def fix_docs(
    project: Project, rules: Sequence[DocRule], mode: FixMode, paths: Sequence[Path]
) -> DocFixes:
    """Apply the allowed fixes of ``rules`` to the steering docs under ``paths`` (the
    command line's: `check --fix app/` reports the docs but leaves them as they are); with
    ``mode.write``, the rewritten docs replace the parsed ones in ``project.docs``."""
    outcome = DocFixes()
    named = [p.resolve() for p in paths]
    fixers = [r for r in rules if r.fix_applicability is not Applicability.NONE]
    if not fixers:
        return outcome
    docs = project.docs
    for index, doc in enumerate(docs):
        if doc.decode_error is not None:
            continue  # not UTF-8 or unreadable: SS300's, never rewritten
        if not any(doc.path.resolve().is_relative_to(p) for p in named):
            continue
        if not any(_wanted(rule, doc, project, mode) for rule in fixers):
            continue
        try:
            original = read_doc_bytes(doc.path)  # a regular file, bounded, as the check read it
        except OSError as exc:
            outcome.notices.append(f"{display_path(doc.path)}: not fixed: {exc.strerror or exc}")
            continue
        # fixes work from the bytes on disk, parsed again: the doc may come from the cache
        data, current = original, parse_bytes(doc.path, original)
        for rule in fixers:
            wanted = _wanted(rule, current, project, mode)
            if not wanted:
                continue
            try:
                fixed = rule.fix_doc(current, data, wanted)
            except DocFixError as exc:
                outcome.notices.append(f"{display_path(doc.path)}: {rule.code} not fixed: {exc}")
                continue
            if fixed != data:
                data, current = fixed, parse_bytes(doc.path, fixed)
        if data == original:
            continue
        if not mode.write:
            old, new = (d.decode("utf-8") for d in (original, data))
            outcome.diffs.append(unified_diff(old, new, display_path(doc.path)))
            continue
        try:
            write_atomic(doc.path, data)
        except OSError as exc:
            reason = exc.strerror or exc
            outcome.notices.append(f"{display_path(doc.path)}: not fixed: cannot write: {reason}")
            continue
        docs[index] = current
        outcome.written.append(doc.path)
    return outcome


def _wanted(rule: DocRule, doc: SteeringDoc, project: Project, mode: FixMode) -> list[Finding]:
    """The rule's findings in ``doc`` that this run may fix (noqa-suppressed ones not)."""
    return [f for f in mark_suppressed(doc, rule.check_doc(doc, project)) if mode.allows(f)]
