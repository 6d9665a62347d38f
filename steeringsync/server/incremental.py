"""Keep a rule's findings across an edit that cannot change them, instead of re-running it.

SS001 is the one rule whose whole-module work (aliases, scopes, bindings, a walk of every
node) costs tens of milliseconds on a large file, per keystroke. Its findings sit at the
uses of the deprecated method, so an edit elsewhere changes them only through what the
analysis reads outside a use's own top-level statement. That is, exactly:

- the aliases of the manager: imports and assignments anywhere in the module;
- what the module binds at its top level (and how: ``resolve`` follows module-level
  control flow), and the names a ``def``'s header evaluates there;
- for a use outside every function, the names mentioned anywhere in the module (a
  generated session name must not shadow one).

So the findings are kept when every top-level statement the edit re-parsed
(``reparse.Edit``) is a ``def`` or ``class`` before and after with the same header, neither version
holds the method's name (in its text or its identifiers as Python reads them), a
``global``/``nonlocal``, an import, or an assignment that could make an alias; and, with a
use outside a function, the statements mention the same names. Messages can quote line
numbers ("assigned in `f` (line 40)"), so a change in line count keeps only findings above
the edit. ``tests/server/test_incremental.py`` holds the kept findings to a fresh run on
random edits.
"""

from __future__ import annotations

import ast
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from steeringsync.fix.scope import identifiers
from steeringsync.python.deprecated_calls import DeprecatedCall
from steeringsync.python.source import walk
from steeringsync.rules.base import PythonRule
from steeringsync.rules.ss001_deprecated_db_session import DeprecatedDbSession
from steeringsync.server.reparse import Edit
from steeringsync.types import Finding

FUNCTION_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
# top-level statements whose bodies bind nothing at module level (a `global` aside)
DEFS = (*FUNCTION_DEFS, ast.ClassDef)


def reusable(rule: PythonRule) -> bool:
    """Whether :func:`kept` knows what ``rule``'s findings depend on."""
    return isinstance(rule, DeprecatedDbSession)


def aliases(rule: PythonRule, tree: ast.Module) -> frozenset[str]:
    """The names bound to the deprecated manager in ``tree`` (what :func:`kept` needs of
    the run it keeps findings from); empty for a rule that has none."""
    if not isinstance(rule, DeprecatedDbSession):
        return frozenset()
    return frozenset(rule.detector.aliases(walk(tree)))


def kept(
    rule: PythonRule,
    edit: Edit,
    tree: ast.Module,
    findings: Sequence[Finding],
    known_aliases: Callable[[], frozenset[str]],
) -> list[Finding] | None:
    """``findings`` (the rule's on the text before ``edit``) when they are exactly the
    rule's findings on the text after it (``tree``); None when the rule must run again.

    ``known_aliases`` gives the manager's aliases in ``tree`` (asked only when an edited
    statement assigns a plain name). The aliases before and after are then the same set:
    an assignment ``x = y`` with ``y`` not an alias adds none, so if the edited
    statements' other alias facts are equal, either alias set is a fixed point of the
    other text's assignments, and both are the least one."""
    if not isinstance(rule, DeprecatedDbSession):
        return None
    detector = rule.detector
    if _mentions_trigger(edit.old_text, rule) or _mentions_trigger(edit.new_text, rule):
        return None
    if len(edit.old) != len(edit.new):
        return None
    for old, new in zip(edit.old, edit.new, strict=True):
        same_def = isinstance(old, DEFS) and type(old) is type(new)
        if not same_def or _header(old) != _header(new):
            return None
    old_facts = _alias_facts(edit.old, detector, known_aliases)
    if old_facts is None or old_facts != _alias_facts(edit.new, detector, known_aliases):
        return None
    if _use_outside_functions(tree, findings, edit) and _names(edit.old) != _names(edit.new):
        return None
    if edit.delta and any(f.location.line > edit.last for f in findings):
        return None  # below the edit: their lines, and line numbers in messages, moved
    return list(findings)


def _mentions_trigger(text: str, rule: PythonRule) -> bool:
    data = text.encode("utf-8", "surrogatepass")
    if any(trigger in data for trigger in rule.triggers):
        return True
    # identifiers are NFKC-normalised: a fullwidth spelling is the same name
    normal = unicodedata.normalize("NFKC", text).encode("utf-8", "surrogatepass")
    return any(trigger in normal for trigger in rule.triggers)


def _header(node: ast.stmt) -> tuple[str, str, str, str]:
    """What a top-level ``def`` or ``class`` evaluates or binds in the module: its name,
    decorators, parameters (defaults and annotations) and return annotation, or bases
    and keywords."""
    assert isinstance(node, DEFS)
    decorators = "|".join(ast.dump(d) for d in node.decorator_list)
    type_params = "|".join(ast.dump(p) for p in getattr(node, "type_params", ()))
    if isinstance(node, ast.ClassDef):
        bases = "|".join(ast.dump(b) for b in [*node.bases, *node.keywords])
        return node.name, decorators, bases + type_params, ""
    returns = ast.dump(node.returns) if node.returns is not None else ""
    return node.name, decorators, ast.dump(node.args) + type_params, returns


def _alias_facts(
    stmts: Iterable[ast.stmt], detector: DeprecatedCall, known: Callable[[], frozenset[str]]
) -> list[str] | None:
    """What the statements contribute to the module's aliases (the imports, and the
    assignments of a known alias or of a fetch of the manager); None when one could
    rebind a module name (``global``, ``nonlocal``)."""
    found: list[str] = []
    for stmt in stmts:
        for node in walk(stmt):
            if isinstance(node, (ast.Global, ast.Nonlocal)):
                return None
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.append(ast.dump(node))
                continue
            value: ast.expr | None = None
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)):
                value = node.value
            if value is None:
                continue
            # a name not among the aliases makes none: the alias set stays a fixed point
            if (isinstance(value, ast.Name) and value.id in known()) or detector.fetches(value):
                found.append(ast.dump(node))
    return found


def _use_outside_functions(tree: ast.Module, findings: Sequence[Finding], edit: Edit) -> bool:
    """Whether a finding may be outside every function (``tree`` is after the edit): a
    session name generated there must be new to the whole module."""
    lines = {f.location.line + (edit.delta if f.location.line > edit.last else 0) for f in findings}
    if not lines:
        return False
    for stmt in tree.body:
        if isinstance(stmt, FUNCTION_DEFS):
            continue
        # a class's methods are functions; anything else holding a finding is not
        inside: list[ast.stmt] = []
        if isinstance(stmt, ast.ClassDef):
            inside = [m for m in stmt.body if isinstance(m, FUNCTION_DEFS)]
        outside = [line for line in lines if _first(stmt) <= line <= _last(stmt)]
        if any(not any(_first(m) <= line <= _last(m) for m in inside) for line in outside):
            return True
    return False


def _first(stmt: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(stmt, "decorator_list", [])
    return min([stmt.lineno, *(d.lineno for d in decorators)])


def _last(stmt: ast.stmt) -> int:
    return stmt.end_lineno or stmt.lineno


def _names(stmts: Iterable[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for stmt in stmts:
        names |= identifiers(stmt)
    return names
