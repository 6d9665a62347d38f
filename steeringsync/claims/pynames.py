"""First-party Python modules and names: imports in Python blocks, names in prose.

A dotted name is first-party when its first part is a package folder or module of this
repository (at the root, under `src/`, or in any folder of a monorepo). Names a module
defines are read from its own file with the stdlib parser; names in prose are looked up
in the facts the definitions collector gathered while ``check`` parsed the code.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from steeringsync.claims.model import ModuleClaim
from steeringsync.claims.repo import RepoIndex
from steeringsync.steering.document import CodeBlock

COLLECTOR = "python-definitions"  # the facts of ``definitions.DefinitionsCollector``
MAX_MODULE_BYTES = 1024 * 1024


def imports(block: CodeBlock) -> list[ModuleClaim]:
    """`import a.b` and `from a.b import C` of a Python block (relative imports skipped)."""
    try:
        tree = ast.parse(block.content)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []  # SS304 reports the block
    found: list[ModuleClaim] = []
    wrong = _counter_example_lines(block)
    for node in ast.walk(tree):
        if getattr(node, "lineno", 0) in wrong:
            continue
        line = block.content_line + getattr(node, "lineno", 1) - 1
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = tuple(a.name for a in node.names if a.name != "*")
            found.append(ModuleClaim(node.module, line, node.col_offset, names))
        elif isinstance(node, ast.Import):
            found.extend(ModuleClaim(a.name, line, node.col_offset) for a in node.names)
    return found


_BAD_RE = re.compile(
    r"❌|\b(?:wrong|bad|incorrect|don'?t|avoid|never|deprecated|before|old|legacy|guess)",
    re.IGNORECASE,
)
_GOOD_RE = re.compile(r"✅|\b(?:right|good|correct|do\b|after|new|instead)", re.IGNORECASE)


def _counter_example_lines(block: CodeBlock) -> set[int]:
    """Block lines (1-based) that show what not to write: after a `# ❌ Wrong` comment
    until a `# ✅` one, or the whole block when its lead-in says so."""
    lines = block.content.split("\n")
    if _BAD_RE.search(block.lead) and not _GOOD_RE.search(block.lead):
        return set(range(1, len(lines) + 1))
    wrong: set[int] = set()
    bad = False
    for number, text in enumerate(lines, start=1):
        if not text.strip().startswith("#"):
            pass
        elif "❌" in text or "✅" in text:
            bad = "❌" in text  # the marks decide before any word does
        elif _BAD_RE.search(text):
            bad = True
        elif _GOOD_RE.search(text):
            bad = False
        if bad:
            wrong.add(number)
    return wrong


@dataclass(frozen=True)
class ModuleVerdict:
    missing_module: str | None = None  # the first dotted prefix that is not there
    missing_names: tuple[str, ...] = ()
    moved: tuple[str, ...] = ()  # dotted modules the missing one may have become


class Modules:
    """The repository's Python modules, for resolving dotted names."""

    def __init__(self, index: RepoIndex) -> None:
        self.index = index
        self._roots: dict[str, list[str]] = {}

    @classmethod
    def of(cls, index: RepoIndex) -> Modules:
        """One per run: built from the file list only when a doc names a module."""
        known = index.memo.get("modules")
        if not isinstance(known, Modules):
            known = index.memo["modules"] = cls(index)
        return known

    def roots(self, name: str) -> list[str]:
        """The folders (sorted) holding a package or module named ``name``: worked out
        per name a doc uses, as most runs ask about one or two of the thousands there."""
        known = self._roots.get(name)
        if known is None:
            found: set[str] = set()
            for path in self.index.files:
                # the substring test skips nearly every path before it is split
                if name in path and path.endswith(".py"):
                    parts = path[:-3].split("/")
                    found.update("/".join(parts[:i]) for i, p in enumerate(parts) if p == name)
            known = self._roots[name] = sorted(found)
        return known

    def first_party(self, dotted: str) -> bool:
        return bool(self.roots(dotted.split(".")[0]))

    def _file(self, root: str, parts: list[str]) -> str | None:
        stem = posixpath.join(root, *parts) if root else "/".join(parts)
        for candidate in (stem + ".py", stem + "/__init__.py"):
            if candidate in self.index.files:
                return candidate
        return stem + "/" if self.index.is_dir(stem) else None

    def judge(self, claim: ModuleClaim) -> ModuleVerdict | None:
        parts = claim.module.split(".")
        roots = self.roots(parts[0])
        if not roots:
            return None
        found = [(root, f) for root in roots if (f := self._file(root, parts)) is not None]
        if not found:
            deepest = max(
                (i for root in roots for i in range(1, len(parts)) if self._file(root, parts[:i])),
                default=0,
            )
            if deepest == 0:
                return None  # `pkg` is only a folder name here (shared with a dependency)
            gone = ".".join(parts[: deepest + 1])
            return ModuleVerdict(missing_module=gone, moved=self._moved(parts))
        if not claim.names:
            return None
        for root, file in found:
            defined = self._defined(root, parts, file)
            if defined is None:
                return None
            missing = tuple(n for n in claim.names if n not in defined)
            if not missing:
                return None
        return ModuleVerdict(missing_names=missing)

    def _moved(self, parts: list[str]) -> tuple[str, ...]:
        name = parts[-1]
        hits = [p for p in self.index.anywhere(name + ".py")] + [
            p.rstrip("/") for p in self.index.anywhere(name + "/")
        ]
        dotted: list[str] = []
        for hit in hits:
            stem = hit[:-3] if hit.endswith(".py") else hit
            pieces = stem.split("/")
            if parts[0] not in pieces:
                continue
            # import it from its outermost package: `app/services/x.py` under a package
            # `app/` is `app.services.x`, however the doc spelled its start
            start = pieces.index(parts[0])
            while start > 0 and "/".join([*pieces[:start], "__init__.py"]) in self.index.files:
                start -= 1
            dotted.append(".".join(pieces[start:]))
        return tuple(dict.fromkeys(dotted))

    def _defined(self, root: str, parts: list[str], file: str) -> set[str] | None:
        """Names importable from the module; None when it cannot say (star import, a
        module `__getattr__`, unreadable)."""
        names: set[str] = set()
        if file.endswith("/") or file.endswith("__init__.py"):
            folder = file.rstrip("/").removesuffix("/__init__.py")
            for path in self.index.files:
                if posixpath.dirname(path) == folder and path.endswith(".py"):
                    names.add(posixpath.basename(path)[:-3])
                elif path.startswith(folder + "/"):
                    names.add(path[len(folder) + 1 :].split("/")[0])
            if file.endswith("/"):
                return names
        try:
            data = (self.index.root / file).read_bytes()[:MAX_MODULE_BYTES]
            tree = ast.parse(data)
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        for name in _bound_names(tree.body):
            if name is None:
                return None
            names.add(name)
        return names


def _bound_names(body: list[ast.stmt]) -> Iterator[str | None]:
    """Names a module body binds (None for a star import or a module ``__getattr__``)."""
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield None if node.name == "__getattr__" else node.name
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    yield None
                else:
                    yield alias.asname or alias.name.split(".")[0]
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        yield sub.id
        elif isinstance(node, ast.If | ast.Try | ast.With | ast.For | ast.While):
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, [])
                for item in inner:
                    if isinstance(item, ast.ExceptHandler):
                        yield from _bound_names(item.body)
                yield from _bound_names([i for i in inner if isinstance(i, ast.stmt)])
        elif type(node).__name__ == "TypeAlias":  # `type X = …` (3.12+)
            name = getattr(node, "name", None)
            yield name.id if isinstance(name, ast.Name) else None


def read_facts(facts: dict[str, list[tuple[Path, Any]]]) -> dict[str, set[tuple[str, str | None]]]:
    """name -> {(kind, class or module)} from every file's facts."""
    found: dict[str, set[tuple[str, str | None]]] = {}
    for _, (kind, name, parent) in facts.get(COLLECTOR, []):
        found.setdefault(name, set()).add((kind, parent))
    return found
