"""SS304: broken python blocks at the doc line of the error; fragments are skipped."""

from __future__ import annotations

import pytest

from steeringsync.rules.ss304_unparsable_python_block import UnparsablePythonBlock, is_fragment
from tests.rules._doc_helpers import Tree, run_doc_rule


def test_error_line_is_the_doc_line(write_tree: Tree) -> None:
    doc = "# T\n\n```python\nx = 1\ny = (\nz = 2\n```\n\n```py\nprint 'hi'\n```\n"
    found = run_doc_rule(UnparsablePythonBlock, write_tree, {".kiro/steering/a.md": doc})
    assert [line for _, line, _ in found] == [5, 10]
    assert all(msg.startswith("python block does not parse: ") for _, _, msg in found)


def test_unclosed_fence_reported_once_at_its_opening(write_tree: Tree) -> None:
    doc = "# T\n\n```python\nx = 1\n\n## Not a heading any more\n"
    found = run_doc_rule(UnparsablePythonBlock, write_tree, {".kiro/steering/a.md": doc})
    assert found == [
        ("a.md", 3, "```python fence is never closed: the rest of the doc is a code block")
    ]


@pytest.mark.parametrize(
    "source",
    [
        "def f(:\n    ...\n",
        "result = compute(…)\n",
        ">>> x = (\n",
        "... continued\n",
        "$ python -m app\n",
        "%timeit f(\n",
        "!pip install x\n",
        "client = Client(<your key>)\n",
        "x = {{ value }}\n",
        "Traceback (most recent call last):\n  File x\n",
    ],
)
def test_fragments(source: str) -> None:
    assert is_fragment(source)


@pytest.mark.parametrize("source", ["print 'x'\n", "def f(:\n    pass\n", "x = a < b > c(\n"])
def test_not_fragments(source: str) -> None:
    assert not is_fragment(source)
