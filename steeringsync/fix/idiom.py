"""What the repository itself says about the replacement: how functions obtain it, and what
its ``get_session()`` returns.

Learned once per run from the project's Python files, before any file is checked, so the
check and the fix of every file see the same answer:

* the binding idiom: the expression the project's functions assign to the replacement's
  name (``db_manager = current_app.config['db_manager']`` in 158 functions), counted line
  by line; the most frequent one wins when it is used at least twice and more often than
  any other;
* the factory: whether ``get_session()`` (a zero-argument method of a class that also has
  ``close_session``, when there is one) is a ``@contextmanager`` that commits after its
  ``yield``, a context manager that does not, or a plain function returning a session.

Files are read as bytes and only those mentioning the names are parsed, within the size
limit the checker uses.
"""

from __future__ import annotations

import ast
import enum
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from steeringsync.python.source import UnreadableSource, read_bytes


class Factory(str, enum.Enum):
    """What the replacement's ``get_session()`` is."""

    COMMITTING_CM = "committing-context-manager"  # `with` commits on success
    OTHER_CM = "context-manager"  # a context manager that does not commit
    PLAIN = "plain"  # returns a session: `with` on it closes without committing
    UNKNOWN = "unknown"  # not defined in this repository


@dataclass(frozen=True)
class LearnedBinding:
    """``<replacement> = expression``, the project's way of obtaining the replacement."""

    expression: str
    count: int = 0  # assignments using it (0: configured)
    total: int = 0  # assignments of the name seen in functions
    example: str = ""  # "path:line" of the first use

    def describe(self) -> str:
        if not self.count:
            return "configured as `replacement-binding`"
        return (
            f"learned from {self.count} of {self.total} assignments in functions, "
            f"e.g. {self.example}"
        )


@dataclass(frozen=True)
class FactoryVerdict:
    kind: Factory = Factory.UNKNOWN
    where: str = ""  # "path:line" of the definition that decided it


@dataclass(frozen=True)
class RepoIdiom:
    binding: LearnedBinding | None = None
    factory: FactoryVerdict = FactoryVerdict()


def _assignment_re(name: str) -> re.Pattern[str]:
    # an indented (function-level) single-line assignment of exactly this name
    return re.compile(r"^([ \t]+)" + re.escape(name) + r"[ \t]*=(?!=)(.+)$", re.M)


# per-file facts (JSON-safe, cached with the file's result):
#   ["binding", expression key, expression as written, line]
#   ["factory", kind, line, in a class with close_session]
Fact = list[Any]


def file_facts(text: str, tree: ast.Module | None, replacement: str) -> list[Fact]:
    """What one file says about ``replacement``: its assignments in functions and its
    ``get_session`` definitions."""
    facts: list[Fact] = []
    name = replacement.partition(".")[0]
    if "." not in replacement and name in text:
        for match in _assignment_re(name).finditer(text):
            key, written = _expression(match.group(2))
            if key is not None:
                line = text.count("\n", 0, match.start()) + 1
                facts.append(["binding", key, written, line])
    if tree is not None and "def get_session" in text:
        facts.extend(
            ["factory", kind.value, line, paired] for kind, line, paired in _factories(tree)
        )
    return facts


def combine(facts: Iterable[tuple[str, Fact]]) -> RepoIdiom:
    """The repository's idiom from every file's facts, as (where the file is, fact)."""
    spellings: dict[str, Counter[str]] = {}
    first_seen: dict[str, str] = {}
    total = 0
    factories: list[tuple[Factory, str, bool]] = []
    for where, fact in sorted(facts, key=_position):
        if fact[0] == "binding":
            _, key, written, line = fact
            total += 1
            spellings.setdefault(key, Counter())[written] += 1
            first_seen.setdefault(key, f"{where}:{line}")
        elif fact[0] == "factory":
            _, kind, line, paired = fact
            factories.append((Factory(kind), f"{where}:{line}", bool(paired)))
    return RepoIdiom(_dominant(spellings, first_seen, total), _verdict(factories))


def _position(item: tuple[str, Fact]) -> tuple[str, int]:
    where, fact = item
    return (where, fact[3] if fact[0] == "binding" else fact[2])


