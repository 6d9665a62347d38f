"""Edit noqa comments in place: remove the unused ones (SS902's fix), add them for
``--add-noqa``. Only the comment's characters change; line endings and a BOM stay."""

from __future__ import annotations

import codecs
import io
import tokenize
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from steeringsync.fix.writer import UnsafeResult, verify, write_atomic
from steeringsync.python.noqa import Directive, directives
from steeringsync.steering.suppress import doc_directives

if TYPE_CHECKING:
    from steeringsync.project import Project
    from steeringsync.types import Finding

# fence languages whose comments start with a hash: a doc's noqa comment there is one
HASH_COMMENT_LANGS = frozenset(
    {"", "python", "py", "python3", "py3", "bash", "sh", "shell", "zsh", "console", "env",
     "dotenv", "ini", "toml", "yaml", "yml", "properties", "conf", "dockerfile", "make"}
)  # fmt: skip


class _Text:
    """A file's lines with their endings kept apart, and its BOM."""

    def __init__(self, raw: bytes) -> None:
        self.bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
        text = raw[len(self.bom) :].decode("utf-8")
        parts = text.split("\n")
        self.ends = ["\n"] * (len(parts) - 1) + [""]
        self.lines = []
        for i, part in enumerate(parts):
            if part.endswith("\r") and self.ends[i]:
                part, self.ends[i] = part[:-1], "\r\n"
            self.lines.append(part)

    def encode(self) -> bytes:
        body = "".join(line + end for line, end in zip(self.lines, self.ends, strict=True))
        return self.bom + body.encode("utf-8")


def _read(path: Path) -> _Text | None:
    try:
        return _Text(path.read_bytes())
    except (OSError, UnicodeDecodeError):
        return None


def _write(path: Path, text: _Text) -> bool:
    data = text.encode()
    if path.suffix == ".py":
        try:
            verify(data, path)
        except UnsafeResult:
            return False
    return write_atomic(path, data)


def _render(codes: list[str], html: bool) -> str:
    if html:
        return f"<!-- noqa: {', '.join(codes)} -->"
    return f"# noqa: {', '.join(codes)}"


def _without(line: str, d: Directive, keep: list[str], html: bool) -> str:
    """``line`` with the directive ``d`` reduced to ``keep`` (removed when empty)."""
    if keep and d.codes is not None:
        return line[: d.start] + _render(keep, html) + line[d.end :]
    tail = line[d.end :]
    if tail.strip() and not html:  # the reason after the codes stays a comment
        return line[: d.start] + "#" + tail
    return (line[: d.start].rstrip() + (tail if tail.strip() else "")).rstrip()


def remove_unused(
    project: Project, findings: Iterable[Finding], removals: Mapping[tuple[str, int, int], set[str]]
) -> tuple[list[Path], list[Finding]]:
    """Apply SS902's fixes; returns the files written and the findings fixed. A line that
    no longer holds the directive where it was found is left alone."""
    by_path: dict[Path, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    written, fixed = [], []
    for path, items in by_path.items():
        text = _read(path)
        if text is None:
            continue
        done = []
        # right to left on a line, so earlier spans stay valid
        for finding in sorted(items, key=lambda f: (f.location.line, -f.location.column)):
            number, start = finding.location.line, finding.location.column - 1
            if not 0 < number <= len(text.lines):
                continue
            line = text.lines[number - 1]
            is_doc = path.suffix != ".py"
            found = (
                [(x.directive, x.html) for x in doc_directives(line)]
                if is_doc
                else [(x, False) for x in directives(line)]
            )
            match = next(((d, h) for d, h in found if d.start == start), None)
            if match is None:
                continue
            d, html = match
            drop = removals.get((str(path), number, start), set())
            keep = [c for c in d.codes or () if c not in drop]
            text.lines[number - 1] = _without(line, d, keep, html)
            done.append(finding)
        if done and _write(path, text):
            written.append(path)
            fixed.extend(done)
    return written, fixed


def _string_continued_lines(source: str) -> set[int]:
    """Lines that end inside a token (a triple-quoted string): no comment can go there."""
    lines: set[int] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.start[0] < tok.end[0] and tok.type != tokenize.NL:
                lines.update(range(tok.start[0], tok.end[0]))
    except (tokenize.TokenError, SyntaxError):
        return set(range(1, source.count("\n") + 2))  # unsure: add nothing
    return lines


def _doc_line_kind(project: Project, path: Path, number: int) -> str:
    """ "hash" inside front matter or a `#`-comment code block, "none" inside another code
    block (nothing can be added there), else "html"."""
    doc = next((d for d in project.docs if d.path == path), None)
    if doc is None:
        return "html"
    fm = doc.front_matter
    if fm is not None and fm.line < number < fm.end_line:
        return "hash"
    for block in doc.code_blocks:
        last = block.content_line + block.content.count("\n")
        if block.line <= number <= last:
            if number == block.line:
                return "none"
            return "hash" if block.lang in HASH_COMMENT_LANGS else "none"
    return "html"


def add_noqa(project: Project, findings: Iterable[Finding]) -> tuple[int, list[Path]]:
    """Add ``# noqa: CODE`` (Python) or ``<!-- noqa: CODE -->`` (docs) to each finding's
    line, merging with a noqa comment already there. Returns (comments added, files)."""
    wanted: dict[Path, dict[int, set[str]]] = {}
    for finding in findings:
        wanted.setdefault(finding.path, {}).setdefault(finding.location.line, set()).add(
            finding.code
        )
    added, written = 0, []
    for path, lines in wanted.items():
        text = _read(path)
        if text is None:
            continue
        is_doc = path.suffix != ".py"
        blocked = set() if is_doc else _string_continued_lines("\n".join(text.lines))
        count = 0
        for number, codes in sorted(lines.items()):
            if not 0 < number <= len(text.lines) or number in blocked:
                continue
            kind = _doc_line_kind(project, path, number) if is_doc else "hash"
            if kind == "none":
                continue
            line = text.lines[number - 1]
            html = kind == "html"
            found = (
                [x.directive for x in doc_directives(line) if x.html == html]
                if is_doc
                else directives(line)
            )
            existing = next((d for d in found if d.codes and d.malformed is None), None)
            if existing is not None:
                have = list(existing.codes or ())
                merged = have + sorted(codes - set(have))
                line = line[: existing.start] + _render(merged, html) + line[existing.end :]
            else:
                comment = _render(sorted(codes), html)
                line = f"{line.rstrip()}  {comment}" if line.strip() else comment
            text.lines[number - 1] = line
            count += len(codes)
        if count and _write(path, text):
            added += count
            written.append(path)
    return added, written
