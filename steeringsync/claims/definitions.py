"""The fact collector behind SS308: where the names the docs mention are defined."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from steeringsync.claims.pynames import COLLECTOR
from steeringsync.python.source import PythonSource
from steeringsync.rules.base import FactCollector
from steeringsync.triggers import contains_name


@dataclass(frozen=True)
class DefinitionsCollector(FactCollector):
    """Where the names the docs mention are defined, imported or used in the code, and
    the members of the classes they name (for `Class.method`).

    Only files that spell one of ``names`` as a whole word are parsed, so a doc naming
    three classes costs three words' worth of parsing; a method is looked up in its
    class's body, so `get` of `Store.get()` is no trigger. Whole on both sides: a doc's
    `main()` does not parse every file saying "domain" (no fact is found there).
    """

    names: tuple[str, ...] = ()
    name: ClassVar[str] = COLLECTOR

    @property
    def triggers(self) -> tuple[bytes, ...]:
        # substrings for the pre-filter; ``relevant`` then wants a bounded word
        return tuple(n.encode() for n in self.names)

    def relevant(self, data: bytes) -> bool:
        return contains_name(data, self.triggers)

    def collect(self, source: PythonSource) -> list[Any]:
        wanted = set(self.names)
        facts: list[Any] = []
        for node in ast.walk(source.tree):
            if isinstance(node, ast.ClassDef):
                if node.name in wanted:
                    facts.append(["def", node.name, None])
                    if node.bases:  # a method may be inherited: members are not the whole story
                        facts.append(["based", node.name, None])
                    for item in node.body:
                        facts.extend(["def", name, node.name] for name in _member_names(item))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in wanted:
                facts.append(["def", node.name, None])
            elif isinstance(node, ast.ImportFrom | ast.Import):
                module = node.module if isinstance(node, ast.ImportFrom) else None
                for alias in node.names:
                    if alias.name in wanted or alias.asname in wanted:
                        facts.append(["import", alias.asname or alias.name, module or ""])
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and target.id in wanted:
                        facts.append(["def", target.id, None])
        text = source.text
        facts.extend(["seen", n, None] for n in self.names if re.search(rf"\b{n}\b", text))
        return [list(f) for f in dict.fromkeys(tuple(f) for f in facts)]


def _member_names(item: ast.stmt) -> Iterator[str]:
    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        yield item.name
    elif isinstance(item, ast.Assign):
        yield from (t.id for t in item.targets if isinstance(t, ast.Name))
    elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
        yield item.target.id
