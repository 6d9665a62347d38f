"""Settings in example env files (``.env.example``, ``*.env``, …); never ``.env`` by default."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from steeringsync.discovery import FileSelector
from steeringsync.drift.assignments import parse_line
from steeringsync.errors import UsageError
from steeringsync.project import Project
from steeringsync.sandbox import read_text

# `.env` holds a developer's real secrets; it is read only when a pattern names it exactly.
REAL_ENV = ".env"


@dataclass(frozen=True)
class EnvSetting:
    key: str
    value: str | None
    path: Path
    line: int


def env_file_paths(project: Project) -> list[Path]:
    """The env files under the project root matching ``env-files``, honouring excludes."""
    is_env = env_file_matcher(project)
    # picked from the walk that found the Python files: no second walk
    return [Path(p) for p, rel in project.selector.walk_all(project.root) if is_env(rel)]


def env_file_matcher(project: Project) -> Callable[[str], bool]:
    """Whether a file at a root-relative posix path is an env file ``env-files`` names
    (the walk's ignores and excludes aside): for a caller told that a file changed."""
    patterns = project.config.env_files
    env = FileSelector(project.root, dataclasses.replace(project.config, include=patterns))
    named_exactly = any(p.rstrip("/").rsplit("/", 1)[-1] == REAL_ENV for p in patterns)

    def matches(rel: str) -> bool:
        if not env.included_rel(rel):
            return False
        return named_exactly or rel.rsplit("/", 1)[-1] != REAL_ENV

    return matches


def read_env_file(path: Path) -> list[EnvSetting]:
    """Every ``KEY=VALUE`` line of one env file; an unreadable file is a usage error."""
    try:
        text = read_text(path, encoding="utf-8-sig")  # a regular file, of bounded size
    except OSError as exc:
        raise UsageError(f"{path}: cannot read env file: {exc.strerror or exc}") from None
    found = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        parsed = parse_line(line)
        if parsed is not None:
            found.append(EnvSetting(parsed.key, parsed.value, path, lineno))
    return found


def env_settings(project: Project) -> list[EnvSetting]:
    """Settings from every discovered env file; one that cannot be read becomes a notice."""
    found: list[EnvSetting] = []
    for path in env_file_paths(project):
        try:
            found.extend(read_env_file(path))
        except UsageError as exc:
            project.notices.append(str(exc))
    return found
