"""Walk only the parts of a tree whose source lines can spell one of a few names.

A file that reads one setting in a 2,000-line module has one interesting statement; a
full ``ast.walk`` visits tens of thousands of nodes to find it, and on a large code base
that walk costs more than the parse. A node lies within the source lines of each of its
ancestors, so a subtree whose lines hold none of the names (as whole words, in code,
strings or comments alike: a superset is safe) cannot contain a node that spells one of
them, and is skipped whole.
"""

from __future__ import annotations

import ast
import unicodedata
from bisect import bisect_left
from collections.abc import Collection

_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def lines_with(text: str, words: Collection[str]) -> list[int]:
    """Sorted 1-based numbers of the lines where any of ``words`` occurs as a whole word.

    Lines are counted as the parser counts them (``\\r\\n``, ``\\r`` and ``\\n`` each end
    one), and identifiers are compared as the parser compares them, after NFKC
    normalisation (a fullwidth ``getenv`` is ``getenv``); neither changes the line structure.
    """
    if not words:
        return []
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    starts: list[int] = []
    for word in words:
        start = text.find(word)
        while start != -1:
            end = start + len(word)
            if not (_word_char(text, start - 1) or _word_char(text, end)):
                starts.append(start)
            start = text.find(word, end)
    found: list[int] = []
    line, last = 1, 0
    for start in sorted(starts):
        line += text.count("\n", last, start)
        last = start
        if not found or found[-1] != line:
            found.append(line)
    return found


def _word_char(text: str, index: int) -> bool:
    """Whether ``text[index]`` can continue an identifier (out of range: no)."""
    if index < 0 or index >= len(text):
        return False
    char = text[index]
    if char.isascii():
        return char.isalnum() or char == "_"
    return ("a" + char).isidentifier()


def walk_near(tree: ast.AST, lines: list[int]) -> list[ast.AST]:
    """``ast.walk`` order, minus the subtrees whose source lines are all outside ``lines``.

    Inside an f-string nothing is pruned: before Python 3.12 the positions of its inner
    expressions can be wrong.
    """
    nodes: list[ast.AST] = [tree]
    whole: list[bool] = [False]  # per node: inside an f-string
    for index, node in enumerate(nodes):  # the lists grow while iterated: they are the queue
        inside = whole[index] or isinstance(node, ast.JoinedStr)
        for name in node._fields:
            value = getattr(node, name, None)
            for child in value if isinstance(value, list) else (value,):
                if isinstance(child, ast.AST) and (inside or near(child, lines)):
                    nodes.append(child)
                    whole.append(inside)
    return nodes


def statements_near(tree: ast.Module, lines: list[int]) -> list[ast.stmt]:
    """The statements, at any depth, whose source lines meet ``lines``, breadth-first."""
    found: list[ast.stmt] = []
    queue: list[ast.AST] = [tree]
    for node in queue:
        for name in _BLOCK_FIELDS:
            for child in getattr(node, name, None) or ():
                if near(child, lines):
                    queue.append(child)
                    if isinstance(child, ast.stmt):
                        found.append(child)
    return found


def near(node: ast.AST, lines: list[int]) -> bool:
    """Whether the source lines of ``node`` (decorators included) meet ``lines``."""
    first = getattr(node, "lineno", None)
    if first is None:  # no position (arguments, withitem, operators...): look inside
        return True
    last = getattr(node, "end_lineno", None) or first
    decorators = getattr(node, "decorator_list", None)
    if decorators:  # a def's or class's position starts below its decorators
        first = min(first, decorators[0].lineno)
    index = bisect_left(lines, first)
    return index < len(lines) and lines[index] <= last
