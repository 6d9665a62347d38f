"""Decide whether a doc's code block is marked as the deprecated (or the corrected) example.

A block is marked as the deprecated example when the block itself or the text right
before it says so: a comment such as ``# Before (Deprecated)`` or ``# ❌``, the words
"deprecated", "don't", "avoid", "never", "wrong", "legacy", "old", in the block's info
string, its lead paragraph or its nearest heading. A block led by "Before" is marked
when the next code block is led by "After": migration docs show both side by side.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from steeringsync.steering.document import CodeBlock

# Words a writer uses to mark an example as what not to do; a few non-English ones too
# because teams write steering docs in their own language.
_DEPRECATED_RE = re.compile(
    r"deprecat|\bdon'?t\b|\bdon\u2019t\b|\bdo not\b|\bavoid|\bnever\b|\bwrong\b|\bbad\b"
    r"|\bincorrect\b|\blegacy\b|\bold (?:way|pattern|code|style|api)\b|\bobsolete\b"
    r"|\boutdated\b|\banti-?pattern|\bnot recommended\b|\bno longer\b|\binstead of\b"
    r"|\bbefore\s*\(|❌|🚫|⛔|✗|✘"
    r"|非推奨|廃止|使わない|弃用|废弃|不推荐|避免|устар|не используй|veraltet|obsol[eè]te"
    r"|obsoleto|desaconsejad",
    re.IGNORECASE,
)
_BEFORE_RE = re.compile(r"^\W*(?:before|old|previously|legacy)\b", re.IGNORECASE)
_AFTER_RE = re.compile(r"^\W*(?:after|new|now|current|correct|recommended)\b|✅", re.IGNORECASE)
_COMMENT_RE = re.compile(r"^\s*#(.*)$", re.MULTILINE)


def comments(block: CodeBlock) -> str:
    """The text of the block's ``#`` comment lines, joined by newlines."""
    return "\n".join(m.group(1) for m in _COMMENT_RE.finditer(block.content))


def _context(block: CodeBlock) -> tuple[str, ...]:
    return (block.info, block.lead, block.heading)


def says_deprecated_text(text: str) -> bool:
    return _DEPRECATED_RE.search(text) is not None


def says_deprecated(block: CodeBlock) -> bool:
    """The block, its info string, lead text or nearest heading marks it as deprecated."""
    return any(_DEPRECATED_RE.search(text) for text in (comments(block), *_context(block)))


def is_before(block: CodeBlock) -> bool:
    """Led by "Before …" (or "Old …"): the first half of a migration pair."""
    first_comment = comments(block).split("\n", 1)[0]
    return any(_BEFORE_RE.search(text) for text in (first_comment, block.info, block.lead))


def is_after(block: CodeBlock) -> bool:
    """Led by "After …" (or "New …", ✅): the second half of a migration pair."""
    first_comment = comments(block).split("\n", 1)[0]
    return any(_AFTER_RE.search(text) for text in (first_comment, block.info, block.lead))


def is_marked(block: CodeBlock, following: CodeBlock | None) -> bool:
    """Shown on purpose as the deprecated example (alone or as the Before of a pair)."""
    if says_deprecated(block):
        return True
    return is_before(block) and following is not None and is_after(following)


def pairs(
    blocks: list[CodeBlock], heading_lines: Iterable[int] = ()
) -> list[tuple[CodeBlock, CodeBlock]]:
    """(Before, After) pairs of Python blocks in document order: adjacent blocks of one
    section, with nothing but prose between them (no other block, no heading)."""
    headings = sorted(heading_lines)
    found = []
    for before, after in itertools.pairwise(blocks):
        if not (before.is_python and after.is_python):
            continue
        between = sum(before.line < h < after.line for h in headings)
        # two sections hold two unrelated examples, unless the sections are the pair
        # itself (`## Before (Deprecated)` then `## After`)
        paired_sections = between == 1 and _is_pair_heading(before.heading, after.heading)
        if between and not paired_sections:
            continue
        if is_after(after) and (is_before(before) or says_deprecated(before)):
            found.append((before, after))
    return found


def _is_pair_heading(first: str, second: str) -> bool:
    before = _BEFORE_RE.search(first) is not None or says_deprecated_text(first)
    return before and _AFTER_RE.search(second) is not None


_RECOMMENDED_RE = re.compile(
    r"✅|✔|☑|\bcorrect\b|\brecommended\b|\bgood\b|\bpreferred\b|\bdo this\b|\bafter\b"
    r"|正确|推荐|正しい|推奨|richtig|correcto",
    re.IGNORECASE,
)


def recommended_lines(block: CodeBlock) -> set[int]:
    """1-based lines of ``block`` under a ``# ✅``/``# correct`` comment (until a comment
    marking what not to do): the block's recommended part, whatever the block is led by."""
    lines: set[int] = set()
    good = False
    for number, line in enumerate(block.content.split("\n"), start=1):
        comment = _COMMENT_RE.match(line)
        if comment is not None and _DEPRECATED_RE.search(comment.group(1)):
            good = False
        elif comment is not None and _RECOMMENDED_RE.search(comment.group(1)):
            good = True
        if good:
            lines.add(number)
    return lines
