"""The pruned walk never loses a node that spells a name, on real code and on the odd cases."""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steeringsync.drift.code_settings import SettingsCollector
from steeringsync.python.pruned_walk import lines_with, statements_near, walk_near
from steeringsync.python.source import PythonSource

WORDS = ("getenv", "environ", "path", "self", "join")


def spelled(node: ast.AST, words: set[str]) -> bool:
    """Whether the node itself carries one of ``words`` as an identifier."""
    for field in ("id", "attr", "name", "asname", "arg", "module"):
        value = getattr(node, field, None)
        if isinstance(value, str) and value in words:
            return True
    return False


def assert_keeps_spelled_nodes(text: str, words: set[str]) -> list[ast.AST]:
    tree = ast.parse(text)
    full = list(ast.walk(tree))
    pruned = walk_near(tree, lines_with(text, words))
    kept = {id(n) for n in pruned}
    lost = [ast.dump(n) for n in full if spelled(n, words) and id(n) not in kept]
    assert lost == []
    # the same nodes in the same (breadth-first) order, only fewer; contexts and operators
    # are shared singletons, so only nodes with a position are compared
    order = {id(n): i for i, n in enumerate(full) if hasattr(n, "lineno")}
    positions = [order[id(n)] for n in pruned if id(n) in order]
    assert positions == sorted(positions)
    return pruned


def stdlib_sample() -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(stdlib.glob("*.py"))
    return files[::7]  # ~30 modules of every size, from ast.py to typing.py


@pytest.mark.parametrize("path", stdlib_sample(), ids=lambda p: p.name)
def test_real_modules_lose_nothing(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for word in WORDS:
        assert_keeps_spelled_nodes(text, {word})


def test_a_file_with_one_read_walks_a_fraction_of_its_tree() -> None:
    body = "".join(
        f"def f{i}(a, b):\n    return [a + b * {i} for _ in range(3)]\n" for i in range(200)
    )
    text = f"import os\n{body}TIMEOUT = os.getenv('TIMEOUT')\n"
    tree = ast.parse(text)
    pruned = walk_near(tree, lines_with(text, {"getenv"}))
    assert len(pruned) < len(list(ast.walk(tree))) / 50
    assert any(isinstance(n, ast.Call) for n in pruned)


@pytest.mark.parametrize(
    "text",
    [
        # the name only in a decorator, above the def's own line
        "@register(os.getenv('A'))\n@other\ndef f():\n    pass\n",
        "@settings(\n    os.getenv('A'),\n)\nclass C:\n    pass\n",
        # the name on a continuation line of a long call
        "x = call(\n    1,\n    os.getenv(\n        'A'),\n)\n",
        # inside a multi-line f-string, whose inner positions were wrong before 3.12
        "x = f'''\n{os.getenv(\n'A')}\n'''\n",
        'x = (f"a{1}"\n     f"{os.getenv(\'A\')}")\n',
        # match statements, handlers, comprehensions, lambdas, nested blocks
        "match v:\n    case {'k': y} if os.getenv('A'):\n        pass\n",
        "try:\n    pass\nexcept E as e:\n    os.getenv('A')\nfinally:\n    pass\n",
        "x = [os.getenv(k) for k in ks if k]\nf = lambda: os.getenv('A')\n",
        "class A:\n  class B:\n    def m(self):\n      if x:\n        os.getenv('A')\n",
        # the name in a string or comment only: kept or not, nothing is lost
        "x = 'getenv'  # getenv\n",
    ],
)
def test_odd_shapes_lose_nothing(text: str) -> None:
    assert_keeps_spelled_nodes(text, {"getenv"})


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_lines_are_counted_as_the_parser_counts_them(newline: str) -> None:
    text = newline.join(["import os", "", "x = 1", "y = os.getenv('A')", "z = 2", ""])
    assert lines_with(text, {"getenv"}) == [4]
    assert_keeps_spelled_nodes(text, {"getenv"})


def test_words_are_whole_identifiers_after_normalisation() -> None:
    text = "a = getenvx\nb = xgetenv\nc = getenv\nd = \uff47\uff45\uff54\uff45\uff4e\uff56\n"
    assert lines_with(text, {"getenv"}) == [3, 4]  # the fullwidth spelling is getenv too
    assert lines_with(text, set()) == []
    # a non-ASCII identifier character continues the word: no match inside `getenvé`
    assert lines_with("getenv\u00e9 = 1\ngetenv = 2\n", {"getenv"}) == [2]


def test_statements_near_reaches_nested_blocks_only_through_matching_lines() -> None:
    text = "if a:\n    import os\nelse:\n    import sys\ndef f():\n    import os.path\n"
    found = statements_near(ast.parse(text), lines_with(text, {"os"}))
    assert [type(s).__name__ for s in found] == ["If", "FunctionDef", "Import", "Import"]


@pytest.mark.parametrize(
    ("code", "keys"),
    [
        # an alias bound after its use, inside a function: imports are found anywhere
        ("def f():\n    return g('LATE')\nfrom os import getenv as g\n", ["LATE"]),
        ("from os import (\n    environ as E,\n)\nE['PAREN']\n", ["PAREN"]),
        # a settings class far from BaseSettings, through a chain of local subclasses
        (
            "from pydantic_settings import BaseSettings\n\n"
            "class Base(BaseSettings):\n    model_config = {'env_prefix': 'APP_'}\n\n"
            + "x = 1\n" * 50
            + "class Mid(Base):\n    port: int = 1\n\n"
            + "class Leaf(Mid):\n    host: str = 'h'\n",
            ["APP_HOST", "APP_PORT"],
        ),
        # a key that is not a literal still resolves through the (full) constants walk
        ("import os\nNAMES = ('A', 'B')\nfor n in NAMES:\n    os.getenv(n)\n", ["A", "B"]),
    ],
)
def test_collector_finds_reads_the_pruning_must_not_hide(code: str, keys: list[str]) -> None:
    source = PythonSource(Path("app.py"), code.encode(), code)
    assert sorted(f["key"] for f in SettingsCollector().collect(source)) == keys


IDENTS = st.sampled_from(["os", "getenv", "environ", "x", "get", "K"])
EXPRS = st.recursive(
    st.one_of(IDENTS, st.just("'K'"), st.integers(0, 9).map(str)),
    lambda inner: st.one_of(
        st.tuples(inner, IDENTS).map(lambda t: f"{t[0]}.{t[1]}"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]}(\n{t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"[{t[0]},\n {t[1]}]"),
        inner.map(lambda e: f"f'{{{e}}}'"),
    ),
    max_leaves=8,
)
STMTS = st.one_of(
    EXPRS.map(lambda e: f"v = {e}"),
    EXPRS.map(lambda e: f"if {e}:\n    pass"),
    EXPRS.map(lambda e: f"@{e}\ndef f():\n    return 1"),
    st.just("import os"),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(STMTS, min_size=1, max_size=8))
def test_generated_code_loses_nothing(statements: list[str]) -> None:
    text = "\n".join(statements) + "\n"
    try:
        ast.parse(text)
    except SyntaxError:
        return
    assert_keeps_spelled_nodes(text, {"getenv", "environ"})
