"""Statement-wise re-parsing equals ``ast.parse`` of the whole text, edit after edit."""

from __future__ import annotations

import ast
import random
import sysconfig
from pathlib import Path

import pytest

from steeringsync.server.reparse import Parsed, full, reparse

STDLIB = Path(sysconfig.get_paths()["stdlib"])
INSERTS = (
    "1", "x", "\n", "\n    ", "    ", "(", ")", ":", "'", '"""', "\\\n", "# c", "\t", "\r\n",
    ";y = 2", "@dec\n", "def f():\n    pass\n", "class C:\n", "async ", "return 1\n",
    "if x:\n", "else:\n    ", "lambda: 0", "é", "😋", "from __future__ import annotations\n",
)  # fmt: skip
SOURCES = ("textwrap.py", "json/decoder.py", "shlex.py")


def dump(tree: ast.Module) -> str:
    return ast.dump(tree, include_attributes=True)


def edit(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    line = rng.randrange(len(lines))
    start = sum(len(s) + 1 for s in lines[:line]) + rng.randint(0, len(lines[line]))
    end = min(len(text), start + rng.choice((0, 0, 0, 1, 2, 5, 40)))
    return text[:start] + rng.choice(INSERTS) + text[end:]


@pytest.mark.parametrize("name", SOURCES)
def test_reparse_equals_a_full_parse_after_random_edits(name: str) -> None:
    rng = random.Random(name)
    text = (STDLIB / name).read_text(encoding="utf-8")
    parsed: Parsed | None = full(text)
    reused = 0
    for _ in range(250):
        text = edit(rng, text)
        before = dump(parsed.tree) if parsed is not None else None
        expected = full(text)
        parsed = reparse(parsed, text)
        if expected is None:
            assert parsed is None
            # an unparsable edit: start again from a parsable text, as the editor would
            text = (STDLIB / name).read_text(encoding="utf-8")
            parsed = full(text)
            continue
        assert parsed is not None and parsed.text == text
        assert dump(parsed.tree) == dump(expected.tree)
        reused += before is not None
    assert reused > 25  # the statement-wise path was really taken, not only full parses


def test_lines_added_and_removed_shift_later_statements() -> None:
    text = "import os\n\n\ndef f():\n    return 1\n\n\nx = os.getenv('A', '1')\n"
    parsed = full(text)
    for new in (
        text.replace("return 1\n", "a = 2\n    return a\n"),
        text.replace("\n\n\ndef", "\ndef"),
        text + "y = 3\n",
        "# header\n" + text,
        text.replace("x = os", "x = 1; z = os"),
    ):
        assert dump(reparse(full(text), new).tree) == dump(ast.parse(new))
    assert reparse(parsed, text.replace("return 1", "return (")) is None
