"""Directory-tree blocks (`├──`/`└──` or indented names): every entry's full path rebuilt."""

from __future__ import annotations

import re
from dataclasses import dataclass

from steeringsync.steering.document import CodeBlock

TREE_LANGS = frozenset(
    {"", "text", "txt", "plaintext", "plain", "tree", "bash", "sh", "shell", "console",
     "markdown", "md", "none", "ascii", "dir", "directory", "filetree"}
)  # fmt: skip
_INDENTED_LANGS = frozenset({"", "text", "txt", "plaintext", "plain", "tree", "dir"})
_BOX_RE = re.compile(r"[├└]|\|--|`--|\+--")
_ENTRY_RE = re.compile(r"^(?P<prefix>(?:[\s│├└─┬┼┃┣┗━|`+]|--)*)(?P<rest>\S.*)$")
_COMMENT_RE = re.compile(r"\s+(?:#|//|<-|←|-{1,2}\s|—|–|\().*$|\s{2,}.*$")


@dataclass(frozen=True)
class TreeEntry:
    path: str  # full path from the tree's top, `/` kept on folders
    line: int  # doc line
    column: int  # 0-based offset of the entry's name
    name: str  # the text written on the line
    root_named: str | None  # the tree's own top line, when it names one folder


def is_tree(block: CodeBlock) -> bool:
    if block.lang not in TREE_LANGS:
        return False
    lines = [line for line in block.content.split("\n") if line.strip()]
    if sum(1 for line in lines if _BOX_RE.search(line)) >= 2:
        return True
    if block.lang not in _INDENTED_LANGS or len(lines) < 3:
        return False
    names = [_COMMENT_RE.sub("", line.strip()) for line in lines]
    return (
        names[0].endswith("/")
        and all(" " not in n and n for n in names)
        and any(line[:1] in (" ", "\t") for line in lines)
        and sum(n.endswith("/") for n in names) >= 2
    )


def entries(block: CodeBlock) -> list[TreeEntry]:
    """The tree's entries; a placeholder entry (`...`, `<name>/`, `*.py`) hides its subtree."""
    rows: list[tuple[int, int, int, str]] = []  # depth, line, column, name
    for offset, line in enumerate(block.content.split("\n")):
        match = _ENTRY_RE.match(line.expandtabs(4))
        if match is None:
            continue
        name = _COMMENT_RE.sub("", match.group("rest")).strip().rstrip(":")
        if not name or name.startswith(("#", "//")):
            continue
        column = line.find(name)
        rows.append((len(match.group("prefix")), block.content_line + offset, column, name))
    if not rows:
        return []
    root_named: str | None = None
    top_depth = rows[0][0]
    if len(rows) > 1 and all(depth > top_depth for depth, *_ in rows[1:]):
        root_named = rows[0][3]  # `my-project/` or `.`: the tree's top folder
        rows = rows[1:]
    found: list[TreeEntry] = []
    stack: list[tuple[int, str, bool]] = []  # depth, name, usable
    for i, (depth, line, column, name) in enumerate(rows):
        while stack and stack[-1][0] >= depth:
            stack.pop()
        has_children = i + 1 < len(rows) and rows[i + 1][0] > depth
        usable = all(u for *_, u in stack) and _usable(name)
        stack.append((depth, name, usable))
        if not usable:
            continue
        parts = [n.strip("/") for _, n, _ in stack]
        path = "/".join(parts) + ("/" if name.endswith("/") or has_children else "")
        found.append(TreeEntry(path, line, column, name, root_named))
    return found


def _usable(name: str) -> bool:
    from steeringsync.claims.shapes import is_placeholder

    return " " not in name and not is_placeholder(name) and name not in (".", "..")
