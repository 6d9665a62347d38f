"""Kiro ``fileMatchPattern`` globs: splitting, brace expansion, matching repository files."""

from __future__ import annotations

import dataclasses
import itertools
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from steeringsync.config import Config
from steeringsync.discovery import FileSelector
from steeringsync.ignore_spec import Matcher, compile_linear

MAX_EXPANSIONS = 256  # `{a,b}{c,d}…` grows exponentially; real patterns stay tiny
# A longer glob is neither expanded nor matched (it matches nothing): expanding 40,000
# alternatives of a long pattern would build gigabytes of strings
MAX_GLOB_CHARS = 1024


def kiro_globs(value: Any) -> list[str]:
    """The globs Kiro's loader hands to minimatch: a string is one glob, a list its strings.

    A comma- or ``|``-joined string stays one glob (kirodotdev/Kiro#11095): see
    :func:`separators` for telling one apart.
    """
    items = value if isinstance(value, list) else [value]
    return [item.strip() for item in items if isinstance(item, str) and item.strip()]


def separators(glob: str) -> list[int]:
    """Offsets of the top-level ``,`` and ``|`` of a glob: outside ``{…}`` (brace
    alternatives), ``(…)`` (extglobs such as ``+(a|b)``) and ``[…]`` (character classes),
    and not escaped, where minimatch reads them as literal characters, so the glob
    matches no real file."""
    found, braces, parens, i = [], 0, 0, 0
    while i < len(glob):
        char = glob[i]
        if char == "\\":
            i += 2  # an escaped character is literal
            continue
        if char == "[":
            end = _class_end(glob, i)
            if end is not None:
                i = end + 1
                continue
        if char == "{":
            braces += 1
        elif char == "}" and braces:
            braces -= 1
        elif char == "(":
            parens += 1
        elif char == ")" and parens:
            parens -= 1
        elif char in ",|" and not braces and not parens:
            found.append(i)
        i += 1
    return found


def _class_end(glob: str, start: int) -> int | None:
    """The ``]`` closing the character class opened at ``start`` (a ``]`` first in the
    class is a member), or None when it is never closed (then ``[`` is literal)."""
    j = start + 1
    if j < len(glob) and glob[j] in "!^":
        j += 1
    if j < len(glob) and glob[j] == "]":
        j += 1
    end = glob.find("]", j)
    return end if end != -1 else None


def split_joined(glob: str) -> list[str]:
    """The globs an author joined with top-level commas or ``|`` (empty parts dropped):
    ``"a/*.ts, b/*.ts,"`` -> ``["a/*.ts", "b/*.ts"]``; a brace pattern stays whole."""
    cuts = [-1, *separators(glob), len(glob)]
    parts = (glob[start + 1 : end].strip() for start, end in itertools.pairwise(cuts))
    return [part for part in parts if part]


def literal_directory(glob: str) -> str | None:
    """The directory a glob names before its first wildcard (``css`` for ``css/**``,
    ``app/api`` for ``app/api/**/*.py``); None for a file-name glob (``*.bash``) or one
    that starts with a wildcard (``**/*.ts``)."""
    segments = glob.strip().removeprefix("./").lstrip("/").split("/")
    literal: list[str] = []
    for segment in segments[:-1]:
        if any(ch in segment for ch in "*?[]{}()!+@\\"):
            break
        literal.append(segment)
    return "/".join(literal) or None


def expand_braces(pattern: str) -> list[str]:
    """``src/**/*.{ts,tsx}`` -> ``src/**/*.ts``, ``src/**/*.tsx`` (nested braces too).

    At most MAX_EXPANSIONS results, and never more than that many pending strings, each
    no longer than MAX_GLOB_CHARS: the work is bounded whatever the pattern.
    """
    if len(pattern) > MAX_GLOB_CHARS:
        return [pattern]
    results: list[str] = []
    pending = [pattern]
    while pending and len(results) < MAX_EXPANSIONS:
        current = pending.pop()  # depth first: results appear before the stack can grow
        span = _innermost_group(current)
        if span is None:
            results.append(current)
            continue
        start, end = span
        room = MAX_EXPANSIONS - len(results) - len(pending)
        options = current[start + 1 : end].split(",", max(room, 1))[: max(room, 1)]
        for option in reversed(options):
            expanded = current[:start] + option + current[end + 1 :]
            if len(expanded) <= MAX_GLOB_CHARS:
                pending.append(expanded)
    return list(dict.fromkeys(results))


@lru_cache(maxsize=512)
def _expanded(pattern: str) -> tuple[str, ...]:
    return tuple(expand_braces(pattern))


def _innermost_group(pattern: str) -> tuple[int, int] | None:
    """The first ``{…}`` without nested braces that contains a comma."""
    for match in re.finditer(r"\{([^{}]*)\}", pattern):
        if "," in match.group(1):
            return match.start(), match.end() - 1
    return None


_NOTHING = compile_linear(r"[^\s\S]")


@lru_cache(maxsize=512)
def compile_glob(pattern: str) -> Matcher:
    """A glob as Kiro (minimatch) reads it: ``**`` spans directories, ``*`` does not.

    Compiled by RE2: matching is linear in the path whatever the pattern (a backtracking
    engine takes minutes on ``**x**x**x**y`` against one long name).
    """
    pattern = pattern.strip().removeprefix("./").lstrip("/")
    if len(pattern) > MAX_GLOB_CHARS:
        return _NOTHING  # no path is that long a glob's match worth an unbounded regex
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    try:
        return compile_linear("".join(out) + r"\z")
    except ValueError:  # a bracket expression RE2 rejects: the text itself
        return compile_linear(re.escape(pattern) + r"\z")


def matches(pattern: str, rel_path: str) -> bool:
    """Whether one (brace-expanded) glob matches a repository-relative posix path.

    A glob without a slash also matches by file name anywhere, since editors match
    `*.py` against the open file whichever directory it is in.
    """
    for glob in _expanded(pattern):
        regex = compile_glob(glob)
        if regex.match(rel_path):
            return True
        if "/" not in glob.strip("/") and regex.match(rel_path.rpartition("/")[2]):
            return True
    return False


class WalkedProject(Protocol):
    """What the walk reads of a project (``steeringsync.project.Project`` is one): the
    project model sits above this module, so it is described here, not imported."""

    @property
    def root(self) -> Path: ...

    @property
    def config(self) -> Config: ...

    @property
    def repo_files(self) -> tuple[str, ...]: ...


def repo_files(project: WalkedProject) -> list[str]:
    """Every file in the repository (posix, relative to the root), honouring .gitignore.

    Walked once per project (``Project.repo_files``): every fileMatch doc reuses the list.
    """
    return list(project.repo_files)


def walk_repo_files(project: WalkedProject) -> tuple[str, ...]:
    # fileMatch applies to the whole workspace, not only to the files steeringsync checks
    config = dataclasses.replace(project.config, include=("*",), exclude=())
    selector = FileSelector(project.root, config)
    return tuple(filter(None, map(selector.relative, selector.walk(project.root))))