def learn(
    paths: Iterable[Path],
    replacement: str,
    *,
    max_size: int,
    display: Callable[[Path], str] = str,
) -> RepoIdiom:
    """Read ``paths`` and combine their facts (the engine collects the same facts, cached,
    through ``IdiomCollector``; this is for callers without an engine run)."""
    found: list[tuple[str, Fact]] = []
    for path in paths:
        try:
            data = read_bytes(path, max_size)
        except UnreadableSource:
            continue
        text = data.decode("utf-8", "replace")
        try:
            tree: ast.Module | None = ast.parse(data) if "def get_session" in text else None
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            tree = None
        found.extend((display(path), fact) for fact in file_facts(text, tree, replacement))
    return combine(found)


def _expression(raw: str) -> tuple[str | None, str]:
    text = raw.strip()
    text = text.split("  #", 1)[0].split(" #", 1)[0].strip()
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None, text  # a multi-line expression, or a comment we cut wrongly
    if isinstance(tree.body, (ast.Constant, ast.Name)) or _mentions_call_result(tree.body):
        # `= None` placeholders and plain aliases are no way of obtaining the manager
        return None, text
    return ast.dump(tree.body), text


def _mentions_call_result(node: ast.expr) -> bool:
    # a conditional or boolean expression is a decision, not the idiom itself
    return isinstance(node, (ast.IfExp, ast.BoolOp, ast.Lambda, ast.NamedExpr))


def _dominant(
    spellings: dict[str, Counter[str]], first_seen: dict[str, str], total: int
) -> LearnedBinding | None:
    counts = sorted(((sum(c.values()), key) for key, c in spellings.items()), reverse=True)
    if not counts or counts[0][0] < 2 or (len(counts) > 1 and counts[1][0] == counts[0][0]):
        return None
    count, key = counts[0]
    text = spellings[key].most_common(1)[0][0]
    return LearnedBinding(text, count, total, first_seen[key])


def _factories(tree: ast.Module) -> list[tuple[Factory, int, bool]]:
    """(kind, line, in a class with close_session) for each zero-argument
    ``get_session`` method defined in the module."""
    found: list[tuple[Factory, int, bool]] = []
    for cls in ast.walk(tree):
        if not isinstance(cls, ast.ClassDef):
            continue
        methods = {
            n.name: n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        fn = methods.get("get_session")
        if fn is None or not _no_required_args(fn):
            continue
        found.append((_kind(fn), fn.lineno, "close_session" in methods))
    return found


def _no_required_args(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    a = fn.args
    positional = [*a.posonlyargs, *a.args]
    required = len(positional) - len(a.defaults)
    kw_required = sum(d is None for d in a.kw_defaults)
    return required <= 1 and kw_required == 0


def _kind(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> Factory:
    names = {ast.unparse(d).rpartition(".")[2] for d in fn.decorator_list}
    is_cm = "contextmanager" in names
    yields = [n for n in ast.walk(fn) if isinstance(n, (ast.Yield, ast.YieldFrom))]
    if not is_cm:
        return Factory.OTHER_CM if yields else Factory.PLAIN
    if yields and _commits_after_yield(fn, yields[0].lineno):
        return Factory.COMMITTING_CM
    return Factory.OTHER_CM


def _commits_after_yield(fn: ast.FunctionDef | ast.AsyncFunctionDef, line: int) -> bool:
    """A ``.commit()`` call after the ``yield`` that is not inside an ``except`` clause."""
    handlers = {
        id(n) for h in ast.walk(fn) if isinstance(h, ast.ExceptHandler) for n in ast.walk(h)
    }
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "commit"
        and n.lineno >= line
        and id(n) not in handlers
        for n in ast.walk(fn)
    )


def _verdict(found: list[tuple[Factory, str, bool]]) -> FactoryVerdict:
    if any(paired for _, _, paired in found):
        found = [f for f in found if f[2]]  # the classes shaped like the replacement
    if not found:
        return FactoryVerdict()
    kinds = {kind for kind, _, _ in found}
    if kinds == {Factory.COMMITTING_CM}:
        return FactoryVerdict(Factory.COMMITTING_CM, found[0][1])
    # any other definition decides against `with`: name the first that does
    kind, where, _ = next(f for f in found if f[0] is not Factory.COMMITTING_CM)
    return FactoryVerdict(kind, where)
