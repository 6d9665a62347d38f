"""``# noqa`` and ``# noqa: SS001, SS002`` suppression comments, read as ruff reads them.

A bare ``# noqa`` covers every code on its line. ``# noqa:`` followed by something that
is no rule code (``# noqa: whatever``) is malformed and covers nothing: a typo must never
silence every rule on the line (flake8 reads it as a bare ``noqa``; ruff warns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# the directive, then optionally `:` and the rest of the comment, where the codes are
NOQA_RE = re.compile(r"#\s*noqa(?![\w-])(?P<colon>\s*:)?(?P<rest>[^#]*)", re.IGNORECASE)
CODE_RE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
_LEADING_CODES_RE = re.compile(r"\s*(?P<codes>[A-Z]+[0-9]+(?:(?:\s*,\s*|\s+)[A-Z]+[0-9]+)*)", re.I)


@dataclass(frozen=True)
class Directive:
    """One noqa comment: its span in the line (0-based, end exclusive) and what it covers."""

    start: int
    end: int
    codes: tuple[str, ...] | None  # None: a bare noqa, covering every code
    malformed: str | None = None  # the text after `noqa:` when it names no code

    def covers(self, code: str) -> bool:
        if self.malformed is not None:
            return False
        return self.codes is None or code in self.codes


def parse_codes(colon: bool, rest: str) -> tuple[tuple[str, ...] | None, str | None, int]:
    """(codes, malformed text, length of ``rest`` the codes take) of the text after ``noqa``
    (``colon``: a ``:`` came first); codes None for a bare noqa."""
    if not colon:
        return None, None, 0
    match = _LEADING_CODES_RE.match(rest)
    if match is None:
        return (), rest.strip(), len(rest)
    return tuple(c.upper() for c in CODE_RE.findall(match.group("codes"))), None, match.end()


def directives(line: str) -> list[Directive]:
    """The ``# noqa`` comments on a line of Python (or of a doc's code block)."""
    if "noqa" not in line.lower():
        return []
    found = []
    for match in NOQA_RE.finditer(line):
        codes, malformed, used = parse_codes(bool(match.group("colon")), match.group("rest"))
        end = (
            match.start("rest") + used
            if codes is not None
            else match.end("colon")
            if match.group("colon")
            else match.start("rest")
        )
        found.append(Directive(match.start(), end, codes, malformed))
    return found


def suppressed_codes(line: str) -> frozenset[str] | None:
    """None when the line has no (well-formed) noqa; an empty set for a bare ``# noqa``."""
    found = [d for d in directives(line) if d.malformed is None]
    if not found:
        return None
    if any(d.codes is None for d in found):
        return frozenset()
    return frozenset(c for d in found for c in d.codes or ())


def is_suppressed(line: str, code: str) -> bool:
    return any(d.covers(code) for d in directives(line))
