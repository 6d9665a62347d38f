"""Bound on every path: the scope analysis that keeps fixes from creating UnboundLocalError."""

from __future__ import annotations

import ast
import textwrap

import pytest

from steeringsync.fix.definite import Binding, resolve


def binding_at_site(code: str, name: str = "db_manager") -> Binding:
    """Resolve ``name`` at the statement marked ``# site`` (the function chain included)."""
    text = textwrap.dedent(code)
    tree = ast.parse(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "# site" in t)
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    stmt = next(n for n in ast.walk(tree) if isinstance(n, ast.stmt) and n.lineno == line)
    chain: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, ast.stmt]] = []
    site: ast.stmt = stmt
    node: ast.AST = stmt
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            chain.append((node, site))
            site = node
        elif isinstance(node, ast.ClassDef):
            site = node
    return resolve(name, stmt if not chain else site, chain, tree)


BOUND = {
    "module import": """
        from app import db_manager
        def f():
            use(db_manager)  # site
    """,
    "module import below the function": """
        def f():
            use(db_manager)  # site
        from app import db_manager
    """,
    "parameter": """
        def f(db_manager):
            use(db_manager)  # site
    """,
    "assigned before": """
        def f():
            db_manager = get()
            use(db_manager)  # site
    """,
    "both branches": """
        def f(x):
            if x:
                db_manager = get()
            else:
                db_manager = other()
            use(db_manager)  # site
    """,
    "the other branch returns": """
        def f(x):
            if x:
                db_manager = get()
            else:
                return None
            use(db_manager)  # site
    """,
    "try and every handler": """
        def f():
            try:
                db_manager = get()
            except KeyError:
                db_manager = None
            use(db_manager)  # site
    """,
    "handler raises": """
        def f():
            try:
                db_manager = get()
            except KeyError:
                raise
            use(db_manager)  # site
    """,
    "function-level import": """
        def f():
            from app import db_manager
            use(db_manager)  # site
    """,
    "global declaration": """
        from app import db_manager
        def f():
            global db_manager
            use(db_manager)  # site
            db_manager = None
    """,
    "closure over a bound local": """
        def outer():
            db_manager = get()
            def inner():
                use(db_manager)  # site
            return inner
    """,
    "a method sees the module, not the class": """
        from app import db_manager
        class C:
            def m(self):
                use(db_manager)  # site
    """,
}

UNBOUND = {
    "assigned later (UnboundLocalError)": """
        from app import db_manager
        def f():
            use(db_manager)  # site
            db_manager = get()
    """,
    "one branch only": """
        def f(x):
            if x:
                db_manager = get()
            use(db_manager)  # site
    """,
    "loop body only": """
        def f(xs):
            for x in xs:
                db_manager = get()
            use(db_manager)  # site
    """,
    "the try body only": """
        def f():
            try:
                db_manager = get()
            except KeyError:
                pass
            use(db_manager)  # site
    """,
    "deleted": """
        def f():
            db_manager = get()
            del db_manager
            use(db_manager)  # site
    """,
    "earlier in a loop iteration only": """
        def f(xs):
            for x in xs:
                use(db_manager)  # site
                db_manager = get()
    """,
    "class attribute is not visible in methods": """
        class C:
            db_manager = get()
            def m(self):
                use(db_manager)  # site
    """,
    "not in the module": """
        def f():
            use(db_manager)  # site
    """,
    "module binding under an if": """
        if FLAG:
            from app import db_manager
        def f():
            use(db_manager)  # site
    """,
    "walrus in a condition": """
        def f():
            if x and (db_manager := get()):
                pass
            use(db_manager)  # site
    """,
    "closure over a later local": """
        def outer():
            def inner():
                use(db_manager)  # site
            db_manager = get()
            return inner
    """,
}


@pytest.mark.parametrize("code", BOUND.values(), ids=BOUND.keys())
def test_bound_on_every_path(code: str) -> None:
    assert binding_at_site(code).bound


@pytest.mark.parametrize("code", UNBOUND.values(), ids=UNBOUND.keys())
def test_not_bound_on_every_path(code: str) -> None:
    assert not binding_at_site(code).bound


def test_the_reason_names_the_function_and_the_later_assignment() -> None:
    found = binding_at_site(UNBOUND["assigned later (UnboundLocalError)"])
    assert found.in_function
    assert "assigned in `f` (line 5)" in found.reason
    assert "local to the whole function" in found.reason
