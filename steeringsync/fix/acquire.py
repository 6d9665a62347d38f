"""How a rewritten site obtains the replacement when no name for it is bound there.

Two shapes, both exact:

* the deprecated receiver is a local fetched once (``usm = getattr(current_app,
  'unified_session_manager', None)``, ``current_app.unified_session_manager``,
  ``app.extensions['unified_session_manager']``) and used only by the deprecated ``with``
  sites and by guards (``if not usm: return …``). The acquisition becomes ``db_manager =
  <binding>`` and the guards follow the new name, or, when ``db_manager`` is already bound
  there, the acquisition goes and the guards test ``db_manager``; nothing is left dead.
* otherwise ``db_manager = <binding>`` is put right before the site.

``<binding>`` is the configured ``replacement-binding`` or the idiom learned from the
repository (``fix/idiom.py``). A new local is introduced only where the function does not
mention the name yet, or only ever assigns it that same expression.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from steeringsync.fix.definite import NESTED, FunctionNode, declared, local_bindings, params
from steeringsync.fix.idiom import LearnedBinding
from steeringsync.python.deprecated_calls import DeprecatedCall

Position = tuple[int, int]


@dataclass(frozen=True)
class Acquisition:
    """Edits outside the ``with`` statement that go with a site's rewrite."""

    prelude: str | None = None  # statement put right before the site
    renames: frozenset[Position] = frozenset()  # names that become the replacement's
    rebind: tuple[Position, str] | None = None  # (value position, new expression)
    drops: frozenset[Position] = frozenset()  # statements removed (a dead acquisition)
    note: str | None = None  # says which binding is used and where it was learned


@dataclass
class AliasUse:
    """A local alias of the deprecated manager in one function, and how it is used."""

    fn: FunctionNode
    name: str
    acquisition: ast.Assign | None
    guards: list[ast.Name] = field(default_factory=list)
    receivers: list[ast.Name] = field(default_factory=list)
    other: list[ast.Name] = field(default_factory=list)  # any other use: no alias rewrite


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _guard(name: ast.Name, parents: dict[int, ast.AST]) -> bool:
    """``if usm:``, ``if not usm:``, ``if usm is None:`` (also inside ``and``/``or``)."""
    node: ast.AST = name
    while True:
        parent = parents.get(id(node))
        if isinstance(parent, ast.If) and parent.test is node:
            return True
        if (
            (isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not))
            or isinstance(parent, ast.BoolOp)
            or (
                isinstance(parent, ast.Compare)
                and parent.left is node
                and len(parent.ops) == 1
                and isinstance(parent.ops[0], (ast.Is, ast.IsNot))
                and isinstance(parent.comparators[0], ast.Constant)
                and parent.comparators[0].value is None
            )
        ):
            node = parent
        else:
            return False


def alias_use(
    fn: FunctionNode,
    name: str,
    detector: DeprecatedCall,
    site_receivers: set[int],
    parents: dict[int, ast.AST],
) -> AliasUse | None:
    """The local alias ``name`` of ``fn``, or None when ``name`` is not one of its locals."""
    bindings = local_bindings(fn, name)
    if not bindings or name in params(fn) or declared(fn, ast.Global, name):
        return None
    acquisition = bindings[0] if len(bindings) == 1 else None
    if not (
        isinstance(acquisition, ast.Assign)
        and len(acquisition.targets) == 1
        and _is_name(acquisition.targets[0], name)
        and detector.fetches(acquisition.value)
    ):
        acquisition = None
    use = AliasUse(fn, name, acquisition)
    for node in _own_and_nested(fn):
        if not isinstance(node, ast.Name) or node.id != name or not isinstance(node.ctx, ast.Load):
            continue
        if id(node) in site_receivers:
            use.receivers.append(node)
        elif _guard(node, parents) and _in_own_scope(node, fn, parents):
            use.guards.append(node)
        else:
            use.other.append(node)
    return use


def _own_and_nested(fn: FunctionNode) -> list[ast.AST]:
    return [n for stmt in fn.body for n in ast.walk(stmt)]


def _in_own_scope(node: ast.AST, fn: FunctionNode, parents: dict[int, ast.AST]) -> bool:
    while id(node) in parents:
        node = parents[id(node)]
        if node is fn:
            return True
        if isinstance(node, NESTED):
            return False
    return False


def mentions(fn: FunctionNode, name: str) -> bool:
    """Whether ``name`` occurs anywhere in ``fn`` (nested scopes included)."""
    return any(
        (isinstance(n, ast.Name) and n.id == name) or (isinstance(n, ast.arg) and n.arg == name)
        for n in _own_and_nested(fn)
    )


def new_local_allowed(fn: FunctionNode, name: str, binding: LearnedBinding) -> str | None:
    """Why ``fn`` cannot take ``name = <binding>`` as a new assignment (None: it can)."""
    if declared(fn, ast.Global, name) or declared(fn, ast.Nonlocal, name):
        return f"`{fn.name}` declares `{name}` global or nonlocal"
    existing = local_bindings(fn, name)
    if not existing:
        if mentions(fn, name):
            return f"`{fn.name}` reads `{name}` from outside; a new local would shadow it"
        return None
    expected = ast.dump(ast.parse(binding.expression, mode="eval").body)
    for node in existing:
        if not (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and _is_name(node.targets[0], name)
            and ast.dump(node.value) == expected
        ):
            line = getattr(node, "lineno", "?")
            return f"`{fn.name}` also binds `{name}` otherwise (line {line})"
    return None


def binding_roots(binding: LearnedBinding) -> list[str]:
    """The names ``binding`` reads, which must be bound where it is placed."""
    tree = ast.parse(binding.expression, mode="eval")
    return sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)})


def binding_note(name: str, binding: LearnedBinding) -> str:
    return f"binds `{name} = {binding.expression}`, {binding.describe()}"


def unbound_roots(
    binding: LearnedBinding, at: ast.stmt, is_bound: Callable[[str, ast.stmt], bool]
) -> list[str]:
    return [root for root in binding_roots(binding) if not is_bound(root, at)]


def positions(
    nodes: Sequence[ast.AST], locate: Callable[[ast.AST], Position]
) -> frozenset[Position]:
    return frozenset(locate(n) for n in nodes)
