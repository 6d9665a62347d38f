"""Directory-tree blocks (`├──`/`└──` or indented names): every entry's full path rebuilt."""

from __future__ import annotations

import re
from dataclasses import dataclass

from steeringsync.claims.shapes import BARE_FILES, has_file_extension, is_placeholder
from steeringsync.steering.document import CodeBlock

_BOX_CHARS = " │├└─┬┼┃┣┗━|`+-"

TREE_LANGS = frozenset(
    {"", "text", "txt", "plaintext", "plain", "tree", "bash", "sh", "shell", "console",
     "markdown", "md", "none", "ascii", "dir", "directory", "filetree"}
)  # fmt: skip
_INDENTED_LANGS = frozenset({"", "text", "txt", "plaintext", "plain", "tree", "dir"})
# an entry the tree marks as optional or planned: `constructs/  # L3 constructs (if needed)`
_OPTIONAL_RE = re.compile(
    r"\s(?:#|//|\().*\b(?:if\s+(?:needed|any|required|applicable|used)|optional|"
    r"planned|future|to\s+be\s+(?:added|created)|tbd|not\s+yet)\b",
    re.IGNORECASE,
)
_ARROW_RE = re.compile(r"\S\s*(?:→|->|=>)\s*\S")
_BOX_RE = re.compile(r"[├└]|\|--|`--|\+--")
_ENTRY_RE = re.compile(r"^(?P<prefix>(?:[\s│├└─┬┼┃┣┗━|`+]|--)*)(?P<rest>\S.*)$")
# a comment after an entry: `# …`, `// …`, `<- …`, `- …`, dashes, `(…)`, or a wide gap
_COMMENT_RE = re.compile(r"\s+(?:#|//|<-|←|-{1,2}\s|\u2014|\u2013|\().*$|\s{2,}.*$")


@dataclass(frozen=True)
class TreeEntry:
    path: str  # full path from the tree's top, `/` kept on folders
    line: int  # doc line
    column: int  # 0-based offset of the entry's name
    name: str  # the text written on the line
    root_named: str | None  # the tree's own top line, when it names one folder
    root_line: int = 0
    root_column: int = 0


def is_tree(block: CodeBlock) -> bool:
    """A block drawing files and folders (not a class hierarchy drawn the same way)."""
    if block.lang not in TREE_LANGS:
        return False
    lines = [line for line in block.content.split("\n") if line.strip()]
    if sum(1 for line in lines if _ARROW_RE.search(re.sub(r"\s(?:#|//).*", "", line))) >= 2:
        return False  # `ksm add → add.py → manifest.py`: a flow drawn as a tree
    if sum(1 for line in lines if _BOX_RE.search(line)) >= 2:
        names = [e.name for e in entries(block, all_names=True)]
        pathlike = sum(1 for n in names if n.endswith("/") or has_file_extension(n))
        return pathlike * 2 >= len(names)
    if block.lang not in _INDENTED_LANGS or len(lines) < 3:
        return False
    names = [_COMMENT_RE.sub("", line.strip()) for line in lines]
    return (
        names[0].endswith("/")
        and all(" " not in n and n for n in names)
        and any(line[:1] in (" ", "\t") for line in lines)
        and sum(n.endswith("/") for n in names) >= 2
    )


def entries(block: CodeBlock, *, all_names: bool = False) -> list[TreeEntry]:
    """The tree's entries; a placeholder entry (`...`, `<name>/`, `*.py`) hides its subtree."""
    rows: list[tuple[int, int, int, str]] = []  # depth, line, column, name
    for offset, text in enumerate(block.content.split("\n")):
        match = _ENTRY_RE.match(text.expandtabs(4))
        if match is None:
            continue
        optional = bool(_OPTIONAL_RE.search(match.group("rest")))
        name = _COMMENT_RE.sub("", match.group("rest")).strip()
        if name.endswith(":") and not name.rstrip(":").endswith("/") and "." not in name:
            name = "<label>"  # `Shared:` labels the lines under it; it is no folder
        name = name.rstrip(":")
        if not name or name.startswith(("#", "//")) or not name.strip(_BOX_CHARS):
            continue
        column = text.find(name)
        if optional:
            name = "<optional>"  # hides the entry and what the tree draws under it
        rows.append((len(match.group("prefix")), block.content_line + offset, column, name))
    if not rows:
        return []
    root_named: str | None = None
    root_line = root_column = 0
    top_depth = rows[0][0]
    if len(rows) > 1 and all(depth > top_depth for depth, *_ in rows[1:]):
        _, root_line, root_column, root_named = rows[0]  # `my-project/`, `.`: the top folder
        rows = rows[1:]
    found: list[TreeEntry] = []
    stack: list[tuple[int, str, bool]] = []  # depth, name, usable
    for i, (depth, line, column, name) in enumerate(rows):
        while stack and stack[-1][0] >= depth:
            stack.pop()
        has_children = i + 1 < len(rows) and rows[i + 1][0] > depth
        usable = all(u for *_, u in stack) and _usable(name)
        stack.append((depth, name, usable))
        if not all_names and not usable:
            continue
        if not all_names and not (name.endswith("/") or has_children or _file_like(name)):
            continue  # `InfoView`, `[Other generators]`: a leaf that is no file name
        parts = [n.strip("/") for _, n, _ in stack]
        path = "/".join(parts) + ("/" if name.endswith("/") or has_children else "")
        found.append(TreeEntry(path, line, column, name, root_named, root_line, root_column))
    return found


def _file_like(name: str) -> bool:
    return has_file_extension(name) or name in BARE_FILES or name.startswith(".")


def _usable(name: str) -> bool:
    return " " not in name and not is_placeholder(name) and name not in (".", "..")
