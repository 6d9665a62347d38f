"""Turn a rewritten text into the smallest LSP text edit, and add noqa comments."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from steeringsync.python.noqa import suppressed_codes
from steeringsync.server.convert import text_lines
from steeringsync.steering.document import SteeringDoc
from steeringsync.steering.suppress import doc_directives


def replace_lines(old: str, new: str, codec: PositionCodec) -> types.TextEdit | None:
    """One edit replacing only the lines that differ (the editor keeps the cursor and
    undo history of the rest); None when the texts are equal."""
    if old == new:
        return None
    before, after = text_lines(old), text_lines(new)
    eol = "\r\n" if "\r\n" in old else "\n"
    shortest = min(len(before), len(after))
    head = 0
    while head < shortest and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < shortest - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    old_end, new_end = len(before) - tail, len(after) - tail  # exclusive
    if tail:  # the replaced lines end where a kept line starts
        start, end = types.Position(head, 0), types.Position(old_end, 0)
        text = "".join(line + eol for line in after[head:new_end])
    elif head:  # up to the end of the text: start after the last kept line's content
        start = _line_end(before, head - 1, codec)
        end = _line_end(before, len(before) - 1, codec)
        text = "".join(eol + line for line in after[head:new_end])
    else:
        start, end = types.Position(0, 0), _line_end(before, len(before) - 1, codec)
        text = eol.join(after)
    return types.TextEdit(range=types.Range(start, end), new_text=text)


def _line_end(lines: Sequence[str], index: int, codec: PositionCodec) -> types.Position:
    return codec.position_to_client_units(lines, types.Position(index, len(lines[index])))


def python_noqa(line: str, code: str) -> str:
    """``line`` with ``code`` added to its ``# noqa`` comment (or a new one)."""
    codes = suppressed_codes(line)
    if codes is None:
        return f"{line.rstrip()}  # noqa: {code}"
    if not codes or code in codes:
        return line  # a bare noqa already covers every code
    return _extend(line, code)


def doc_noqa(doc: SteeringDoc, line_no: int, line: str, code: str) -> str:
    """``line`` (1-based ``line_no`` of ``doc``) suppressing ``code``: an HTML comment in
    prose, a ``#`` comment in front matter and code blocks where HTML would be content."""
    found = [d.directive for d in doc_directives(line) if d.html]
    if found:
        d = found[0]
        if d.codes is None or code in d.codes:
            return line  # a bare noqa already covers every code
        # a malformed comment suppresses nothing: it is replaced, not extended
        codes = [*d.codes, code] if d.malformed is None else [code]
        return f"{line[: d.start]}<!-- noqa: {', '.join(codes)} -->{line[d.end :]}"
    if _in_code(doc, line_no):
        return python_noqa(line, code)
    return f"{line.rstrip()} <!-- noqa: {code} -->"


def _extend(line: str, code: str) -> str:
    index = line.lower().rfind("noqa")
    rest = line[index:]
    stripped = rest.rstrip()
    return line[:index] + stripped + f", {code}" + rest[len(stripped) :]


def _in_code(doc: SteeringDoc, line_no: int) -> bool:
    fm = doc.front_matter
    if fm is not None and fm.line < line_no < fm.end_line:
        return True
    for block in doc.code_blocks:
        last = block.content_line + block.content.count("\n") - 1
        if block.content_line <= line_no <= last:
            return True
    return False
