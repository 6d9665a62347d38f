"""The setting names a non-literal key can hold: ``for name in ("A", "B"): os.getenv(name)``."""

from __future__ import annotations

import ast

from steeringsync.python.pruned_walk import lines_with, walk_near

# a tuple built once: `A | B` in the loop made a new union object for every node
_LOOPS = (ast.For, ast.AsyncFor, ast.comprehension)


def _strings(node: ast.expr) -> list[str] | None:
    """The strings of a list/tuple/set literal of string constants, else None."""
    if not isinstance(node, ast.List | ast.Tuple | ast.Set):
        return None
    values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
    if len(values) != len(node.elts) or not all(isinstance(v, str) for v in values):
        return None
    return [str(v) for v in values]


def _iterated(iterable: ast.expr) -> str | None:
    """The collection a loop iterates by name: ``NAMES`` or ``MAPPING.items()``."""
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute):
        iterable = iterable.func.value
    return iterable.id if isinstance(iterable, ast.Name) else None


def _dict(node: ast.expr) -> tuple[list[str], list[str]] | None:
    if not isinstance(node, ast.Dict) or None in node.keys:
        return None
    keys = _strings(ast.Tuple([k for k in node.keys if k is not None]))
    values = _strings(ast.Tuple(node.values))
    return (keys, values) if keys is not None and values is not None else None


class Constants:
    """Names bound to literal collections of strings, and loop variables iterating them.

    Deliberately simple: names are matched without scopes, which is right for the usual
    module-level ``SETTINGS = (...)`` followed by a loop or comprehension.
    """

    @classmethod
    def for_name(cls, tree: ast.Module, text: str, name: str) -> Constants:
        """What the module binds to ``name`` (a key variable or a mapping), from the
        lines that spell it and the collections its loops iterate: the whole tree is
        not walked. Exact: a binding spells its target, a loop its target and iterable.
        """
        near = walk_near(tree, lines_with(text, {name}))
        iterated = (_iterated(loop.iter) for loop in near if isinstance(loop, _LOOPS))
        words = {name, *(n for n in iterated if n is not None)}
        if len(words) > 1:
            near = walk_near(tree, lines_with(text, words))
        return cls(tree, near)

    def __init__(self, tree: ast.Module, nodes: list[ast.AST] | None = None) -> None:
        self.sequences: dict[str, list[str]] = {}
        self.dicts: dict[str, tuple[list[str], list[str]]] = {}
        self.loops: dict[str, list[str]] = {}
        nodes = list(ast.walk(tree)) if nodes is None else nodes
        loops: list[ast.For | ast.AsyncFor | ast.comprehension] = []
        for node in nodes:  # one pass: loops are resolved after every binding is known
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    self._bind(target.id, node.value)
            elif isinstance(node, _LOOPS):
                loops.append(node)
        for loop in loops:
            self._loop(loop.target, loop.iter)

    def _bind(self, name: str, value: ast.expr) -> None:
        strings, mapping = _strings(value), _dict(value)
        if strings is not None:
            self.sequences[name] = strings
        if mapping is not None:
            self.dicts[name] = mapping

    def _loop(self, target: ast.expr, iterable: ast.expr) -> None:
        if isinstance(iterable, ast.Name) and iterable.id in self.dicts:
            self._take(target, self.dicts[iterable.id][0])
            return
        literal = _strings(iterable)
        if literal is None and isinstance(iterable, ast.Name):
            literal = self.sequences.get(iterable.id)
        if literal is not None:
            self._take(target, literal)
            return
        if not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute)):
            return
        owner, method = iterable.func.value, iterable.func.attr
        if not (isinstance(owner, ast.Name) and owner.id in self.dicts):
            return
        keys, values = self.dicts[owner.id]
        if method == "keys":
            self._take(target, keys)
        elif method == "values":
            self._take(target, values)
        elif method == "items" and isinstance(target, ast.Tuple) and len(target.elts) == 2:
            self._take(target.elts[0], keys)
            self._take(target.elts[1], values)

    def _take(self, target: ast.expr, strings: list[str]) -> None:
        if isinstance(target, ast.Name):
            known = self.loops.setdefault(target.id, [])
            known.extend(s for s in strings if s not in known)

    def keys(self, node: ast.expr | None) -> list[str]:
        """Every setting name ``node`` can be: a literal, a loop variable, ``MAPPING[x]``."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.Name):
            return list(self.loops.get(node.id, ()))
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id in self.dicts
        ):
            return list(self.dicts[node.value.id][1])
        return []
