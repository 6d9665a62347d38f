"""The oldest Python a project declares it runs on (``requires-python``, ``.python-version``).

A file that uses Python 3.12 syntax is not broken because steeringsync runs on 3.11: the
project said which interpreters it supports, and the finding must say which one failed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from steeringsync.sandbox import read_text, within

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_MINIMUM = re.compile(r"(?:>=|~=|==|\^)\s*(\d+)\.(\d+)")
_VERSION_FILE = re.compile(r"^\s*(?:python-|cpython-)?(\d+)\.(\d+)", re.MULTILINE)


_DOCKER_FROM = re.compile(r"^\s*FROM\s+(?:\S+/)?python:(\d+)\.(\d+)", re.MULTILINE | re.IGNORECASE)


def _requires(root: Path, pyproject: Path) -> tuple[int, int] | None:
    if not within(root, pyproject):
        return None  # a link out of the repository is never read
    try:
        data = tomllib.loads(read_text(pyproject))
    except (OSError, tomllib.TOMLDecodeError, RecursionError):  # a device, a FIFO, a bomb
        return None
    project = data.get("project")
    spec = project.get("requires-python") if isinstance(project, dict) else None
    found = [(int(a), int(b)) for a, b in _MINIMUM.findall(spec)] if isinstance(spec, str) else []
    return max(found) if found else None


def _first_match(root: Path, path: Path, pattern: re.Pattern[str]) -> tuple[int, int] | None:
    if not within(root, path):
        return None
    try:
        text = read_text(path)[:20_000]
    except OSError:  # a FIFO, a device, a file too big: nothing declared
        return None
    found = [(int(a), int(b)) for a, b in pattern.findall(text)]
    return min(found) if found else None


def declared_minimum(root: Path) -> tuple[int, int] | None:
    """The oldest Python the project runs on: ``requires-python = ">=3.12"`` -> (3, 12)
    in the root's pyproject.toml (else the oldest of its sub-projects' one level down),
    else ``.python-version``, else the root Dockerfile's ``FROM python:3.12``."""
    found = _requires(root, root / "pyproject.toml")
    if found is not None:
        return found
    try:
        subprojects = sorted(root.glob("*/pyproject.toml"))[:50]
    except OSError:
        subprojects = []
    declared = [_requires(root, p) for p in subprojects]
    if declared and None not in declared:
        return min(v for v in declared if v is not None)
    return _first_match(root, root / ".python-version", _VERSION_FILE) or _first_match(
        root, root / "Dockerfile", _DOCKER_FROM
    )


def newer_than_running(minimum: tuple[int, int] | None) -> bool:
    return minimum is not None and minimum > sys.version_info[:2]


def running() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"
