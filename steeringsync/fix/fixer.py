"""Fix one file: plan the sites of its fixable findings, rewrite them with LibCST, verify."""

from __future__ import annotations

import io
import tokenize
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from steeringsync.config import SessionMigration
from steeringsync.fix.scope import SitePlanner
from steeringsync.fix.writer import UnsafeResult, verify
from steeringsync.python.deprecated_calls import DeprecatedCall
from steeringsync.python.source import (
    PythonSource,
    UndecodableSource,
    UnreadableSource,
    read_bytes,
)
from steeringsync.types import Finding

Position = tuple[int, int]


def _comments(text: str) -> Counter[str]:
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return Counter(t.string for t in tokens if t.type == tokenize.COMMENT)


@dataclass
class FileFix:
    """The outcome for one file; ``new`` is None when nothing changes."""

    path: Path
    old_text: str = ""
    new_text: str = ""
    new: bytes | None = None
    fixed: set[Position] = field(default_factory=set)
    error: str | None = None


def fix_file(
    path: Path,
    findings: Iterable[Finding],
    migration: SessionMigration,
    style: str,
    max_size: int = 4 * 1024 * 1024,
) -> FileFix:
    """Rewrite the sites of ``findings`` (already filtered to the fixable ones) in ``path``."""
    result = FileFix(path)
    wanted = {(f.location.line, f.location.column) for f in findings}
    try:
        source = PythonSource.from_bytes(path, read_bytes(path, max_size))
        uses = DeprecatedCall.parse(migration.deprecated).find(source.tree)
    except (UnreadableSource, UndecodableSource, SyntaxError, ValueError) as exc:
        result.error = f"not fixed: {exc}"
        return result
    plans = SitePlanner(source, migration, style).plan(uses)
    plans = {pos: plan for pos, plan in plans.items() if pos in wanted and plan.fixable}
    if not plans:
        return result
    import libcst as cst  # only files with fixable findings pay for LibCST

    from steeringsync.fix.session_codemod import rewrite

    try:
        module = cst.parse_module(source.text)
        new_module, fixed = rewrite(
            module, plans, style=style, commit_on_exit=migration.commit_on_exit
        )
        new_text = new_module.code
        new = new_text.encode(source.encoding)
        if new_text != source.text:
            verify(new, path)
            if not _comments(source.text) <= _comments(new_text):
                raise UnsafeResult("the rewrite would drop a comment")
    except (cst.ParserSyntaxError, UnicodeEncodeError, UnsafeResult) as exc:
        result.error = f"not fixed: {exc}"
        return result
    if new_text != source.text:
        result.old_text, result.new_text, result.new = source.text, new_text, new
        result.fixed = fixed
    return result
