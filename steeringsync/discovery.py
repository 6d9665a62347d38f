"""Find the project root and the Python files to check, honouring include/exclude and .gitignore."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pathspec

from steeringsync.config import Config
from steeringsync.errors import UsageError
from steeringsync.ignore_spec import Matcher, compile_linear, gitignore_spec, matchable
from steeringsync.sandbox import SkippedFile, read_text, within

# (directory path with a trailing separator, its .gitignore)
Ignores = list[tuple[str, pathspec.GitIgnoreSpec]]
_SIMPLE_SUFFIX = re.compile(r"^\*(\.[A-Za-z0-9_]+)$")
# Slash-free patterns of plain characters and `*`: gitignore matches them against every
# path component (a matching directory includes its files), which a regex on parts can do.
_PLAIN_GLOB = re.compile(r"^[A-Za-z0-9_.*-]+$")

ROOT_MARKERS = ("pyproject.toml", ".git", ".kiro")
# Deeper trees are reported and not entered: no real project nests this far, and a
# committed 1,200-deep tree must not end the run
MAX_DEPTH = 128
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
    # the given path's own folder, not its link target's: `check evil.py` with
    # evil.py -> /elsewhere/x.py must not make /elsewhere the project
    start = Path(os.path.abspath(start))
    base = start if start.is_dir() and not start.is_symlink() else start.parent
    base = base.resolve()
    for candidate in (base, *base.parents):
        if any(os.path.lexists(candidate / marker) for marker in ROOT_MARKERS):
            return candidate
    return base


def find_docs_root(config_root: Path, steering_dir: str) -> Path | None:
    """The nearest directory from ``config_root`` up to its git root that holds the
    steering docs: a package's own pyproject.toml in a monorepo must not hide the
    repository's ``.kiro/steering``. None outside a git repository or when none has them."""
    git_root = next((d for d in (config_root, *config_root.parents) if (d / ".git").exists()), None)
    if git_root is None:
        return None
    for candidate in (config_root, *config_root.parents):
        if (candidate / steering_dir).is_dir():
            return candidate
        if candidate == git_root:
            return None
    return None


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
        # what the walk refused (links leaving the root, too-deep trees), for notices
        self.skipped: dict[str, str] = {}

    def excluded(self, path: Path) -> bool:
        rel = _relative(path, self.root)
        return rel is not None and self._exclude.match_file(matchable(rel))

    def included(self, path: Path) -> bool:
        rel = _relative(path, self.root) or path.name
        return self._include.match_file(matchable(rel)) and not self.excluded(path)

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
                spec = self._read_gitignore(parent)
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
            return self._include.match_file(matchable(rel))
        # like the gitignore match: a file inside a directory named `x.py` matches too
        return rel.endswith(self._suffixes) or any(
            part.endswith(self._suffixes) for part in rel.split("/")
        )

    def _walk(self, top: str, ignores: Ignores) -> Iterator[tuple[str, str]]:
        # an explicit stack, not recursion: depth is the repository's to choose
        stack = [self._enter(top, ignores, 0)]
        excludes = bool(self.config.excluded_globs)
        while stack:
            frame = stack[-1]
            entry = next(frame.entries, None)
            if entry is None:
                stack.pop()
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir and entry.name in ALWAYS_SKIPPED:
                continue
            path = entry.path
            if frame.ignores and _gitignored(path, is_dir, frame.ignores):
                continue
            rel = self._rel(path)
            if excludes and rel is not None and self._exclude.match_file(matchable(rel)):
                continue
            if is_dir:
                if frame.depth + 1 >= MAX_DEPTH:
                    self.skipped[path] = f"deeper than {MAX_DEPTH} directories; not walked"
                else:
                    stack.append(self._enter(path, frame.ignores, frame.depth + 1))
            elif self._regular(entry):
                yield path, rel or entry.name

    def _enter(self, directory: str, ignores: Ignores, depth: int) -> _Frame:
        if self.config.respect_gitignore:
            spec = self._read_gitignore(Path(directory))
            if spec is not None:
                ignores = [*ignores, (_with_sep(directory), spec)]
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            entries = []
        return _Frame(iter(entries), ignores, depth)

    def _regular(self, entry: os.DirEntry[str]) -> bool:
        """A regular file, or a symlink to one inside the root (others are skipped)."""
        try:
            if not entry.is_symlink():
                return entry.is_file(follow_symlinks=False)
            if not within(self.root, Path(entry.path)):
                self.skipped[entry.path] = "a symlink to outside the repository; skipped"
                return False
            return stat.S_ISREG(os.stat(entry.path).st_mode)
        except OSError:  # a dangling link or a loop: nothing to read
            return False

    def _read_gitignore(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        return gitignore_at(self.root, directory, self.skipped)


class _Frame:
    """One directory of the walk: its remaining entries and the ignores in force."""

    __slots__ = ("depth", "entries", "ignores")

    def __init__(self, entries: Iterator[os.DirEntry[str]], ignores: Ignores, depth: int) -> None:
        self.entries = entries
        self.ignores = ignores
        self.depth = depth


def _component_regex(patterns: Sequence[str]) -> Matcher | None:
    if not patterns or not all(_PLAIN_GLOB.match(p) for p in patterns):
        return None
    globs = "|".join("[^/]*".join(re.escape(chunk) for chunk in p.split("*")) for p in patterns)
    # one search over the path: some component, whole, matches some pattern. The
    # patterns may come from the repository's pyproject.toml: with one `*` each, `re`
    # cannot backtrack past one path component (and is faster per call); with more,
    # RE2 keeps the match linear
    if all(p.count("*") <= 1 for p in patterns):
        return re.compile("(?:^|/)(?:" + globs + r")(?:/|\Z)")
    return compile_linear("(?:^|/)(?:" + globs + r")(?:/|\z)")


def _with_sep(directory: str) -> str:
    return directory if directory.endswith(os.sep) else directory + os.sep


def _gitignored(path: str, is_dir: bool, ignores: Ignores) -> bool:
    for base, spec in ignores:
        if path.startswith(base):
            rel = matchable(path[len(base) :].replace(os.sep, "/"))
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
        if not within(selector.root, resolved):
            selector.skipped[str(given)] = "outside the repository; skipped"
            continue
        if not resolved.is_dir():
            if not stat.S_ISREG(resolved.stat().st_mode):
                selector.skipped[str(given)] = "not a regular file; skipped"
                continue
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
        spec = gitignore_at(root, directory)
        if spec is not None:
            ignores.append((_with_sep(str(directory)), spec))
        directory = directory / part
        if ignores and _gitignored(str(directory), n < len(parts) - 1, ignores):
            return True
    return False


def gitignore_at(
    root: Path, directory: Path, skipped: dict[str, str] | None = None
) -> pathspec.GitIgnoreSpec | None:
    """``directory``'s .gitignore, bounded and compiled safely (None: none or unreadable);
    a link out of the repository is never read (said in ``skipped`` when given)."""
    path = directory / ".gitignore"
    try:
        if os.path.islink(path) and not within(root, path):
            raise SkippedFile("a symlink to outside the repository; skipped")
        lines = read_text(path)
    except SkippedFile as exc:
        if skipped is not None:
            skipped[str(path)] = str(exc.strerror)
        return None
    except OSError:
        return None
    return gitignore_spec(lines.splitlines())
