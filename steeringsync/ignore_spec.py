"""Gitignore-style pattern sets matched in linear time (RE2), whatever the repository holds.

A committed ``.gitignore`` or a config glob like ``**x**x**x**y`` makes a backtracking
regex engine take minutes on one long path; RE2 answers in time linear in the path.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, cast

import pathspec
import re2

BACKEND = "re2"  # google-re2: a dependency, so the guarantee holds on every install
MAX_PATTERN_CHARS = 4096  # a longer line is no path pattern; git's own limit is PATH_MAX


def gitignore_spec(lines: Iterable[str]) -> pathspec.GitIgnoreSpec:
    """``GitIgnoreSpec.from_lines`` on the RE2 backend; over-long lines are dropped."""
    kept = [line for line in lines if len(line) <= MAX_PATTERN_CHARS]
    return pathspec.GitIgnoreSpec.from_lines(kept, backend=BACKEND)


class Matcher(Protocol):
    """What the callers use of a compiled regex (RE2's and ``re``'s alike)."""

    def match(self, text: str) -> object | None: ...

    def search(self, text: str) -> object | None: ...


def matchable(text: str) -> str:
    """``text`` as RE2 can take it: RE2 matches UTF-8, so the undecodable bytes of a file
    name (surrogate-escaped) are matched as U+FFFD."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text


class _Linear:
    __slots__ = ("_regex",)

    def __init__(self, regex: Any) -> None:
        self._regex = regex

    def match(self, text: str) -> object | None:
        found: object | None = self._regex.match(matchable(text))
        return found

    def search(self, text: str) -> object | None:
        found: object | None = self._regex.search(matchable(text))
        return found


def compile_linear(regex: str) -> Matcher:
    """``regex`` compiled by RE2 (``\\z``, not ``\\Z``, for the end); raises ValueError
    when RE2 cannot take it."""
    try:
        return cast(Matcher, _Linear(re2.compile(regex)))
    except re2.error as exc:
        raise ValueError(str(exc)) from None
