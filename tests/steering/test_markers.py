"""Which doc code blocks are marked as the deprecated example, and Before/After pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from steeringsync.steering.document import parse_text
from steeringsync.steering.markers import is_marked, pairs

CALL = "```python\n{comment}old.call()\n```\n"


def blocks(text: str):  # type: ignore[no-untyped-def]
    return parse_text(Path("d.md"), text).code_blocks


@pytest.mark.parametrize(
    "text",
    [
        CALL.format(comment="# Before (Deprecated)\n"),
        CALL.format(comment="# ❌ wrong\n"),
        CALL.format(comment="# Don't do this\n"),
        CALL.format(comment="# avoid: legacy pattern\n"),
        "## Deprecated usage\n\n" + CALL.format(comment=""),
        "Avoid this:\n\n" + CALL.format(comment=""),
        "**Never** write:\n\n" + CALL.format(comment=""),
        "### ❌\n\n" + CALL.format(comment=""),
        "### 非推奨\n\n" + CALL.format(comment=""),
        "Устаревший способ:\n\n" + CALL.format(comment=""),
        '```python title="Old way"\nold.call()\n```\n',
    ],
)
def test_marked_alone(text: str) -> None:
    (block,) = blocks(text)
    assert is_marked(block, None)


@pytest.mark.parametrize(
    "text",
    [
        CALL.format(comment=""),
        "Use the client like this:\n\n" + CALL.format(comment=""),
        CALL.format(comment="# Recommended\n"),
        "Before you start, connect:\n\n" + CALL.format(comment=""),  # "Before" without After
    ],
)
def test_not_marked(text: str) -> None:
    (block,) = blocks(text)
    assert not is_marked(block, None)


def test_before_after_pair_marks_the_before_block() -> None:
    found = blocks(
        "**Before:**\n\n" + CALL.format(comment="") + "\n**After:**\n\n```python\nnew.call()\n```\n"
    )
    assert is_marked(found[0], found[1]) and not is_marked(found[1], None)
    assert pairs(found) == [(found[0], found[1])]


def test_pairs_need_python_blocks_led_by_after() -> None:
    found = blocks(
        "**Before:**\n\n" + CALL.format(comment="") + "\nThen:\n\n```python\nnew.call()\n```\n"
    )
    assert pairs(found) == []
    found = blocks(
        "**Before:**\n\n" + CALL.format(comment="") + "\n**After:**\n\n```js\nnew.call()\n```\n"
    )
    assert pairs(found) == []
