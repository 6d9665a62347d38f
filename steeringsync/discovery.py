"""Find the project root and the Python files to check, honouring include/exclude and .gitignore."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pathspec

from steeringsync.config import Config
from steeringsync.errors import UsageError

# (directory path with a trailing separator, its .gitignore)
Ignores = list[tuple[str, pathspec.GitIgnoreSpec]]
_SIMPLE_SUFFIX = re.compile(r"^\*(\.[A-Za-z0-9_]+)$")
# Slash-free patterns of plain characters and `*`: gitignore matches them against every
# path component (a matching directory includes its files), which a regex on parts can do.
_PLAIN_GLOB = re.compile(r"^[A-Za-z0-9_.*-]+$")

ROOT_MARKERS = ("pyproject.toml", ".git", ".kiro")
# Directories no user wants scanned; like ruff's default excludes.
ALWAYS_SKIPPED = frozenset(
    {
        ".bzr", ".direnv", ".eggs", ".git", ".hg", ".mypy_cache", ".nox", ".pytest_cache",
        ".ruff_cache", ".steeringsync_cache", ".svn", ".tox", ".venv", "__pycache__",
        "__pypackages__", "_build", "buck-out", "node_modules", "venv",
    }
)  # fmt: skip


def find_root(start: Path) -> Path:
    """The nearest ancestor (or ``start`` itself) holding a root marker, else ``start``."""
    start = start.resolve()
    base = start if start.is_dir() else start.parent
    for candidate in (base, *base.parents):
        if any((candidate / marker).exists() for marker in ROOT_MARKERS):
            return candidate
    return base


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


class FileSelector:
    """Decides which files under the root are checked."""

    def __init__(self, root: Path, config: Config) -> None:
        self.root = root
        self.config = config
        self._include = config.include_spec()
        self._exclude = config.exclude_spec()
        root_text = str(root)
        self._prefix = root_text if root_text.endswith(os.sep) else root_text + os.sep
        # `*.py`-style includes: a suffix test gives the same answer as the gitignore match
        simple = [_SIMPLE_SUFFIX.match(p) for p in config.include]
        self._suffixes = tuple(m.group(1) for m in simple if m) if all(simple) else None
        self._parts_re = _component_regex(config.include)
        self._root_files: list[tuple[str, str]] | None = None

    def excluded(self, path: Path) -> bool:
        rel = _relative(path, self.root)
        return rel is not None and self._exclude.match_file(rel)

    def included(self, path: Path) -> bool:
        rel = _relative(path, self.root) or path.name
        return self._include.match_file(rel) and not self.excluded(path)

    def walk(self, top: Path) -> Iterator[str]:
        """Paths of the included files under ``top``, as strings, in a stable order.
        Strings, not Paths: building a Path costs more than the stat."""
        for path, rel in self.walk_all(top):
            if self.included_rel(rel):
                yield path

    def walk_all(self, top: Path) -> Iterable[tuple[str, str]]:
        """Every file under ``top`` that is neither ignored nor excluded, with its posix
        path relative to the root (its name outside the root), pruning ignored
        directories early. The root is walked once: the Python files to check and the
        env files the drift rules read are both picked from that one walk."""
        if top != self.root:
            return self._walk_from(top)
        if self._root_files is None:
            self._root_files = list(self._walk_from(top))
        return self._root_files

    def _walk_from(self, top: Path) -> Iterator[tuple[str, str]]:
        ignores: Ignores = []
        if self.config.respect_gitignore:
            # .gitignore files above `top` (up to the root) apply too
            for parent in reversed([top, *top.parents]):
                if _relative(parent, self.root) is None or parent == top:
                    continue
                spec = _read_gitignore(parent)
                if spec is not None:
                    ignores.append((_with_sep(str(parent)), spec))
        yield from self._walk(str(top), ignores)

    def relative(self, path: str) -> str | None:
        """``path`` (from :meth:`walk`) relative to the root, posix-style; None outside it."""
        return self._rel(path)

    def _rel(self, path: str) -> str | None:
        if not path.startswith(self._prefix):
            return None
        rel = path[len(self._prefix) :]
        return rel if os.sep == "/" else rel.replace(os.sep, "/")

    def included_rel(self, rel: str) -> bool:
        """Whether a file at ``rel`` (from :meth:`walk_all`) matches ``include``."""
        if self._suffixes is None:
            if self._parts_re is not None:
                return self._parts_re.search(rel) is not None
            return self._include.match_file(rel)
        # like the gitignore match: a file inside a directory named `x.py` matches too
        return rel.endswith(self._suffixes) or any(
            part.endswith(self._suffixes) for part in rel.split("/")
        )

    def _walk(self, directory: str, ignores: Ignores) -> Iterator[tuple[str, str]]:
        if self.config.respect_gitignore:
            spec = _read_gitignore(Path(directory))
            if spec is not None:
                ignores = [*ignores, (_with_sep(directory), spec)]
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            return
        excludes = bool(self.config.exclude)
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir and entry.name in ALWAYS_SKIPPED:
                continue
            path = entry.path
            if ignores and _gitignored(path, is_dir, ignores):
                continue
            rel = self._rel(path)
            excluded = excludes and rel is not None and self._exclude.match_file(rel)
            if is_dir:
                if not excluded:
                    yield from self._walk(path, ignores)
            elif not excluded and entry.is_file():
                yield path, rel or entry.name


def is_gitignored(root: Path, path: Path) -> bool:
    """Whether the ``.gitignore`` files from ``root`` down to ``path`` ignore it (it need
    not exist: a generated file missing from a fresh clone is still ignored)."""
    rel = _relative(path, root)
    if rel is None:
        return False
    ignores: Ignores = []
    directory = root
    parts = rel.split("/")
    for n, part in enumerate(parts):
        spec = _read_gitignore(directory)
        if spec is not None:
            ignores.append((_with_sep(str(directory)), spec))
        directory = directory / part
        if ignores and _gitignored(str(directory), n < len(parts) - 1, ignores):
            return True
    return False


def _read_gitignore(directory: Path) -> pathspec.GitIgnoreSpec | None:
    try:
        lines = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines.splitlines())


def _component_regex(patterns: Sequence[str]) -> re.Pattern[str] | None:
    if not patterns or not all(_PLAIN_GLOB.match(p) for p in patterns):
        return None
    globs = ("[^/]*".join(re.escape(chunk) for chunk in p.split("*")) for p in patterns)
    # one search over the path: some component, whole, matches some pattern
    return re.compile("(?:^|/)(?:" + "|".join(globs) + r")(?:/|\Z)")


def _with_sep(directory: str) -> str:
    return directory if directory.endswith(os.sep) else directory + os.sep


def _gitignored(path: str, is_dir: bool, ignores: Ignores) -> bool:
    for base, spec in ignores:
        if path.startswith(base):
            rel = path[len(base) :].replace(os.sep, "/")
            if spec.match_file(rel + "/" if is_dir else rel):
                return True
    return False


def python_files(paths: Sequence[Path], selector: FileSelector) -> Iterator[str]:
    """Expand command-line paths into absolute file paths (strings): directories are
    walked, files named explicitly are kept."""
    seen: set[str] = set()
    for given in paths:
        if not given.exists():
            raise UsageError(f"{given}: no such file or directory")
        resolved = given.resolve()
        if not resolved.is_dir():
            # an explicitly named file is checked unless the config excludes it
            path = str(resolved)
            if path not in seen and not selector.excluded(resolved):
                seen.add(path)
                yield path
            continue
        for path in selector.walk(resolved):
            if len(paths) > 1:  # one walk never yields a file twice
                if path in seen:
                    continue
                seen.add(path)
            yield path
