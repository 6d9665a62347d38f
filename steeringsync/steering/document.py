"""A parsed steering document: front matter, headings, code blocks, tables, references.

Parsed once with markdown-it-py (CommonMark + tables + front matter); every element keeps
its 1-based line in the document so findings point at the doc line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

FILE_REF_RE = re.compile(r"#\[\[file:([^\]\n]*)\]\]")
_MD = MarkdownIt("commonmark", {"html": True}).enable("table").use(front_matter_plugin)


@dataclass(frozen=True)
class FrontMatter:
    raw: str
    line: int  # the opening `---`
    end_line: int  # the closing `---`
    data: Any = None  # whatever yaml.safe_load returned (validated by SS301)
    error: str | None = None
    error_line: int | None = None


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int

    @property
    def slug(self) -> str:
        """GitHub's anchor for this heading."""
        text = re.sub(r"[^\w\- ]", "", self.text.strip().lower())
        return text.replace(" ", "-")


@dataclass(frozen=True)
class CodeBlock:
    lang: str  # first word of the info string, lower-case; "" when untyped
    info: str
    content: str
    line: int  # the opening fence
    content_line: int  # first line of content
    closed: bool
    lead: str  # text of the heading or paragraph right before the block


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[TableRow, ...]
    line: int


@dataclass(frozen=True)
class Reference:
    target: str
    line: int
    column: int
    kind: str  # "file" for #[[file:…]], "link" for a Markdown link


@dataclass
class SteeringDoc:
    path: Path
    text: str
    front_matter: FrontMatter | None = None
    headings: list[Heading] = field(default_factory=list)
    code_blocks: list[CodeBlock] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    decode_error: str | None = None

    @property
    def meta(self) -> dict[str, Any]:
        """Front matter as a mapping; empty when absent or not a mapping."""
        fm = self.front_matter
        return fm.data if fm is not None and isinstance(fm.data, dict) else {}

    @property
    def anchors(self) -> set[str]:
        return {h.slug for h in self.headings}


def _front_matter(token: Token) -> FrontMatter:
    assert token.map is not None
    start, end = token.map[0] + 1, token.map[1]
    try:
        data = yaml.safe_load(token.content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = start + 1 + mark.line if mark is not None else start
        problem = getattr(exc, "problem", None) or str(exc)
        return FrontMatter(token.content, start, end, error=str(problem), error_line=line)
    return FrontMatter(token.content, start, end, data=data)


def _inline_text(token: Token) -> str:
    return token.content if token.type == "inline" else ""


def parse_text(path: Path, text: str) -> SteeringDoc:
    """Parse already-decoded Markdown. Never raises for any input string."""
    text = text.removeprefix("\ufeff")
    doc = SteeringDoc(path, text)
    tokens = _MD.parse(text)
    fence_lines: set[int] = set()
    lead = ""
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "front_matter":
            doc.front_matter = _front_matter(tok)
        elif tok.type == "heading_open" and tok.map:
            heading = Heading(int(tok.tag[1:]), _inline_text(tokens[i + 1]), tok.map[0] + 1)
            doc.headings.append(heading)
            lead = heading.text
        elif tok.type == "paragraph_open" and i + 1 < len(tokens):
            lead = _inline_text(tokens[i + 1])
        elif tok.type in ("fence", "code_block") and tok.map:
            start, end = tok.map
            fence_lines.update(range(start + 1, end + 1))
            if tok.type == "fence":
                closing = text.splitlines()[end - 1].strip() if end - 1 < len(text.splitlines()) else ""
                closed = end - start >= 2 and closing.startswith(tok.markup)
                doc.code_blocks.append(
                    CodeBlock(
                        lang=(tok.info.split() or [""])[0].lower().strip("{}."),
                        info=tok.info.strip(),
                        content=tok.content,
                        line=start + 1,
                        content_line=start + 2,
                        closed=closed,
                        lead=lead,
                    )
                )
        elif tok.type == "table_open":
            i = _table(tokens, i, doc)
            continue
        elif tok.type == "inline" and tok.map:
            _links(tok, doc)
        i += 1
    _file_refs(text, fence_lines, doc)
    return doc


def _table(tokens: list[Token], i: int, doc: SteeringDoc) -> int:
    """Collect one table starting at tokens[i]; returns the index after table_close."""
    table_line = (tokens[i].map or [0])[0] + 1
    header: tuple[str, ...] = ()
    rows: list[TableRow] = []
    cells: list[str] = []
    row_line = table_line
    in_head = False
    while i < len(tokens) and tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            cells = []
            row_line = (tok.map or [row_line - 1])[0] + 1
        elif tok.type == "inline":
            cells.append(tok.content.strip())
            _links(tok, doc, row_line)
        elif tok.type == "tr_close":
            if in_head:
                header = tuple(cells)
            else:
                rows.append(TableRow(tuple(cells), row_line))
        i += 1
    doc.tables.append(Table(header, tuple(rows), table_line))
    return i + 1


def _links(tok: Token, doc: SteeringDoc, line: int | None = None) -> None:
    line = line if line is not None else (tok.map or [0])[0] + 1
    offset = 0
    for child in tok.children or ():
        if child.type in ("softbreak", "hardbreak"):
            offset += 1
        elif child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            doc.references.append(Reference(href, line + offset, 1, "link"))


def _file_refs(text: str, fence_lines: set[int], doc: SteeringDoc) -> None:
    for lineno, line in enumerate(text.splitlines(), start=1):
        if lineno in fence_lines or "#[[" not in line:
            continue
        for match in FILE_REF_RE.finditer(line):
            doc.references.append(Reference(match.group(1).strip(), lineno, match.start() + 1, "file"))
    doc.references.sort(key=lambda r: (r.line, r.column))


def load(path: Path) -> SteeringDoc:
    """Read and parse a steering doc; undecodable bytes give a doc with ``decode_error`` set."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        doc = parse_text(path, data.decode("utf-8", errors="replace"))
        doc.decode_error = f"not valid UTF-8 (line {line}): {exc.reason}"
        return doc
    return parse_text(path, text)
