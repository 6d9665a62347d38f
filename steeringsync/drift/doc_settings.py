"""Settings documented in steering docs: ``KEY=VALUE`` lines in code blocks, and settings tables."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from steeringsync.drift.assignments import NAME, SHELL_STYLE, parse_line
from steeringsync.drift.platform_vars import is_platform
from steeringsync.steering.document import CodeBlock, SteeringDoc, Table

BLOCK_LANGS = frozenset({*SHELL_STYLE, "env", "dotenv", "ini", "properties", ""})
_NAME_RE = re.compile(rf"^{NAME}$")
_KEY_HEADER = re.compile(r"setting|variable|\bvar\b|\bkey\b|\benv\b", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+)(.*?)\1")
# Cells that say "there is no default" rather than giving one.
_NO_VALUE = frozenset(
    {"", "-", "\u2014", "\u2013", "none", "(none)", "n/a", "required", "(required)", "unset"}
)


@dataclass(frozen=True)
class DocSetting:
    """One documented setting; offsets are 0-based into the doc's line ``line``."""

    key: str
    value: str | None  # None: documented without a literal value
    path: Path
    line: int
    key_column: int
    value_start: int
    value_end: int
    quote: str = ""  # quote around the value as written
    # For aligned tables: the offset of the `|` closing the value cell, kept in place by sync.
    cell_end: int | None = None
    in_table: bool = False


def doc_lines(text: str) -> list[str]:
    """The doc's lines as markdown-it numbers them, each keeping a trailing ``\\r``."""
    return text.split("\n")


def extract(doc: SteeringDoc) -> list[DocSetting]:
    """Every documented setting in ``doc``, in line order."""
    lines = doc_lines(doc.text)
    found = [s for block in doc.code_blocks for s in _from_block(doc.path, block, lines)]
    found += [s for table in doc.tables for s in _from_table(doc.path, table, lines)]
    found += _from_prose(doc, lines)
    return sorted(found, key=lambda s: (s.line, s.key_column))


# `` `DRY_RUN` (default: 1) ``, `` - `PORT` - HTTP port (default `8080`) ``: a name in a code
# span, then on the same line, with no other code span between, "default" and its value
_PROSE_DEFAULT = re.compile(
    rf"`(?P<key>{NAME})`[^`\n]*?\b[Dd]efault(?:s to|s|:)?[ \t]*:?[ \t]*"
    r"(?:`(?P<quoted>[^`\n]+)`|(?P<bare>[^\s`),;]+))"
)


def _from_prose(doc: SteeringDoc, lines: list[str]) -> list[DocSetting]:
    """Defaults stated in bullets and prose, outside code blocks and tables."""
    skip: set[int] = set()
    for block in doc.code_blocks:
        skip.update(range(block.line, block.content_line + block.content.count("\n") + 1))
    for table in doc.tables:
        skip.update(range(table.line, max((r.line for r in table.rows), default=table.line) + 1))
    found = []
    for number, line in enumerate(lines, start=1):
        if number in skip or "default" not in line.lower():
            continue
        for match in _PROSE_DEFAULT.finditer(line):
            group = "quoted" if match.group("quoted") is not None else "bare"
            value = match.group(group)
            end = match.end(group)
            if group == "bare":
                value = value.rstrip(".:")
                end = match.start(group) + len(value)
            if not value:
                continue
            found.append(
                DocSetting(
                    match.group("key"),
                    value,
                    doc.path,
                    number,
                    match.start("key"),
                    match.start(group),
                    end,
                )
            )
    return found


def _command_prefix(line: str) -> bool:
    """``LIVE_TESTS=1 pytest``, ``GIT_EDITOR=true git rebase``: an assignment that sets a
    variable for one command, not a documented setting."""
    parsed = parse_line(line, shell=True)
    if parsed is None:
        return False
    end = parsed.value_end + (1 if parsed.quote else 0)
    rest = line[end:].strip()
    return bool(rest) and not rest.startswith(("#", ";", "&&", "||", "\\"))


# "Add to `~/.zshrc`:": the block sets up the reader's shell for some tool, not the project
_PROFILE = re.compile(r"\.(?:zshrc|bashrc|bash_profile|zprofile|profile)\b|shell profile", re.I)


