"""Key variables resolve the same from the lines that spell them as from the whole tree."""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steeringsync.drift.constants import Constants

NAMES = ("n", "k", "v", "NAMES", "MAP", "other")
STATEMENTS = st.sampled_from(
    [
        "NAMES = ('A', 'B')",
        "NAMES = ['C']",
        "NAMES = compute()",
        "MAP = {'K1': 'V1', 'K2': 'V2'}",
        "MAP = {'K3': 'V3'}",
        "other = ('Z',)",
        "for n in NAMES:\n    use(n)",
        "for n in other:\n    pass",
        "for k in MAP:\n    pass",
        "for k, v in MAP.items():\n    pass",
        "for v in MAP.values():\n    pass",
        "x = [os.getenv(n) for n in NAMES]",
        "def f():\n    for n in ('D', 'E'):\n        yield n",
        "if flag:\n    NAMES = ('F',)",
    ]
)


def resolved(text: str) -> list[tuple[str, list[str], list[str]]]:
    tree = ast.parse(text)
    whole = Constants(tree)
    found = []
    for name in NAMES:
        for node in (ast.Name(name), ast.Subscript(ast.Name(name), ast.Name("x"))):
            found.append((name, whole.keys(node), Constants.for_name(tree, text, name).keys(node)))
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(STATEMENTS, max_size=8))
def test_generated_modules_resolve_the_same(statements: list[str]) -> None:
    for name, whole, near in resolved("\n".join(statements) + "\n"):
        assert near == whole, name


@pytest.mark.parametrize("module", ["os.py", "subprocess.py", "sysconfig.py", "site.py"])
def test_real_modules_resolve_the_same(module: str) -> None:
    text = (Path(sysconfig.get_paths()["stdlib"]) / module).read_text(encoding="utf-8")
    tree = ast.parse(text)
    whole = Constants(tree)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    for name in sorted(names)[:200]:
        node = ast.Name(name)
        assert Constants.for_name(tree, text, name).keys(node) == whole.keys(node), name
