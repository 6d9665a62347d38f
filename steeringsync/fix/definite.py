"""Where a name is bound, as Python decides it: scopes, and bound on every path to a statement.

A name assigned anywhere in a function is local to all of it (so a later assignment makes
an earlier read an ``UnboundLocalError``); a local counts as bound at a statement only when
every path from the function's entry to it assigns it. The analysis is conservative: a
loop may run zero times, a ``with`` may swallow the exception that skipped its body, an
``except`` clause may be entered before anything in its ``try`` ran. It never says
"bound" where Python could raise.
"""

from __future__ import annotations

import ast
import contextvars
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

FUNCTION_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
TERMINATORS = (ast.Return, ast.Raise, ast.Break, ast.Continue)
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


# statements the fix will precede with a binding of the name (see ``bound_before``)
_BINDERS: contextvars.ContextVar[frozenset[int]] = contextvars.ContextVar(
    "binders", default=frozenset()
)


class _Reached(Exception):
    """Raised when the walk reaches the statement asked about, with the state there."""

    def __init__(self, bound: bool) -> None:
        super().__init__()
        self.bound = bound


def stores(node: ast.AST, name: str) -> bool:
    """Whether ``node`` (a statement's own targets and expressions) assigns ``name``,
    without looking into nested blocks, scopes or comprehensions."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return any(
            a.name != "*" and (a.asname or a.name.partition(".")[0]) == name for a in node.names
        )
    if isinstance(node, (*FUNCTION_DEFS, ast.ClassDef)):
        return node.name == name
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        # an annotation alone (`x: int`) binds nothing
        if not isinstance(node, ast.AnnAssign) or node.value is not None:
            targets = [node.target]
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
    return any(_target_names(t, name) for t in targets)


def _target_names(target: ast.expr, name: str) -> bool:
    if isinstance(target, ast.Name):
        return target.id == name
    if isinstance(target, (ast.Tuple, ast.List)):
        return any(_target_names(t, name) for t in target.elts)
    if isinstance(target, ast.Starred):
        return _target_names(target.value, name)
    return False


def _deletes(node: ast.stmt, name: str) -> bool:
    return isinstance(node, ast.Delete) and any(_target_names(t, name) for t in node.targets)


def _seq(body: Sequence[ast.stmt], bound: bool, target: ast.stmt | None, name: str) -> bool:
    for stmt in body:
        if stmt is target:
            raise _Reached(bound)
        if id(stmt) in _BINDERS.get():
            bound = True  # the fix puts a binding right before this statement
        bound = _stmt(stmt, bound, target, name)
    return bound


def _stmt(stmt: ast.stmt, bound: bool, target: ast.stmt | None, name: str) -> bool:
    """The state after ``stmt`` (True after a statement that never completes normally)."""
    if isinstance(stmt, TERMINATORS):
        return True  # what follows is unreachable from here
    if _deletes(stmt, name):
        return False
    if isinstance(stmt, ast.If):
        return _seq(stmt.body, bound, target, name) & _seq(stmt.orelse, bound, target, name)
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        _seq(stmt.body, bound or stores(stmt, name), target, name)
        _seq(stmt.orelse, bound, target, name)
        return bound  # zero iterations, or a break before any assignment
    if isinstance(stmt, ast.While):
        _seq(stmt.body, bound, target, name)
        _seq(stmt.orelse, bound, target, name)
        return bound
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        inner = bound or stores(stmt, name)
        _seq(stmt.body, inner, target, name)
        return inner  # the manager may swallow what interrupted the body
    if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
        return _try(stmt, bound, target, name)
    if isinstance(stmt, ast.Match):
        cases = [_seq(c.body, bound, target, name) for c in stmt.cases]
        return bound or (bool(cases) and all(cases) and _irrefutable(stmt.cases[-1]))
    if isinstance(stmt, (*FUNCTION_DEFS, ast.ClassDef)):
        return bound or stmt.name == name  # bodies are other scopes
    return bound or stores(stmt, name)


def _try(stmt: ast.stmt, bound: bool, target: ast.stmt | None, name: str) -> bool:
    assert isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar"
    body = _seq(stmt.body, bound, target, name)  # type: ignore[attr-defined]
    handlers = [
        _seq(h.body, bound or h.name == name, target, name)
        for h in stmt.handlers  # type: ignore[attr-defined]
    ]
    orelse = _seq(stmt.orelse, body, target, name)  # type: ignore[attr-defined]
    final = _seq(stmt.finalbody, bound, target, name)  # type: ignore[attr-defined]
    return final or (orelse and all(handlers))


def _irrefutable(case: ast.match_case) -> bool:
    pattern = case.pattern
    return case.guard is None and isinstance(pattern, ast.MatchAs) and pattern.pattern is None


def bound_before(
    body: Sequence[ast.stmt],
    target: ast.stmt,
    name: str,
    *,
    initially: bool,
    binders: Iterable[ast.stmt] = (),
) -> bool:
    """Whether ``name`` is bound on every path from the start of ``body`` to ``target``
    (a statement somewhere inside ``body``, not inside a nested scope); ``binders`` are
    statements that will be preceded by an assignment of ``name``."""
    token = _BINDERS.set(frozenset(id(b) for b in binders))
    try:
        _seq(body, initially, target, name)
    except _Reached as reached:
        return reached.bound
    finally:
        _BINDERS.reset(token)
    raise ValueError("the statement is not inside this body")


def bound_after(body: Sequence[ast.stmt], name: str) -> bool:
    """Whether ``name`` is bound on every path that runs ``body`` to its end."""
    return _seq(body, False, None, name)


def params(fn: FunctionNode | ast.Lambda) -> list[str]:
    a = fn.args
    every = [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
    return [p.arg for p in every if p is not None]


def local_bindings(fn: FunctionNode, name: str) -> list[ast.AST]:
    """The nodes that assign ``name`` in ``fn``'s own scope (nested scopes excluded)."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(fn.body)
    while stack:
        node = stack.pop()
        if _binds_here(node, name):
            found.append(node)
        if isinstance(node, NESTED):
            if not isinstance(node, ast.Lambda):
                stack.extend(node.decorator_list)
            continue
        if isinstance(node, COMPREHENSIONS):
            # only a walrus inside binds here; comprehension targets are their own scope
            stack.extend(n for n in ast.walk(node) if isinstance(n, ast.NamedExpr))
            continue
        stack.extend(ast.iter_child_nodes(node))
    found.sort(key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
    return found


def _binds_here(node: ast.AST, name: str) -> bool:
    if isinstance(node, ast.stmt):
        return stores(node, name) or _deletes(node, name)
    if isinstance(node, ast.NamedExpr):
        return _target_names(node.target, name)
    if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
        return node.name == name
    return False


def declared(fn: FunctionNode, kind: type[ast.Global] | type[ast.Nonlocal], name: str) -> bool:
    """Whether ``fn`` declares ``name`` ``global`` (or ``nonlocal``)."""
    return any(isinstance(n, kind) and name in n.names for n in _own_nodes(fn.body))


def _own_nodes(body: Iterable[ast.AST]) -> Iterable[ast.AST]:
    stack = list(body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (*NESTED, *COMPREHENSIONS)):
            stack.extend(ast.iter_child_nodes(node))


@dataclass(frozen=True)
class Binding:
    """How a name resolves at a statement: ``bound``, else ``reason`` says why not."""

    bound: bool
    in_function: bool = False  # an enclosing function binds it
    reason: str = ""


def resolve(
    name: str,
    stmt: ast.stmt,
    chain: Sequence[tuple[FunctionNode, ast.stmt]],
    module: ast.Module,
) -> Binding:
    """Whether ``name`` is bound when ``stmt`` runs.

    ``chain``: the enclosing functions, innermost first, each with the statement of its
    own body that holds the site (``stmt`` for the innermost; the nested ``def`` for
    the others). Class bodies in between are skipped, as Python skips them.
    """
    for depth, (fn, site) in enumerate(chain):
        if declared(fn, ast.Global, name):
            break
        if declared(fn, ast.Nonlocal, name):
            continue
        is_param = name in params(fn)
        bindings = local_bindings(fn, name)
        if not is_param and not bindings:
            continue  # free here: look outwards
        if bound_before(fn.body, site, name, initially=is_param):
            return Binding(True, in_function=True)
        where = ", ".join(f"line {getattr(b, 'lineno', '?')}" for b in bindings[:3])
        if depth == 0:
            reason = (
                f"`{name}` is assigned in `{fn.name}` ({where}), so it is local to the whole "
                "function, and it is not bound on every path to this site"
            )
        else:
            reason = f"`{name}` comes from `{fn.name}` ({where}) and may be unbound here"
        return Binding(False, in_function=True, reason=reason)
    if not chain:
        if bound_before(module.body, stmt, name, initially=False):
            return Binding(True)
        return Binding(False, reason=f"`{name}` is not bound on every path to this site")
    if bound_after(module.body, name):
        return Binding(True)
    return Binding(False, reason=f"`{name}` is not defined in this module")
