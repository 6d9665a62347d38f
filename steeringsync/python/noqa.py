"""``# noqa`` and ``# noqa: SS001, SS002`` suppression comments, as flake8 and ruff read them."""

from __future__ import annotations

import re

NOQA_RE = re.compile(
    r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE
)
CODE_RE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)


def suppressed_codes(line: str) -> frozenset[str] | None:
    """None when the line has no noqa; an empty set for a bare ``# noqa`` (all codes)."""
    if "noqa" not in line.lower():
        return None
    match = NOQA_RE.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    return frozenset(c.upper() for c in CODE_RE.findall(codes)) if codes else frozenset()


def is_suppressed(line: str, code: str) -> bool:
    codes = suppressed_codes(line)
    return codes is not None and (not codes or code in codes)
