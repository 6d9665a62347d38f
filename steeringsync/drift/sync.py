"""``steeringsync sync``: rewrite documented setting values to the code's (or an env file's),
and paths that moved (SS306/SS307) to where they are now.

Only the characters of a changed value are rewritten; every other byte of the doc (line
endings, a BOM, table padding where the column has room) stays as it was.

``--diff`` prints a patch that ``git apply`` accepts: it carries the doc's real bytes, as
the doc in the repository does (masking a secret in a context line would make the patch
fail to apply). Secrets are masked in the human-facing messages only; and a secret-looking
value is never copied from an env file into a doc, so a diff shows nothing new. Each
rewrite is checked to read back as the target value, so a sync never adds drift.
"""

from __future__ import annotations

import codecs
import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from steeringsync.drift.code_settings import SettingsCollector
from steeringsync.drift.doc_settings import DocSetting, doc_lines, extract
from steeringsync.drift.env_files import read_env_file
from steeringsync.drift.model import DriftModel, build, in_scope
from steeringsync.drift.reads import UNKNOWN
from steeringsync.drift.secrets import is_secret, looks_secret
from steeringsync.drift.values import normalize
from steeringsync.project import Project
from steeringsync.sandbox import write_atomic
from steeringsync.steering.document import SteeringDoc, parse_text, read_doc_bytes

if TYPE_CHECKING:
    from steeringsync.claims.repair import PathEdit


@dataclass(frozen=True)
class Change:
    path: Path
    line: int
    key: str
    old: str
    new: str


@dataclass
class SyncReport:
    changes: list[Change] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # values left alone, and why


def code_model(project: Project) -> DriftModel:
    """Settings read anywhere in the project (the same files ``check`` would analyse)."""
    from steeringsync.api import Facts, add_facts
    from steeringsync.discovery import python_files
    from steeringsync.engine import FileJob
    from steeringsync.parallel import analyze_many  # the api's process pool

    job = FileJob(
        rules=(),
        collectors=(SettingsCollector(),),
        max_file_size=project.config.max_file_size,
        report_syntax=False,
        report_unreadable=False,
    )
    facts: Facts = {}
    add_facts(facts, analyze_many(python_files((project.root,), project.selector), job).results)
    return build(project, facts)


# key -> the value the docs should say, or the reason no value can be given
Targets = dict[str, "str | Skip"]


@dataclass(frozen=True)
class Skip:
    reason: str


def targets_from_code(model: DriftModel) -> Targets:
    """Settings without any default (``os.environ["K"]``) are absent: nothing to say."""
    targets: Targets = {}
    for key, reads in model.by_key().items():
        default = model.code_default(key)
        # an env file that says otherwise: writing the code's value would only move the
        # disagreement to another source (SS201 would still report the line)
        other = next(
            (
                e
                for e in model.env
                if e.key == key
                and e.value is not None
                and default is not None
                and normalize(e.value) != normalize(default)
            ),
            None,
        )
        if any(r.setting.state == UNKNOWN for r in reads):
            targets[key] = Skip("the code computes its default")
        elif other is not None:
            where = model.where(other.path, other.line)
            targets[key] = Skip(f"the code and {where} disagree; settle that first")
        elif default is not None:
            targets[key] = default
        elif model.literal_defaults(key):
            targets[key] = Skip("the code defaults it differently in two places (SS204)")
    return targets


SECRET_REFUSED = "the value looks like a secret; pass --allow-secrets to write it into the doc"


def targets_from_env_file(project: Project, path: Path, allow_secrets: bool = False) -> Targets:
    """An env file may be a real one: a secret-looking value is not copied into a doc
    (which is committed) unless the user says so."""
    config = project.config
    targets: Targets = {}
    for s in read_env_file(path):
        if not in_scope(s.key, config.drift_include, config.drift_exclude):
            continue
        if s.value is None:
            targets[s.key] = Skip(f"{path.name} sets it with a shell expansion")
        elif not allow_secrets and s.value.strip() and (is_secret(s.key) or looks_secret(s.value)):
            targets[s.key] = Skip(SECRET_REFUSED)
        else:
            targets[s.key] = s.value
    return targets


def sync(
    project: Project,
    env_file: Path | None = None,
    *,
    write: bool = True,
    allow_secrets: bool = False,
) -> SyncReport:
    """Plan (and with ``write``, apply) the value rewrites for every steering doc."""
    if env_file is not None:
        targets = targets_from_env_file(project, env_file, allow_secrets)
    else:
        targets = targets_from_code(code_model(project))
    report = SyncReport()
    for doc in project.docs:
        if doc.decode_error is None:
            _sync_doc(project, doc, targets, report, write)
    return report


def _moved_paths(
    project: Project, doc: SteeringDoc, lines: list[str], taken: set[int], report: SyncReport
) -> set[int]:
    """Rewrite the doc's moved paths (SS306/SS307) in ``lines``; the lines changed."""
    from steeringsync.claims.repair import apply, path_edits

    by_line: dict[int, list[PathEdit]] = {}
    for edit in path_edits(project, doc):
        if edit.line in taken or edit.line > len(lines):
            report.notes.append(
                f"{project.relative(doc.path)}:{edit.line}: `{edit.old}` left alone: "
                "the line documents a setting"
            )
            continue
        by_line.setdefault(edit.line, []).append(edit)
    for number, edits in by_line.items():
        lines[number - 1] = apply(lines[number - 1], edits)
        report.changes.extend(Change(doc.path, number, "path", e.old, e.new) for e in edits)
    return set(by_line)


