"""The project being checked: its root, configuration and steering documents."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from steeringsync import config as config_mod
from steeringsync.config import Config
from steeringsync.discovery import MAX_DEPTH, FileSelector, find_docs_root, find_root
from steeringsync.sandbox import within
from steeringsync.steering import document
from steeringsync.steering.doc_cache import DocCache
from steeringsync.steering.document import SteeringDoc

if TYPE_CHECKING:
    from steeringsync.drift.mentions import Memo, NameMemo
    from steeringsync.steering.declarations import Declaration


@dataclass
class Project:
    """One run's view of a repository: its docs, file list and path lookups are read once
    and kept, so a long-lived caller makes a new Project to see later changes."""

    root: Path
    config: Config
    # where the configuration was found; the root is above it when the steering docs are
    config_root: Path | None = None
    # notices for the user that are not findings (e.g. "no steering directory")
    notices: list[str] = field(default_factory=list)
    # relative() resolves symlinks (a syscall per path component); project rules ask for
    # the same few paths over and over
    _relative: dict[Path, str] = field(default_factory=dict, repr=False, compare=False)
    _directories: dict[Path, Path] = field(default_factory=dict, repr=False, compare=False)
    # parsed docs kept between runs (None: --no-cache, or a library caller's project)
    doc_cache: DocCache | None = field(default=None, repr=False, compare=False)
    # where the caches live (None: the per-user default; see steeringsync.cache)
    cache_base: Path | None = field(default=None, repr=False, compare=False)
    # the run's cache, where project-wide scans remember per-file results (None: none)
    scan_memo: Memo | None = field(default=None, repr=False, compare=False)
    # this run's stats of the files it found unchanged in the cache (None: none)
    file_stats: dict[str, os.stat_result] | None = field(default=None, repr=False, compare=False)
    # where setting names were found in the repository's other files, kept across the
    # Projects of a long-lived model (the language server), which clears it on changes
    name_memo: NameMemo | None = field(default=None, repr=False, compare=False)

    @classmethod
    def discover(
        cls,
        start: Path,
        config_file: Path | None = None,
        *,
        cache: bool = False,
        cache_base: Path | None = None,
    ) -> Project:
        config_root = find_root(start)
        if config_file:
            config = config_mod.load_file(config_file)
        else:
            config = config_mod.discover(config_root)
        root = find_docs_root(config_root, config.steering_dir) or config_root
        doc_cache = DocCache(root, cache_base) if cache else None
        return cls(
            root, config, config_root=config_root, doc_cache=doc_cache, cache_base=cache_base
        )

    @property
    def steering_dir(self) -> Path:
        return self.root / self.config.steering_dir

    @cached_property
    def selector(self) -> FileSelector:
        return FileSelector(self.root, self.config)

    @cached_property
    def doc_paths(self) -> list[Path]:
        """The ``*.md`` files under the steering folder (links leaving the root and
        special files are left out, and said so in a notice)."""
        directory = self.steering_dir
        if not directory.is_dir():
            return []
        if not within(self.root, directory):
            self.notices.append(
                f"{self.config.steering_dir} leads outside the repository; not read"
            )
            return []
        found = []
        for path in _walk_markdown(directory):
            if path.is_symlink() and not within(self.root, path):
                self.notices.append(
                    f"{self.relative(path)}: a symlink to outside the repository; skipped"
                )
            elif path.is_file():
                found.append(path)
        return sorted(found)

    @cached_property
    def docs(self) -> list[SteeringDoc]:
        """All steering docs, parsed once; a missing directory is a notice, not an error."""
        if not self.steering_dir.is_dir():
            self.notices.append(
                f"no steering directory at {self.config.steering_dir}; only code rules ran"
            )
            return []
        load = document.load if self.doc_cache is None else self.doc_cache.load
        docs = []
        for path in self.doc_paths:
            try:
                docs.append(load(path))
            except OSError as exc:
                doc = SteeringDoc(path, "")
                doc.decode_error = f"cannot read: {exc.strerror or exc}"
                docs.append(doc)
        if self.doc_cache is not None:
            self.doc_cache.save()
        return docs

    @cached_property
    def repo_files(self) -> tuple[str, ...]:
        """Every file in the repository (for fileMatch patterns), walked once."""
        from steeringsync.steering.globs import walk_repo_files

        return walk_repo_files(self)

    @cached_property
    def python_minimum(self) -> tuple[int, int] | None:
        """The oldest Python the project says it runs on (``requires-python`` …), read once."""
        from steeringsync.python.requires import declared_minimum

        return declared_minimum(self.root)

    @cached_property
    def declarations(self) -> tuple[Declaration, ...]:
        """The deprecations the steering docs declare, read once."""
        from steeringsync.steering.declarations import scan_declarations

        return scan_declarations(self)

    def relative(self, path: Path) -> str:
        """``path`` relative to the root, posix-style, symlinks resolved (as given when
        it resolves outside the root)."""
        known = self._relative.get(path)
        if known is None:
            try:
                known = self._resolve(path).relative_to(self.root).as_posix()
            except ValueError:
                known = path.as_posix()
            self._relative[path] = known
        return known

    def skipped_notices(self) -> list[str]:
        """What the file walk refused (links leaving the root, too-deep trees)."""
        if "selector" not in self.__dict__:
            return []
        return [
            f"{self.relative(Path(path))}: {reason}"
            for path, reason in sorted(self.selector.skipped.items())
        ]

    def _resolve(self, path: Path) -> Path:
        # ``path.resolve()`` with each directory resolved once, not once per file in it:
        # a file that is not a symlink itself resolves to its resolved directory + name
        name = path.name
        if name in ("", ".", "..") or not path.is_absolute() or path.is_symlink():
            return path.resolve()
        parent = self._directories.get(path.parent)
        if parent is None:
            parent = self._directories[path.parent] = path.parent.resolve()
        return parent / name


def _walk_markdown(top: Path) -> list[Path]:
    """``*.md`` files under ``top``, not following directory links, at most MAX_DEPTH deep."""
    found: list[Path] = []
    stack = [(top, 0)]
    while stack:
        directory, depth = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if depth + 1 < MAX_DEPTH:
                        stack.append((Path(entry.path), depth + 1))
                elif entry.name.endswith(".md"):
                    found.append(Path(entry.path))
            except OSError:
                continue
    return found