def _from_block(path: Path, block: CodeBlock, lines: list[str]) -> Iterator[DocSetting]:
    if block.lang not in BLOCK_LANGS or _PROFILE.search(block.lead):
        return
    shell = block.lang in SHELL_STYLE
    for offset in range(block.content.count("\n")):
        lineno = block.content_line + offset
        if lineno - 1 >= len(lines):
            return
        line = lines[lineno - 1]
        parsed = parse_line(line, shell=shell)
        if parsed is None or (block.lang not in ("env", "dotenv") and _command_prefix(line)):
            continue
        # `JAVA_VERSION=$(java -version …)` in a script is a shell variable, `PATH=…` the
        # shell's own, neither a setting of the project
        raw = line[parsed.value_start : parsed.value_end]
        if (shell or not block.lang) and ("$(" in raw or "`" in raw or is_platform(parsed.key)):
            continue
        yield DocSetting(
            parsed.key,
            parsed.value,
            path,
            lineno,
            parsed.key_start,
            parsed.value_start,
            parsed.value_end,
            parsed.quote,
        )


def _columns(header: tuple[str, ...]) -> tuple[int, int] | None:
    """(key column, value column) of a settings table, or None for any other table."""
    names = [cell.replace("`", "").replace("*", "").strip().lower() for cell in header]
    key = next((i for i, n in enumerate(names) if _KEY_HEADER.search(n)), None)
    value = next((i for i, n in enumerate(names) if "default" in n and i != key), None)
    if value is None:
        value = next((i for i, n in enumerate(names) if "value" in n and i != key), None)
    if key is None or value is None:
        return None
    return key, value


def cell_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of each cell's text in a table row, split at unescaped pipes."""
    body = line.rstrip("\r")
    pipes = [i for i, ch in enumerate(body) if ch == "|" and (i == 0 or body[i - 1] != "\\")]
    bounds = [-1, *pipes, len(body)]
    spans = [(bounds[i] + 1, bounds[i + 1]) for i in range(len(bounds) - 1)]
    if spans and not body[: spans[0][1]].strip():
        spans = spans[1:]  # before the leading pipe
    if spans and pipes and pipes[-1] == len(body.rstrip()) - 1:
        spans = spans[:-1]  # after the trailing pipe
    return spans


def _from_table(path: Path, table: Table, lines: list[str]) -> Iterator[DocSetting]:
    columns = _columns(table.header)
    if columns is None or table.line - 1 >= len(lines):
        return
    key_col, value_col = columns
    header_pipes = [s[1] for s in cell_spans(lines[table.line - 1])]
    for row in table.rows:
        if row.line - 1 >= len(lines):
            continue
        raw = lines[row.line - 1]
        spans = cell_spans(raw)
        if max(key_col, value_col) >= len(spans):
            continue
        key = _key(raw[slice(*spans[key_col])])
        if key is None:
            continue
        start, end = spans[value_col]
        cell = raw[start:end]
        span = _CODE_SPAN.search(cell)
        if span is not None:
            inner = span.group(2)
            lead = len(inner) - len(inner.lstrip())
            v_start = start + span.start(2) + lead
            value: str | None = inner.strip()
        else:
            text = cell.strip()
            v_start = _text_start(raw, spans[value_col])
            value = None if text.lower() in _NO_VALUE else text
        v_end = v_start + len(value or "")
        aligned = value_col < len(header_pipes) and header_pipes[value_col] == end
        yield DocSetting(
            key,
            value,
            path,
            row.line,
            _text_start(raw, spans[key_col]),
            v_start,
            v_end,
            cell_end=end if aligned and end < len(raw.rstrip("\r")) else None,
            in_table=True,
        )


def _key(cell: str) -> str | None:
    span = _CODE_SPAN.search(cell)
    text = span.group(2) if span else cell
    text = text.strip().strip("*").strip()
    return text if _NAME_RE.match(text) else None


def _text_start(line: str, span: tuple[int, int]) -> int:
    cell = line[span[0] : span[1]]
    return span[0] + len(cell) - len(cell.lstrip())
