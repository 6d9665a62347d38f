"""A parsed steering document: front matter, headings, code blocks, tables, references.

Parsed once with markdown-it-py (CommonMark + tables + front matter); every element keeps
its 1-based line in the document so findings point at the doc line. Parsing never raises:
whatever bytes a team commits, the result is a :class:`SteeringDoc`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

if TYPE_CHECKING:  # markdown-it and PyYAML load on the first parse: a warm run has none
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

FILE_REF_RE = re.compile(r"#\[\[file:([^\]\n]*)\]\]")
# markdown-it counts lines after normalising CR/CRLF, so the model does the same
_NEWLINES_RE = re.compile(r"\r\n?")
_SLUG_DROP_RE = re.compile(r"[^\w\- ]")
_CODE_SPAN_RE = re.compile(r"(`+).+?\1")
# Bounds on what a doc can cost (real steering docs are a few KiB): a bigger doc is
# reported as skipped (SS300), not parsed
MAX_DOC_BYTES = 1024 * 1024
MAX_FRONT_MATTER_CHARS = 64 * 1024
MAX_YAML_NODES = 10_000


@functools.cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("commonmark", {"html": True}).enable("table").use(front_matter_plugin)


@dataclass(frozen=True)
class FrontMatter:
    raw: str
    line: int  # the opening `---`
    end_line: int  # the closing `---`
    data: Any = None  # whatever yaml.safe_load returned (validated by SS301)
    error: str | None = None
    error_line: int | None = None
    # doc line of each top-level key, for findings that point at a key
    key_lines: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str  # plain text: inline markup stripped
    line: int

    @property
    def slug(self) -> str:
        """GitHub's anchor for this heading (without the -1, -2 suffix of duplicates)."""
        return slugify(self.text)


def slugify(text: str) -> str:
    """GitHub's heading slug: lower-case, punctuation and emoji dropped, spaces to hyphens."""
    return _SLUG_DROP_RE.sub("", text.strip().lower()).replace(" ", "-")


@dataclass(frozen=True)
class CodeBlock:
    lang: str  # first word of the info string, lower-case; "" when untyped
    info: str
    content: str
    line: int  # the opening fence
    content_line: int  # first line of content
    closed: bool
    lead: str  # text of the heading or paragraph right before the block
    heading: str = ""  # the nearest heading above the block

    @property
    def is_python(self) -> bool:
        return self.lang in ("python", "py", "python3", "py3")


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
    kind: str  # "file" for #[[file:…]], "link" for a Markdown link or image


@dataclass
class SteeringDoc:
    path: Path
    text: str  # newlines normalised to \n, BOM removed
    front_matter: FrontMatter | None = None
    headings: list[Heading] = field(default_factory=list)
    code_blocks: list[CodeBlock] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    decode_error: str | None = None
    decode_error_line: int = 1
    # the doc opens with `---` but no closing `---` follows: Kiro sees no front matter
    unclosed_front_matter: bool = False

    @property
    def meta(self) -> dict[str, Any]:
        """Front matter as a mapping; empty when absent or not a mapping."""
        fm = self.front_matter
        return fm.data if fm is not None and isinstance(fm.data, dict) else {}

    @property
    def anchors(self) -> set[str]:
        """Every heading anchor, duplicates numbered as GitHub does (`setup`, `setup-1`)."""
        seen: dict[str, int] = {}
        anchors: set[str] = set()
        for heading in self.headings:
            slug = heading.slug
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            anchors.add(slug if count == 0 else f"{slug}-{count}")
        return anchors


def _front_matter(token: Token) -> FrontMatter:
    import yaml

    start, end = (token.map or [0, 1])[0] + 1, (token.map or [0, 1])[1]
    try:
        data = load_yaml_bounded(token.content)
    except YamlTooBig as exc:
        return FrontMatter(token.content, start, end, error=str(exc), error_line=start)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = start + 1 + mark.line if mark is not None else start
        problem = getattr(exc, "problem", None) or str(exc)
        return FrontMatter(token.content, start, end, error=str(problem), error_line=line)
    except Exception as exc:  # deeply nested YAML can exhaust the recursion limit
        return FrontMatter(token.content, start, end, error=f"cannot load: {exc}", error_line=start)
    lines = _key_lines(token.content, start) if isinstance(data, dict) else {}
    return FrontMatter(token.content, start, end, data=data, key_lines=lines)


class YamlTooBig(ValueError):
    """Front matter that would build more values than any real one (an alias bomb)."""


def load_yaml_bounded(text: str) -> Any:
    """``yaml.safe_load`` that refuses, before building a single value, front matter over
    MAX_FRONT_MATTER_CHARS or whose aliases expand past MAX_YAML_NODES values: 400
    bytes of nested aliases otherwise build billions of list items."""
    import yaml

    if len(text) > MAX_FRONT_MATTER_CHARS:
        raise YamlTooBig(f"front matter is longer than {MAX_FRONT_MATTER_CHARS} characters")
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_expansion(root: Any) -> None:
    """Count the values the node graph expands to (an alias counts its whole target
    again; a string one per 100 characters), each node visited once, without recursion;
    a cycle is refused as well."""
    import yaml

    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            total = 1 + sum(sizes[id(c)] for c in children)
            if total > MAX_YAML_NODES:
                raise YamlTooBig(f"front matter expands to more than {MAX_YAML_NODES} values")
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YamlTooBig("front matter refers to itself (a recursive alias)")
        if isinstance(node, yaml.ScalarNode):
            # a long string repeated through aliases costs what its characters cost
            sizes[key] = 1 + len(node.value) // 100
            continue
        on_path.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node))


