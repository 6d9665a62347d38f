"""Check a rewrite the way a linter would: nothing may become undefined, unbound or unused.

pyflakes (a dependency for this) is the checker behind ruff's F rules: undefined name
(F821), local referenced before assignment (F823), unused local (F841) and import (F401),
redefinition of an unused name (F811). Its findings on the text before and after a
rewrite are compared as multisets of (kind, name), so lines that moved do not count as
new; whatever is left was caused by the rewrite, and the rewrite is not kept.
"""

from __future__ import annotations

import ast
import re
from collections import Counter

from pyflakes import checker, messages

CHECKED = (
    messages.UndefinedName,
    messages.UndefinedLocal,
    messages.UnusedVariable,
    messages.UnusedImport,
    messages.RedefinedWhileUnused,
    messages.ImportShadowedByLoopVar,
)
LINE = re.compile(r"line \d+")
Problem = tuple[str, str]  # (kind, the message as pyflakes words it, without its line)


def problems(text: str, filename: str = "<fixed>") -> Counter[Problem]:
    """The checked pyflakes messages of ``text`` (empty when it does not parse)."""
    try:
        tree = ast.parse(text, filename=filename)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return Counter()
    found = checker.Checker(tree, filename=filename).messages
    # "redefinition of unused 'x' from line 3": lines move in a rewrite, the name does not
    return Counter(
        (type(m).__name__, LINE.sub("line ?", m.message % m.message_args))
        for m in found
        if isinstance(m, CHECKED)
    )


def new_problems(before: str, after: str, filename: str = "<fixed>") -> list[str]:
    """What ``after`` has that ``before`` did not, worded for a notice."""
    added = problems(after, filename) - problems(before, filename)
    return sorted(message for (_, message), count in added.items() for _ in range(count))
