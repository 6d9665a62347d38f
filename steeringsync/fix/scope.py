"""Decide per deprecated ``with`` site whether and how it can be rewritten exactly (stdlib ast).

The rule calls this during ``check`` (so a finding is SAFE only when the fixer will really
rewrite it) and the fixer calls it again to get the same plan; both key plans by the
finding's position. Nothing here imports LibCST, so ``check`` stays cheap.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from steeringsync.config import SessionMigration
from steeringsync.fix import acquire
from steeringsync.fix.acquire import Acquisition, AliasUse, Position
from steeringsync.fix.definite import (
    COMPREHENSIONS,
    Binding,
    FunctionNode,
    bound_before,
    local_bindings,
    params,
    resolve,
)
from steeringsync.fix.idiom import Factory, FactoryVerdict, LearnedBinding
from steeringsync.python.deprecated_calls import DeprecatedCall, DeprecatedUse, Shape
from steeringsync.python.source import PythonSource

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
SCOPES = (*FUNCTIONS, ast.ClassDef)
LOOPS = (ast.For, ast.AsyncFor, ast.While)
NAME_CANDIDATES = ("session", "db_session")
NO_ACQUISITION = Acquisition()
UNKNOWN_FACTORY = FactoryVerdict()


@dataclass(frozen=True)
class ImportSpec:
    """One imported name, in the terms of LibCST's Add/RemoveImportsVisitor."""

    module: str
    obj: str | None
    asname: str | None
    relative: int = 0


@dataclass(frozen=True)
class SitePlan:
    """How one site is rewritten; ``reason`` set means it is left for manual migration."""

    reason: str | None = None
    receiver: str = ""  # the replacement expression: "db_manager" or "self.db_manager"
    name: str | None = None  # the session variable (the `as` target or a generated one)
    flag: str | None = None  # failure flag, only when the block can be left early
    add_import: ImportSpec | None = None
    remove_import: ImportSpec | None = None  # the deprecated manager's import, if unused
    # the block's only exit is its final `return`: the value's variable ("" for none)
    result: str | None = None
    acquisition: Acquisition = NO_ACQUISITION  # edits outside the `with`
    group: frozenset[Position] = frozenset()  # sites rewritten together or not at all

    @property
    def fixable(self) -> bool:
        return self.reason is None


