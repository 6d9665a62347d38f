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


# Lessons from the development corpus (benchmarks/precision/).


def test_fragments_seen_in_real_docs_are_not_reported(write_tree: Tree) -> None:
    blocks = [
        "with patch.dict(os.environ, {'A': 'b'}):\n    # Test code here\n# restored\n",
        "class Cache:\n    def get(self, key):\n        # read the file\n\n"
        "    def clear(self):\n        # delete files\n",
        '# ✅\n"created_at": "2025-01-01T00:00:00Z"  # JSON\n"updated_at": "x"\n',
        "# WRONG:\n.where(t.c.status == TaskStatus.PENDING)\n",
        "eval(user_input)  # forbidden\nsubprocess with shell=True and user input  # no\n",
        "fastapi>=0.110\nuvicorn[standard]==0.29\npydantic\n",
    ]
    doc = "".join(f"```python\n{b}```\n\n" for b in blocks)
    assert run_doc_rule(UnparsablePythonBlock, write_tree, {".kiro/steering/a.md": doc}) == []


def test_an_unclosed_fence_of_any_language(write_tree: Tree) -> None:
    # the inner fence ends the outer block early; the outer closing fence opens a new one
    doc = "# T\n\n```markdown\nExample:\n```bash\nls\n```\n```\n\nMore prose.\n"
    found = run_doc_rule(UnparsablePythonBlock, write_tree, {".kiro/steering/a.md": doc})
    assert found == [("a.md", 8, "``` fence is never closed: the rest of the doc is a code block")]


def test_newer_syntax_than_the_running_python_is_not_an_error(write_tree: Tree) -> None:
    doc = "```python\nclass Box[T]:\n    item: T\n```\n"
    files = {
        ".kiro/steering/a.md": doc,
        "pyproject.toml": '[project]\nrequires-python = ">=3.99"\n',
    }
    assert run_doc_rule(UnparsablePythonBlock, write_tree, files) == []
