"""The oldest Python a project declares it runs on (``requires-python``, ``.python-version``).

A file that uses Python 3.12 syntax is not broken because steeringsync runs on 3.11: the
project said which interpreters it supports, and the finding must say which one failed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_MINIMUM = re.compile(r"(?:>=|~=|==|\^)\s*(\d+)\.(\d+)")
_VERSION_FILE = re.compile(r"^\s*(?:python-|cpython-)?(\d+)\.(\d+)", re.MULTILINE)


def declared_minimum(root: Path) -> tuple[int, int] | None:
    """``requires-python = ">=3.12"`` -> (3, 12); else ``.python-version``; else None."""
    try:
        with (root / "pyproject.toml").open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        data = {}
    project = data.get("project")
    spec = project.get("requires-python") if isinstance(project, dict) else None
    if isinstance(spec, str):
        found = [(int(a), int(b)) for a, b in _MINIMUM.findall(spec)]
        if found:
            return max(found)
    try:
        text = (root / ".python-version").read_text(encoding="utf-8", errors="replace")[:200]
    except OSError:
        return None
    match = _VERSION_FILE.search(text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def newer_than_running(minimum: tuple[int, int] | None) -> bool:
    return minimum is not None and minimum > sys.version_info[:2]


def running() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"
