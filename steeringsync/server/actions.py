"""Code actions: every fix ``check --fix`` can make, "add noqa", and "sync this value".

Each action carries its workspace edit, computed from the buffer the editor holds, so
applying it needs no further round trip.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from steeringsync.drift.doc_settings import extract
from steeringsync.drift.model import build
from steeringsync.drift.sync import Skip, rewrite_value, targets_from_code
from steeringsync.drift.values import normalize
from steeringsync.fix.pipeline import fixed_text
from steeringsync.fix.writer import UnsafeResult, verify
from steeringsync.python.source import PythonSource
from steeringsync.reporters.escaping import clean_text
from steeringsync.rules.base import DocFixError, DocRule
from steeringsync.server.convert import diagnostic, text_lines, touches
from steeringsync.server.edits import doc_noqa, python_noqa, replace_lines
from steeringsync.server.model import ProjectModel, encode_buffer
from steeringsync.steering.document import parse_bytes
from steeringsync.types import Applicability, Finding

FIX_ALL = types.CodeActionKind.SourceFixAll + ".steeringsync"
SYNC_CODE = "SS201"


def code_actions(
    model: ProjectModel,
    path: Path,
    uri: str,
    text: str,
    selection: types.Range,
    codec: PositionCodec,
) -> list[types.CodeAction]:
    """The actions for the findings on the selected lines of the buffer ``text``."""
    lines = text_lines(text)
    findings = model.findings(path)
    here = [f for f in findings if touches(f, selection.start.line, selection.end.line)]
    actions: list[types.CodeAction] = []
    python = path in model.buffers
    for finding in here:
        diag = diagnostic(finding, lines, codec)
        if python and finding.fixable:
            action = _fix(model, path, uri, text, [finding], codec)
            if action is not None:
                action.diagnostics = [diag]
                actions.append(action)
        if finding.fixable and path in model.docs:
            action = _fix_doc(model, path, uri, text, finding, codec)
            if action is not None:
                action.diagnostics = [diag]
                actions.append(action)
        if finding.code == SYNC_CODE and path in model.docs:
            action = _sync_value(model, path, uri, lines, finding, codec)
            if action is not None:
                action.diagnostics = [diag]
                actions.append(action)
        actions.append(_noqa(model, path, uri, lines, finding, diag, codec))
    safe = [f for f in findings if f.applicability is Applicability.SAFE]
    if python and safe:
        action = _fix(model, path, uri, text, safe, codec, title="Fix all safe steeringsync fixes")
        if action is not None:
            action.kind = FIX_ALL
            actions.append(action)
    return actions


def _edit(uri: str, edit: types.TextEdit) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: [edit]})


def _fix(
    model: ProjectModel,
    path: Path,
    uri: str,
    text: str,
    findings: list[Finding],
    codec: PositionCodec,
    title: str | None = None,
) -> types.CodeAction | None:
    """The fix ``check --fix`` (``--unsafe-fixes`` for an unsafe one) makes, on the buffer."""
    source = PythonSource.from_bytes(path, encode_buffer(text))
    new, _notices = fixed_text(source, findings, model.job.rules)
    if new == source.text:
        return None  # the fixer left the site alone (its notice says why on the CLI)
    try:
        verify(new.encode("utf-8", "surrogatepass"), path)
    except UnsafeResult:
        return None
    # the source's text dropped a BOM; the buffer's own text is what the edit replaces
    edit = replace_lines(text, new if not text.startswith("\ufeff") else "\ufeff" + new, codec)
    if edit is None:
        return None
    unsafe = any(f.applicability is Applicability.UNSAFE for f in findings)
    if title is None:
        finding = findings[0]
        title = f"Fix {finding.code}: {clean_text(finding.message)}"
        if unsafe:
            title += " (unsafe fix)"
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        edit=_edit(uri, edit),
        is_preferred=not unsafe,
    )


def _fix_doc(
    model: ProjectModel,
    path: Path,
    uri: str,
    text: str,
    finding: Finding,
    codec: PositionCodec,
) -> types.CodeAction | None:
    """The doc fix ``check --fix`` makes for ``finding`` (SS309's list), on the buffer."""
    rule = next((r for r in model.rules if isinstance(r, DocRule) and r.code == finding.code), None)
    if rule is None or finding.applicability is not Applicability.SAFE:
        return None
    data = text.encode("utf-8", "surrogatepass")  # a BOM stays a character of the buffer
    try:
        new = rule.fix_doc(parse_bytes(path, data), data, [finding])
    except DocFixError:
        return None  # not exact: `check --fix` says why
    edit = replace_lines(text, new.decode("utf-8", "surrogatepass"), codec)
    if edit is None:
        return None
    return types.CodeAction(
        title=f"Fix {finding.code}: {clean_text(finding.message)}",
        kind=types.CodeActionKind.QuickFix,
        edit=_edit(uri, edit),
        is_preferred=True,
    )


def _noqa(
    model: ProjectModel,
    path: Path,
    uri: str,
    lines: list[str],
    finding: Finding,
    diag: types.Diagnostic,
    codec: PositionCodec,
) -> types.CodeAction:
    index = min(finding.location.line, len(lines)) - 1
    line = lines[index]
    doc = model.docs.get(path)
    if doc is not None:
        new_line = doc_noqa(doc, index + 1, line, finding.code)
    else:
        new_line = python_noqa(line, finding.code)
    end = codec.position_to_client_units(lines, types.Position(index, len(line)))
    edit = types.TextEdit(types.Range(types.Position(index, 0), end), new_line)
    return types.CodeAction(
        title=f"Ignore {finding.code} on this line (noqa)",
        kind=types.CodeActionKind.QuickFix,
        edit=_edit(uri, edit),
        diagnostics=[diag],
    )


def _sync_value(
    model: ProjectModel,
    path: Path,
    uri: str,
    lines: list[str],
    finding: Finding,
    codec: PositionCodec,
) -> types.CodeAction | None:
    """What ``steeringsync sync`` would write for this one documented value."""
    if not model.loaded:
        return None  # the code's defaults are known once every file's facts are read
    doc = model.docs[path]
    line_no = finding.location.line
    settings = [
        s
        for s in extract(doc)
        if s.line == line_no
        and s.value is not None
        and s.value_start + 1 == finding.location.column
    ]
    if not settings or line_no > len(lines):
        return None
    setting = settings[0]
    targets = targets_from_code(build(model.project, model.gathered_facts()))
    target = targets.get(setting.key)
    if (
        target is None
        or isinstance(target, Skip)
        or normalize(target) == normalize(setting.value or "")
    ):
        return None
    line = lines[line_no - 1]
    new_line = rewrite_value(line, setting, target)
    if new_line is None:
        return None
    end = codec.position_to_client_units(lines, types.Position(line_no - 1, len(line)))
    edit = types.TextEdit(types.Range(types.Position(line_no - 1, 0), end), new_line)
    return types.CodeAction(
        title=f"Sync `{clean_text(setting.key)}` to the code's default",
        kind=types.CodeActionKind.QuickFix,
        edit=_edit(uri, edit),
        is_preferred=True,
    )
