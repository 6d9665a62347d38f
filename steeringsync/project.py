"""The project being checked: its root, configuration and steering documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from steeringsync import config as config_mod
from steeringsync.config import Config
from steeringsync.discovery import FileSelector, find_root
from steeringsync.steering import document
from steeringsync.steering.document import SteeringDoc

if TYPE_CHECKING:
    from steeringsync.steering.declarations import Declaration


@dataclass
class Project:
    root: Path
    config: Config
    # notices for the user that are not findings (e.g. "no steering directory")
    notices: list[str] = field(default_factory=list)
    # relative() resolves symlinks (a syscall per path component); project rules ask for
    # the same few paths over and over
    _relative: dict[Path, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def discover(cls, start: Path, config_file: Path | None = None) -> Project:
        root = find_root(start)
        config = config_mod.load_file(config_file) if config_file else config_mod.discover(root)
        return cls(root, config)

    @property
    def steering_dir(self) -> Path:
        return self.root / self.config.steering_dir

    @cached_property
    def selector(self) -> FileSelector:
        return FileSelector(self.root, self.config)

    @cached_property
    def doc_paths(self) -> list[Path]:
        directory = self.steering_dir
        if not directory.is_dir():
            return []
        return sorted(p for p in directory.rglob("*.md") if p.is_file())

    @cached_property
    def docs(self) -> list[SteeringDoc]:
        """All steering docs, parsed once; a missing directory is a notice, not an error."""
        if not self.steering_dir.is_dir():
            self.notices.append(
                f"no steering directory at {self.config.steering_dir}; only code rules ran"
            )
            return []
        docs = []
        for path in self.doc_paths:
            try:
                docs.append(document.load(path))
            except OSError as exc:
                doc = SteeringDoc(path, "")
                doc.decode_error = f"cannot read: {exc.strerror or exc}"
                docs.append(doc)
        return docs

    @cached_property
    def repo_files(self) -> tuple[str, ...]:
        """Every file in the repository (for fileMatch patterns), walked once."""
        from steeringsync.steering.globs import walk_repo_files

        return walk_repo_files(self)

    @cached_property
    def declarations(self) -> tuple[Declaration, ...]:
        """The deprecations the steering docs declare, read once."""
        from steeringsync.steering.declarations import scan_declarations

        return scan_declarations(self)

    def relative(self, path: Path) -> str:
        known = self._relative.get(path)
        if known is None:
            try:
                known = path.resolve().relative_to(self.root).as_posix()
            except ValueError:
                known = path.as_posix()
            self._relative[path] = known
        return known