def _sync_doc(
    project: Project,
    doc: SteeringDoc,
    targets: Targets,
    report: SyncReport,
    write: bool,
    paths: bool = True,
) -> None:
    # the file's own bytes, not the parsed text: that has its line endings normalised
    raw = read_doc_bytes(doc.path)
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    original = doc_lines(raw[len(bom) :].decode("utf-8"))
    lines = list(original)
    changed: dict[int, str] = {}
    for setting, target in _changes(project, doc, targets, report):
        new = _render(setting, target)
        line = original[setting.line - 1] if setting.line <= len(original) else ""
        if new is None or line[setting.value_start : setting.value_end] != setting.value:
            report.notes.append(
                f"{project.relative(doc.path)}:{setting.line}: `{setting.key}` left alone: "
                "the new value cannot be written there exactly"
            )
            continue
        rewritten = _replace(line, setting, new)
        if not _reads_back(doc, setting, rewritten, target):
            report.notes.append(
                f"{project.relative(doc.path)}:{setting.line}: `{setting.key}` left alone: "
                "the rewritten line would not read back as the new value"
            )
            continue
        lines[setting.line - 1] = rewritten
        changed[setting.line] = new
        report.changes.append(Change(doc.path, setting.line, setting.key, setting.value or "", new))
    # a line that holds a setting keeps its paths: the diff masks secrets line by line
    taken = set(changed) | {s.line for s in extract(doc)}
    moved = _moved_paths(project, doc, lines, taken, report) if paths else set()
    if not changed and not moved:
        return
    name = project.relative(doc.path)
    report.diffs.append(patch(name, original, lines, bom))
    if write:
        # never through a link: the doc's own path is replaced
        write_atomic(doc.path, bom + "\n".join(lines).encode("utf-8"))
        report.written.append(doc.path)


def _reads_back(doc: SteeringDoc, setting: DocSetting, line: str, target: str) -> bool:
    """Whether the doc, with ``line`` in place of the setting's, documents ``target``."""
    lines = doc.text.split("\n")
    if not 0 < setting.line <= len(lines):
        return False
    lines[setting.line - 1] = line.rstrip("\r")
    probe = parse_text(doc.path, "\n".join(lines))
    found = [s for s in extract(probe) if s.key == setting.key and s.line == setting.line]
    return bool(found) and all(
        s.value is not None and normalize(s.value) == normalize(target) for s in found
    )


def patch(name: str, original: list[str], lines: list[str], bom: bytes) -> str:
    """A unified diff of the doc that ``git apply`` accepts: real bytes, and the
    "no newline at end of file" marker where the last line has none."""
    first = "\ufeff" if bom else ""
    old = _keepends([first + original[0], *original[1:]] if original else original)
    new = _keepends([first + lines[0], *lines[1:]] if lines else lines)
    out = []
    for line in difflib.unified_diff(old, new, f"a/{name}", f"b/{name}"):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _keepends(lines: list[str]) -> list[str]:
    ended = [line + "\n" for line in lines[:-1]]
    return [*ended, lines[-1]] if lines and lines[-1] else ended


def _changes(
    project: Project, doc: SteeringDoc, targets: Targets, report: SyncReport
) -> Iterator[tuple[DocSetting, str]]:
    config = project.config
    for setting in extract(doc):
        if setting.value is None or setting.key not in targets:
            continue
        if not in_scope(setting.key, config.drift_include, config.drift_exclude):
            continue
        target = targets[setting.key]
        if isinstance(target, Skip):
            report.notes.append(
                f"{project.relative(doc.path)}:{setting.line}: `{setting.key}` left alone: "
                f"{target.reason}"
            )
        elif normalize(target) != normalize(setting.value):
            yield setting, target


def _render(setting: DocSetting, value: str) -> str | None:
    """The value as it must be written at the setting's place; None when it cannot be."""
    if normalize(value) in ("true", "false"):
        value = normalize(value)
    if "\n" in value or "\r" in value:
        return None
    if setting.in_table:
        if not value or "`" in value:
            return None
        return value.replace("|", "\\|")
    if setting.quote:
        return None if setting.quote in value or "\\" in value else value
    if value and not any(ch in value for ch in " \t#'\"$`\\;"):
        return value
    if not value:
        return value
    if "'" not in value:
        return f"'{value}'"
    return None


def _replace(line: str, setting: DocSetting, new: str) -> str:
    """Swap the value's characters; in an aligned table, keep the closing pipe in place."""
    start, end = setting.value_start, setting.value_end
    if setting.cell_end is None:
        return line[:start] + new + line[end:]
    tail = line[end : setting.cell_end]
    padding = len(tail) - len(tail.rstrip(" "))
    delta = len(new) - (end - start)
    if delta > 0:
        tail = tail[: len(tail) - min(delta, max(padding - 1, 0))]
    elif delta < 0:
        tail += " " * -delta
    return line[:start] + new + tail + line[setting.cell_end :]


def rewrite_value(line: str, setting: DocSetting, value: str) -> str | None:
    """``line`` with ``setting``'s value changed to ``value`` exactly as ``sync`` writes
    it; None when it cannot be written there (for one-value repairs, e.g. an editor's)."""
    new = _render(setting, value)
    if new is None or line[setting.value_start : setting.value_end] != setting.value:
        return None
    return _replace(line, setting, new)
