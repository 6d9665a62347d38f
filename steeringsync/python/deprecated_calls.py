"""Find uses of a deprecated ``receiver.method`` in a stdlib ``ast`` tree, aliases included.

Detection uses the stdlib parser (about ten times cheaper than LibCST); the fixer re-reads
only the files that have findings, with LibCST, at the locations found here.
"""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass


class Shape(str, enum.Enum):
    WITH = "with"  # the context expression of a with/async with item
    CALL = "call"  # called outside any with item
    REFERENCE = "reference"  # the bound method passed along without a call


@dataclass(frozen=True)
class DeprecatedUse:
    node: ast.expr  # the Call for WITH/CALL, the Attribute for REFERENCE
    shape: Shape
    receiver: str  # the receiver as written, e.g. "self.unified_session_manager"


@dataclass(frozen=True)
class DeprecatedCall:
    """``receiver.method``, where receiver is the last component of a dotted manager path."""

    receiver: str
    method: str

    @classmethod
    def parse(cls, dotted: str) -> DeprecatedCall:
        manager, _, method = dotted.rpartition(".")
        return cls(manager.rpartition(".")[2], method)

    @property
    def trigger(self) -> bytes:
        """Bytes every matching file must contain: the method name."""
        return self.method.encode()

    def find(self, tree: ast.Module, nodes: list[ast.AST] | None = None) -> list[DeprecatedUse]:
        """Every use, in source order; ``nodes`` is ``list(ast.walk(tree))`` when the
        caller already has it (rules share one walk per file)."""
        nodes = list(ast.walk(tree)) if nodes is None else nodes
        aliases = self.aliases(nodes)
        calls: dict[int, ast.Call] = {}
        with_exprs: set[int] = set()
        candidates: list[ast.Attribute] = []
        for node in nodes:
            if isinstance(node, ast.Call):
                calls[id(node.func)] = node
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                with_exprs.update(id(item.context_expr) for item in node.items)
            elif (
                isinstance(node, ast.Attribute)
                and node.attr == self.method
                and isinstance(node.ctx, ast.Load)
                and self._is_receiver(node.value, aliases)
            ):
                candidates.append(node)
        uses = []
        for attr in candidates:
            receiver = ast.unparse(attr.value)
            call = calls.get(id(attr))
            if call is None:
                uses.append(DeprecatedUse(attr, Shape.REFERENCE, receiver))
            else:
                shape = Shape.WITH if id(call) in with_exprs else Shape.CALL
                uses.append(DeprecatedUse(call, shape, receiver))
        uses.sort(key=lambda u: (u.node.lineno, u.node.col_offset))
        return uses

    def fetches(self, node: ast.expr) -> bool:
        """Whether ``node`` obtains the receiver from something else: ``x.receiver``,
        ``getattr(x, "receiver"[, d])``, ``x["receiver"]``, ``x.get("receiver")``."""
        return not isinstance(node, ast.Name) and self._is_receiver(node, set())

    def _is_receiver(self, node: ast.expr, aliases: set[str]) -> bool:
        if isinstance(node, ast.Name):
            return node.id in aliases
        if isinstance(node, ast.Attribute):
            return node.attr == self.receiver
        if isinstance(node, ast.Subscript):  # app.extensions["unified_session_manager"]
            return isinstance(node.slice, ast.Constant) and node.slice.value == self.receiver
        return self._is_getattr(node) or self._is_mapping_get(node)

    def _is_mapping_get(self, node: ast.expr) -> bool:
        """``mapping.get("receiver"[, default])``, e.g. ``app.extensions.get(...)``."""
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and 1 <= len(node.args) <= 2
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == self.receiver
        )

    def _is_getattr(self, node: ast.expr) -> bool:
        """``getattr(obj, "receiver"[, default])``."""
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and 2 <= len(node.args) <= 3
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == self.receiver
        )

    def aliases(self, nodes: list[ast.AST]) -> set[str]:
        """Names bound to the receiver anywhere in the module (imports and assignments)."""
        aliases = {self.receiver}
        assignments: list[tuple[list[ast.expr], ast.expr]] = []
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    last = alias.name.rpartition(".")[2]
                    if last == self.receiver and alias.asname:
                        aliases.add(alias.asname)
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name == self.receiver:
                        aliases.add(alias.asname or alias.name)
            elif isinstance(node, ast.Assign):
                assignments.append((node.targets, node.value))
            elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
                assignments.append(([node.target], node.value))
        # aliases of aliases: iterate to a fixed point (bounded by the number of assignments)
        changed = True
        while changed:
            changed = False
            for targets, value in assignments:
                if not self._is_receiver(value, aliases):
                    continue
                for target in targets:
                    if isinstance(target, ast.Name) and target.id not in aliases:
                        aliases.add(target.id)
                        changed = True
        return aliases
