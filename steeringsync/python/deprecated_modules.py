"""Find imports of a deprecated module (``azure.ai.openai``), however the import is spelled."""

from __future__ import annotations

import ast
from collections.abc import Iterable


def _within(name: str, module: str) -> bool:
    return name == module or name.startswith(module + ".")


def find_imports(nodes: Iterable[ast.AST], module: str) -> list[ast.stmt]:
    """``import m``, ``import m.sub as x``, ``from m import X``, ``from m.sub import X`` and
    ``from parent import leaf``: every import statement that loads ``module``."""
    found: list[ast.stmt] = []
    for node in nodes:
        if isinstance(node, ast.Import):
            if any(_within(alias.name, module) for alias in node.names):
                found.append(node)
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and (
                _within(node.module, module)
                or any(_within(f"{node.module}.{alias.name}", module) for alias in node.names)
            )
        ):
            found.append(node)
    return sorted(found, key=lambda n: (n.lineno, n.col_offset))
