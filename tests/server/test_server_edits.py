"""The smallest text edit between two buffers, and noqa comments added by code actions."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from pygls.workspace.position_codec import PositionCodec

from steeringsync.server.edits import doc_noqa, python_noqa, replace_lines
from steeringsync.steering.document import parse_text
from tests.server._lsp import apply_edits

CODEC = PositionCodec()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("a\nb\nc\n", "a\nB\nc\n"),
        ("a\nb\nc\n", "a\nc\n"),
        ("a\nb", "a\nb\nc"),
        ("a\nb\n", "a\n"),
        ("a", "b"),
        ("x = '😋'\ny\n", "x = '😋'\nz\n"),
        ("a\r\nb\r\nc\r\n", "a\r\nX\r\nY\r\nc\r\n"),
    ],
)
def test_replace_lines_turns_old_into_new(old: str, new: str) -> None:
    edit = replace_lines(old, new, CODEC)
    assert edit is not None
    assert apply_edits(old, [edit]) == new


def test_replace_lines_on_random_line_edits() -> None:
    rng = random.Random(7)
    words = ["a", "b", "c", "", "def f():", "    pass"]
    for _ in range(300):
        old = "\n".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
        lines = old.split("\n")
        i = rng.randrange(len(lines))
        lines[i : i + rng.randint(0, 2)] = [rng.choice(words) for _ in range(rng.randint(0, 3))]
        new = "\n".join(lines)
        edit = replace_lines(old, new, CODEC)
        assert (edit is None) == (old == new)
        if edit is not None:
            assert apply_edits(old, [edit]) == new
            assert edit.range.start.line >= 0


def test_python_noqa() -> None:
    assert python_noqa("x = f()", "SS001") == "x = f()  # noqa: SS001"
    assert python_noqa("x = f()  # noqa: SS101", "SS001") == "x = f()  # noqa: SS101, SS001"
    assert python_noqa("x = f()  # noqa", "SS001") == "x = f()  # noqa"
    assert python_noqa("x = f()  # noqa: SS001", "SS001") == "x = f()  # noqa: SS001"


def test_doc_noqa_uses_html_in_prose_and_hash_in_code() -> None:
    text = "---\ninclusion: sometimes\n---\n# T\n\nSee [x](missing.md).\n\n```bash\nA=1\n```\n"
    doc = parse_text(Path("t.md"), text)
    lines = text.split("\n")
    assert doc_noqa(doc, 2, lines[1], "SS301") == "inclusion: sometimes  # noqa: SS301"
    assert doc_noqa(doc, 6, lines[5], "SS302") == "See [x](missing.md). <!-- noqa: SS302 -->"
    assert doc_noqa(doc, 9, lines[8], "SS201") == "A=1  # noqa: SS201"
    merged = doc_noqa(doc, 6, "See [x](m.md). <!-- noqa: SS303 -->", "SS302")
    assert merged == "See [x](m.md). <!-- noqa: SS303, SS302 -->"