def bound_names(nodes: Iterable[ast.AST]) -> set[str]:
    """Names bound in the scope the nodes belong to, without entering nested scopes."""
    names: set[str] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    names.add(alias.asname or alias.name.partition(".")[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            stack.extend(node.decorator_list)  # decorators run in this scope
            continue
        if isinstance(node, (ast.Lambda, *COMPREHENSIONS)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return names


def import_spec(line: str) -> dict[str, ImportSpec]:
    """The names an import statement binds, e.g. ``{"db_manager": ImportSpec(...)}``."""
    specs: dict[str, ImportSpec] = {}
    for node in ast.parse(line).body:
        specs.update(_bindings(node))
    return specs


def _bindings(node: ast.stmt) -> dict[str, ImportSpec]:
    specs: dict[str, ImportSpec] = {}
    if isinstance(node, ast.ImportFrom):
        for alias in node.names:
            if alias.name != "*":
                spec = ImportSpec(node.module or "", alias.name, alias.asname, node.level)
                specs[alias.asname or alias.name] = spec
    elif isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                specs[alias.asname] = ImportSpec(alias.name, None, alias.asname)
            else:
                first = alias.name.partition(".")[0]
                specs[first] = ImportSpec(alias.name, None, None)
    return specs


def parents(nodes: list[ast.AST]) -> dict[int, ast.AST]:
    """id of each node -> its parent, for the nodes of one tree (``ast.walk`` order)."""
    found: dict[int, ast.AST] = {}
    for node in nodes:
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for child in value:
                    if isinstance(child, ast.AST):
                        found[id(child)] = node
            elif isinstance(value, ast.AST):
                found[id(value)] = node
    return found


class SitePlanner:
    """Plans every ``with`` site of one module; generated names never collide."""

    def __init__(
        self,
        source: PythonSource,
        migration: SessionMigration,
        style: str,
        binding: LearnedBinding | None = None,
        factory: FactoryVerdict = UNKNOWN_FACTORY,
    ) -> None:
        self.source = source
        self.migration = migration
        self.style = style
        configured = migration.replacement_binding
        self.binding = LearnedBinding(configured) if configured is not None else binding
        self.factory = factory
        # names used per scope (id of the function, 0 for the module) plus those we generate
        self.taken: dict[int, set[str]] = {}
        self.parents: dict[int, ast.AST] = parents(source.nodes)
        self.module_names = bound_names(source.tree.body)
        self.module_imports: dict[str, ImportSpec] = {}
        for stmt in source.tree.body:
            self.module_imports.update(_bindings(stmt))
        # per function: the sites preceded by a new binding of the replacement
        self.preludes: dict[int, list[ast.stmt]] = {}

    def plan(self, uses: Sequence[DeprecatedUse]) -> dict[Position, SitePlan]:
        """Plans keyed by the finding position (line, 1-based column) of each with-site."""
        sites = [u for u in uses if u.shape is Shape.WITH]
        shapes = {self._key(u.node): self._shape(u) for u in sites}
        receivers = {id(self._value(u)): u for u in sites}
        aliases: dict[tuple[int, str], AliasUse | None] = {}
        plans: dict[Position, SitePlan] = {}
        for use in sites:
            key = self._key(use.node)
            shape, stmt = shapes[key]
            if shape.reason is None:
                alias = self._alias(use, stmt, receivers, aliases)
                grouped = self._alias_plan(alias, shapes) if alias is not None else None
                shape = grouped.get(key, shape) if grouped else self._standalone(use, stmt, shape)
            plans[key] = shape
        return plans

    def _key(self, node: ast.AST) -> Position:
        assert isinstance(node, ast.expr)
        loc = self.source.location(node)
        return (loc.line, loc.column)

    @staticmethod
    def _call(use: DeprecatedUse) -> ast.Call:
        call = use.node
        assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
        return call

    @staticmethod
    def _value(use: DeprecatedUse) -> ast.expr:
        """The receiver of the deprecated call, e.g. ``usm`` in ``usm.get_db_session()``."""
        call = use.node
        assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
        return call.func.value

    def _ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        while id(node) in self.parents:
            node = self.parents[id(node)]
            yield node

    def _shape(self, use: DeprecatedUse) -> tuple[SitePlan, ast.stmt]:
        """The site's names and exits, or why it cannot be rewritten whatever the receiver."""
        call = self._call(use)
        stmt = next(a for a in self._ancestors(call) if isinstance(a, (ast.With, ast.AsyncWith)))
        item = next(i for i in stmt.items if i.context_expr is call)
        if isinstance(stmt, ast.AsyncWith):
            why = "used in `async with`; the synchronous replacement cannot be awaited"
            return SitePlan(why), stmt
        if call.args or call.keywords:
            return SitePlan("called with arguments that the replacement does not take"), stmt
        factory_reason = self._factory_reason()
        if factory_reason:
            return SitePlan(factory_reason), stmt
        if self.style == "with":
            return SitePlan(), stmt
        name: str | None
        if item.optional_vars is None:
            if isinstance(self.parents.get(id(stmt)), ast.ClassDef):
                return SitePlan("a `with` without `as` in a class body"), stmt
            name = self._fresh(NAME_CANDIDATES, stmt)
        elif isinstance(item.optional_vars, ast.Name):
            name = item.optional_vars.id
            others = [i for i in stmt.items if i is not item]
            if rebinds(name, stmt.body) or name in bound_names(others):
                reason = f"the block rebinds `{name}`; commit/close would see another object"
                return SitePlan(reason), stmt
        else:
            return SitePlan("the `as` target is not a simple name"), stmt
        flag = result = None
        last = stmt.body[-1]
        if not self.migration.commit_on_exit or not leaves_early(stmt.body):
            pass
        elif (
            isinstance(last, ast.Return)
            and item is stmt.items[-1]
            and not leaves_early(stmt.body[:-1])
        ):
            # the only way out is a final return: its value is kept, then committed
            result = "" if last.value is None else self._fresh(("result",), stmt)
        else:
            flag = self._fresh((f"{name}_failed",), stmt)
        return SitePlan(None, "", name, flag, None, None, result), stmt

    def _factory_reason(self) -> str | None:
        kind, where = self.factory.kind, self.factory.where
        if kind is Factory.OTHER_CM:
            return (
                f"`get_session()` ({where}) is a context manager that does not commit; "
                "neither form keeps the commit"
            )
        if kind is Factory.COMMITTING_CM and self.style != "with":
            return (
                f"`get_session()` ({where}) is a context manager, not a session; "
                'use `replacement-style = "with"`'
            )
        return None

    def _standalone(self, use: DeprecatedUse, stmt: ast.stmt, shape: SitePlan) -> SitePlan:
        """The site rewritten on its own: the replacement bound, imported or acquired."""
        value = self._value(use)
        receiver, add, reason = self._receiver(value, stmt)
        acquisition = NO_ACQUISITION
        if reason:
            prelude, why = self._prelude(stmt)
            if prelude is None:
                return SitePlan(reason + (f"; {why}" if why else ""))
            receiver, add, acquisition = self.migration.replacement, None, prelude
        remove = None
        if isinstance(value, ast.Name):
            remove = self._import_of(value.id, stmt)
        return replace(
            shape,
            receiver=receiver,
            add_import=add,
            remove_import=remove,
            acquisition=acquisition,
        )

    def _import_of(self, name: str, stmt: ast.stmt) -> ImportSpec | None:
        """The import binding ``name`` where ``stmt`` is: its function's, else the module's."""
        chain, _ = self._chain(stmt)
        if chain:
            for node in local_bindings(chain[0][0], name):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    return _bindings(node).get(name)
            if local_bindings(chain[0][0], name):
                return None
        return self.module_imports.get(name)

    def _prelude(self, stmt: ast.stmt) -> tuple[Acquisition | None, str | None]:
        """``db_manager = <binding>`` right before ``stmt``, when that is exact."""
        binding, first = self.binding, self.migration.replacement.partition(".")[0]
        chain, _ = self._chain(stmt)
        if binding is None or "." in self.migration.replacement:
            return None, None
        if not chain or isinstance(self.parents.get(id(stmt)), ast.ClassDef):
            return None, None
        fn = chain[0][0]
        why = acquire.new_local_allowed(fn, first, binding)
        if why is None:
            missing = acquire.unbound_roots(binding, stmt, self.is_bound)
            why = f"`{missing[0]}` (read by the binding) is not bound here" if missing else None
        if why is not None:
            return None, f"the learned binding `{binding.expression}` cannot go here: {why}"
        # an earlier prelude in this function that every path passes already binds it
        earlier = self.preludes.setdefault(id(fn), [])
        if earlier and bound_before(fn.body, stmt, first, initially=False, binders=earlier):
            note = acquire.binding_note(first, binding)
            return Acquisition(note=note), None
        earlier.append(stmt)
        prelude = f"{first} = {binding.expression}\n"
        return Acquisition(prelude=prelude, note=acquire.binding_note(first, binding)), None

    def is_bound(self, name: str, stmt: ast.stmt) -> bool:
        return self.resolve(name, stmt).bound

    def _alias(
        self,
        use: DeprecatedUse,
        stmt: ast.stmt,
        receivers: dict[int, DeprecatedUse],
        cache: dict[tuple[int, str], AliasUse | None],
    ) -> AliasUse | None:
        value = self._value(use)
        chain, _ = self._chain(stmt)
        if not chain or not isinstance(value, ast.Name):
            return None
        fn = chain[0][0]
        key = (id(fn), value.id)
        if key not in cache:
            detector = DeprecatedCall.parse(self.migration.deprecated)
            found = acquire.alias_use(fn, value.id, detector, set(receivers), self.parents)
            ok = found is not None and found.acquisition is not None and not found.other
            cache[key] = found if ok else None
        return cache[key]

    def _alias_plan(
        self, alias: AliasUse, shapes: dict[Position, tuple[SitePlan, ast.stmt]]
    ) -> dict[Position, SitePlan] | None:
        """Plans for every site of ``alias``, rewriting its acquisition and guards; None
        when that is not possible (each site is then planned on its own)."""
        # each receiver's parent is `receiver.method`, whose parent is the call
        members = [self._key(self.parents[id(self.parents[id(r)])]) for r in alias.receivers]
        if any(shapes[m][0].reason for m in members):
            return None
        first = self.migration.replacement.partition(".")[0]
        acq = alias.acquisition
        assert acq is not None
        guards = acquire.positions(alias.guards, self._name_key)
        if "." in self.migration.replacement or alias.name == first:
            return None
        receiver, add, reason = self._receiver(acq.value, acq)
        if reason is None and receiver == first and not local_bindings(alias.fn, first):
            if self._alone_in_block(acq):
                return None  # removing it would leave an empty block
            # bound (or imported) there already: the fetch goes, guards test the replacement
            acquisition = Acquisition(renames=guards, drops=frozenset({self._stmt_key(acq)}))
        elif self.binding is not None and not acquire.unbound_roots(
            self.binding, acq, self.is_bound
        ):
            if acquire.new_local_allowed(alias.fn, first, self.binding) is not None:
                return None
            value = self._key(acq.value)
            acquisition = Acquisition(
                renames=guards | {self._name_key(acq.targets[0])},
                rebind=(value, self.binding.expression),
                note=acquire.binding_note(first, self.binding),
            )
        else:
            return None
        group = frozenset(members)
        return {
            m: replace(
                shapes[m][0],
                receiver=self.migration.replacement,
                acquisition=acquisition,
                group=group,
                add_import=add if acquisition.drops else None,
            )
            for m in members
        }

    def _alone_in_block(self, stmt: ast.stmt) -> bool:
        parent = self.parents.get(id(stmt))
        for name in ("body", "orelse", "finalbody"):
            block = getattr(parent, name, None)
            if isinstance(block, list) and any(s is stmt for s in block):
                return len(block) == 1
        return False

    def _name_key(self, node: ast.AST) -> Position:
        assert isinstance(node, ast.expr)
        return self._key(node)

    def _stmt_key(self, node: ast.stmt) -> Position:
        loc = self.source.location(node)
        return (loc.line, loc.column)

    def _chain(self, stmt: ast.stmt) -> tuple[list[tuple[FunctionNode, ast.stmt]], ast.stmt]:
        """The functions around ``stmt`` (innermost first, each with the statement of its
        body holding the site), and the module-level statement holding it."""
        chain: list[tuple[FunctionNode, ast.stmt]] = []
        site = stmt
        for node in self._ancestors(stmt):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                chain.append((node, site))
                site = node
            elif isinstance(node, ast.ClassDef):
                site = node  # its body runs where the class statement is
        return chain, site

    def resolve(self, name: str, stmt: ast.stmt) -> Binding:
        """How ``name`` resolves when ``stmt`` runs (see ``definite.resolve``)."""
        # outside functions ``site`` is the module-level statement holding ``stmt`` (the
        # class, for a `with` in a class body: module flow does not enter class bodies)
        chain, site = self._chain(stmt)
        return resolve(name, site, chain, self.source.tree)

    def _receiver(
        self, value: ast.expr, stmt: ast.stmt
    ) -> tuple[str, ImportSpec | None, str | None]:
        replacement = self.migration.replacement
        scopes = [a for a in self._ancestors(stmt) if isinstance(a, SCOPES)]
        if (
            isinstance(value, ast.Attribute)
            and isinstance(value.value, ast.Name)
            and "." not in replacement
            and len(scopes) > 1
            and isinstance(scopes[0], (ast.FunctionDef, ast.AsyncFunctionDef))
            and isinstance(scopes[1], ast.ClassDef)
            and params(scopes[0])[:1] == [value.value.id]
            and self._class_has(scopes[1], replacement)
            and self.resolve(value.value.id, stmt).bound
        ):
            return f"{value.value.id}.{replacement}", None, None
        first = replacement.partition(".")[0]
        binding = self.resolve(first, stmt)
        if binding.bound:
            return replacement, None, None
        if binding.in_function:  # a module-level import cannot help a local name
            return "", None, binding.reason
        if first in self.module_names:
            # bound at module level on some paths only: an import beside it would shadow it
            return "", None, f"`{first}` is bound in this module on some paths only"
        line = self.migration.replacement_import
        if line is None:
            return (
                "",
                None,
                (
                    f"`{first}` is not defined in this module and no `replacement-import` is "
                    "configured; import it or set `replacement-import`"
                ),
            )
        spec = import_spec(line).get(first)
        if spec is None:
            return "", None, f"`replacement-import` ({line!r}) does not bind `{first}`"
        return replacement, spec, None

    @staticmethod
    def _class_has(cls: ast.ClassDef, attr: str) -> bool:
        if attr in bound_names(cls.body):
            return True
        return any(
            isinstance(n, ast.Attribute)
            and n.attr == attr
            and isinstance(n.ctx, ast.Store)
            and isinstance(n.value, ast.Name)
            for n in ast.walk(cls)
        )

    def _fresh(self, candidates: Sequence[str], stmt: ast.AST) -> str:
        """A name unused in the function around ``stmt`` (the module, at module level).

        A new local only shadows what its own function mentions; a new global could
        shadow a name anywhere in the module.
        """
        scope = next((a for a in self._ancestors(stmt) if isinstance(a, FUNCTIONS)), None)
        key = id(scope) if scope is not None else 0
        if key not in self.taken:
            self.taken[key] = identifiers(scope if scope is not None else self.source.tree)
        taken = self.taken[key]
        base = candidates[0]
        # lazily: the first candidate is nearly always free
        names = itertools.chain(candidates, (f"{base}_{i}" for i in range(2, 1000)))
        name = next(n for n in names if n not in taken)
        taken.add(name)
        return name


def identifiers(root: ast.AST) -> set[str]:
    """Every name mentioned under ``root``: loads, stores, parameters, imports, defs."""
    names: set[str] = set()
    for node in ast.walk(root):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(a.asname or a.name.partition(".")[0] for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
    return names


def rebinds(name: str, body: Sequence[ast.stmt]) -> bool:
    """Whether ``body`` may rebind ``name``: conservative (walrus, ``nonlocal``, del too)."""
    for node in ast.walk(ast.Module(body=list(body), type_ignores=[])):
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            return True
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and name in bound_names([node]):
            return True
        defines = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler)
        if isinstance(node, defines) and node.name == name:
            return True
    return False


def leaves_early(body: Sequence[ast.stmt]) -> bool:
    """Whether a ``return``, ``break`` or ``continue`` in ``body`` leaves the block."""
    stack: list[tuple[ast.AST, bool]] = [(stmt, False) for stmt in body]
    while stack:
        node, in_loop = stack.pop()
        if isinstance(node, ast.Return):
            return True
        if isinstance(node, (ast.Break, ast.Continue)) and not in_loop:
            return True
        if isinstance(node, (*SCOPES, *COMPREHENSIONS)):
            continue
        if isinstance(node, LOOPS):
            # break/continue in the loop's body belong to it; in its else, to ours
            stack.extend((child, True) for child in node.body)
            stack.extend((child, in_loop) for child in node.orelse)
            continue
        stack.extend((child, in_loop) for child in ast.iter_child_nodes(node))
    return False