def _children(node: Any) -> list[Any]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [item for pair in node.value for item in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _key_lines(raw: str, line: int) -> dict[str, int]:
    """Doc line of each top-level key, from YAML's node marks (no objects are built)."""
    import yaml

    try:
        node = yaml.compose(raw, Loader=yaml.SafeLoader)
    except Exception:  # composing is best effort: lines fall back to the opening `---`
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        str(key.value): line + 1 + key.start_mark.line
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode)
    }


def _plain(token: Token | None) -> str:
    """The visible text of an inline token: markup stripped, code spans kept."""
    if token is None or token.type != "inline":
        return ""
    if not token.children:
        return token.content
    parts = [c.content for c in token.children if c.type in ("text", "code_inline")]
    return "".join(parts) or token.content


def parse_text(path: Path, text: str) -> SteeringDoc:
    """Parse already-decoded Markdown. Never raises for any input string."""
    text = _NEWLINES_RE.sub("\n", text.removeprefix("\ufeff"))
    doc = SteeringDoc(path, text)
    try:
        tokens = _markdown().parse(text)
    except Exception:  # markdown-it is robust, but a crash must not take the run down
        return doc
    lines = text.split("\n")
    fence_lines: set[int] = set()
    lead = heading = ""
    for i, tok in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.type == "front_matter":
            doc.front_matter = _front_matter(tok)
        elif tok.type == "heading_open" and tok.map:
            lead = heading = _plain(following)
            doc.headings.append(Heading(int(tok.tag[1:] or 1), heading, tok.map[0] + 1))
        elif tok.type == "paragraph_open":
            lead = _plain(following)
        elif tok.type in ("fence", "code_block") and tok.map:
            start, end = tok.map
            fence_lines.update(range(start + 1, end + 1))
            if tok.type == "fence":
                closing = lines[end - 1].strip() if 0 < end <= len(lines) else ""
                doc.code_blocks.append(
                    CodeBlock(
                        lang=(tok.info.split() or [""])[0].lower().strip("{}."),
                        info=tok.info.strip(),
                        content=tok.content,
                        line=start + 1,
                        content_line=start + 2,
                        closed=end - start >= 2 and closing.startswith(tok.markup),
                        lead=lead,
                        heading=heading,
                    )
                )
        elif tok.type == "table_open":
            _table(tokens, i, doc, lines)
        elif tok.type == "inline" and tok.map and not _in_table(tokens, i):
            _links(tok, doc, lines)
    doc.unclosed_front_matter = doc.front_matter is None and lines[0].rstrip() == "---"
    _file_refs(lines, fence_lines, doc)
    return doc


def _in_table(tokens: list[Token], i: int) -> bool:
    # inline cells are preceded by th_open/td_open; their links are collected by _table
    return i > 0 and tokens[i - 1].type in ("th_open", "td_open")


def _table(tokens: list[Token], i: int, doc: SteeringDoc, lines: list[str]) -> None:
    """Collect the table starting at tokens[i]."""
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
            _links(tok, doc, lines, row_line)
        elif tok.type == "tr_close":
            if in_head:
                header = tuple(cells)
            else:
                rows.append(TableRow(tuple(cells), row_line))
        i += 1
    doc.tables.append(Table(header, tuple(rows), table_line))


def _links(tok: Token, doc: SteeringDoc, lines: list[str], line: int | None = None) -> None:
    line = line if line is not None else (tok.map or [0])[0] + 1
    offset = 0
    for child in tok.children or ():
        if child.type in ("softbreak", "hardbreak"):
            offset += 1
        elif child.type in ("link_open", "image"):
            href = str(child.attrs.get("href" if child.type == "link_open" else "src", ""))
            if child.markup != "autolink":
                column = _column(lines, line + offset, href)
                doc.references.append(Reference(href, line + offset, column, "link"))


def _column(lines: list[str], lineno: int, href: str) -> int:
    """Where the link target starts on its line (1 when markdown-it rewrote it past finding)."""
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    for candidate in (href, unquote(href)):
        found = line.find(candidate) if candidate else -1
        if found >= 0:
            return found + 1
    return 1


def _file_refs(lines: list[str], fence_lines: set[int], doc: SteeringDoc) -> None:
    for lineno, line in enumerate(lines, start=1):
        if lineno in fence_lines or "#[[" not in line:
            continue
        spans = [m.span() for m in _CODE_SPAN_RE.finditer(line)]
        for match in FILE_REF_RE.finditer(line):
            if any(start <= match.start() < end for start, end in spans):
                continue  # `#[[file:…]]` in a code span shows the syntax, it is not a reference
            doc.references.append(
                Reference(match.group(1).strip(), lineno, match.start() + 1, "file")
            )
    doc.references.sort(key=lambda r: (r.line, r.column))


def load(path: Path) -> SteeringDoc:
    """Read and parse a steering doc; undecodable bytes give a doc with ``decode_error`` set.

    Raises OSError only (the caller turns that into a doc with ``decode_error``).
    """
    return parse_bytes(path, read_doc_bytes(path))


def read_doc_bytes(path: Path) -> bytes:
    """A doc's bytes: a regular file of at most MAX_DOC_BYTES, else :class:`SkippedFile`
    (an OSError, so a caller words it as it words any unreadable doc)."""
    from steeringsync.sandbox import read_regular

    return read_regular(path, MAX_DOC_BYTES)


def parse_bytes(path: Path, data: bytes) -> SteeringDoc:
    """Parse a steering doc's bytes; never raises."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        doc = parse_text(path, data.decode("utf-8", errors="replace"))
        doc.decode_error = (
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line}); save the file as UTF-8"
        )
        doc.decode_error_line = line
        return doc
    return parse_text(path, text)
