"""Re-parse an edited buffer by parsing only the top-level statements the edit touched.

A 2,000-line module takes tens of milliseconds to parse; a keystroke changes one
function. The new tree is the old one with the touched statements replaced by a parse of
their new text (line numbers moved to where they are) and the statements after them
shifted by the change in line count. That equals ``ast.parse`` of the whole new text:
the parsed span starts at column 0 of a line no kept statement shares and ends at a
line end, and it must parse on its own (a span that opens a bracket, a string or a
continuation it does not close fails, and then the whole text is parsed, exactly as
before). ``tests/server/test_reparse.py`` holds it to ``ast.parse`` on random edits.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass

from steeringsync.server.convert import text_lines


@dataclass(frozen=True)
class Edit:
    """What a statement-wise re-parse replaced: the top-level statements ``old`` (their
    old positions) by ``new``, re-parsed from the span of old lines ``first``..``last``
    (1-based), whose text went from ``old_text`` to ``new_text``; ``delta`` is the change
    in line count (statements after the span moved by it)."""

    first: int
    last: int
    delta: int
    old: list[ast.stmt]
    new: list[ast.stmt]
    old_text: str
    new_text: str


@dataclass
class Parsed:
    """A buffer's text and its module tree (``ast.parse`` of that text); ``edit`` is set
    when the tree was made from the previous one by re-parsing only ``edit``'s span."""

    text: str
    tree: ast.Module
    edit: Edit | None = None


def _parse(text: str) -> ast.Module:
    with warnings.catch_warnings():  # SyntaxWarnings would go to stderr per keystroke
        warnings.simplefilter("ignore")
        return ast.parse(text)


def full(text: str) -> Parsed | None:
    try:
        return Parsed(text, _parse(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the engine parses again and reports it (SS900)


def _span(stmt: ast.stmt) -> tuple[int, int]:
    """1-based first and last line of a top-level statement, its decorators included."""
    first = stmt.lineno
    for decorator in getattr(stmt, "decorator_list", ()):
        first = min(first, decorator.lineno)
    return first, stmt.end_lineno or stmt.lineno


def reparse(previous: Parsed | None, text: str) -> Parsed | None:
    """``text``'s tree, re-using ``previous`` where the edit left statements alone."""
    if previous is None or "barry_as_FLUFL" in text:  # a __future__ that changes tokens
        return full(text)
    old, new = text_lines(previous.text), text_lines(text)
    shortest = min(len(old), len(new))
    head = 0
    while head < shortest and old[head] == new[head]:
        head += 1
    if head == len(old) == len(new):
        return Parsed(text, previous.tree)  # same lines (e.g. only line endings changed)
    tail = 0
    while tail < shortest - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    delta = len(new) - len(old)
    first, last = head + 1, max(len(old) - tail, head + 1)  # changed old lines, 1-based
    body = previous.tree.body
    spans = [_span(stmt) for stmt in body]
    touched = [i for i, (s, e) in enumerate(spans) if s <= last and e >= first]
    while touched:  # statements sharing a line with the span (`a = 1; b = 2`) join it
        first = min(first, spans[touched[0]][0])
        last = max(last, spans[touched[-1]][1])
        grown = [i for i, (s, e) in enumerate(spans) if s <= last and e >= first]
        if grown == touched:
            break
        touched = grown
    old_stmts = [body[i] for i in touched]
    before = [stmt for stmt, (_, e) in zip(body, spans, strict=True) if e < first]
    after = [stmt for stmt, (s, _) in zip(body, spans, strict=True) if s > last]
    chunk = "\n".join(new[first - 1 : last + delta]) + "\n"
    try:
        middle = _parse(chunk).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return full(text)
    for stmt in middle:
        ast.increment_lineno(stmt, first - 1)
    if delta:
        for stmt in after:
            ast.increment_lineno(stmt, delta)
    previous.tree.body = [*before, *middle, *after]
    old_chunk = "\n".join(old[first - 1 : last]) + "\n"
    edit = Edit(first, last, delta, old_stmts, middle, old_chunk, chunk)
    return Parsed(text, previous.tree, edit)
