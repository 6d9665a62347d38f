"""What the repository holds, for resolving claims: files, folders, where a path moved.

Built once per project from the walk ``check`` already makes (``Project.repo_files``,
.gitignore honoured); a path the walk skipped (ignored, or in a skipped folder such as
`node_modules/`) is still found on disk, inside the root only.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pathspec

if TYPE_CHECKING:
    from steeringsync.project import Project

GIT_TIMEOUT = 5.0  # seconds for the rename history; a slow git only costs the suggestion
GIT_MAX_COMMITS = 2000


class RepoIndex:
    """The repository's files and folders, read on first use: a run whose docs claim no
    path never builds it."""

    def __init__(
        self, root: Path, files: frozenset[str] | None = None, project: Project | None = None
    ) -> None:
        self.root = root
        self._files = files
        self._project = project
        self.renames: dict[str, str] = {}  # old path -> newest path
        # (parsed doc, its claims) by doc path (see ``extract.claims_of``)
        self.claims: dict[Path, tuple[Any, Any]] = {}
        # other per-run views built from the file list on first use (``pynames.Modules``)
        self.memo: dict[str, Any] = {}

    @cached_property
    def files(self) -> frozenset[str]:
        if self._files is not None:
            return self._files
        assert self._project is not None
        # the walk `check` made for the Python files (cached on the selector): no second walk
        walked = self._project.selector.walk_all(self.root)
        return frozenset(rel for _, rel in walked)

    @cached_property
    def dirs(self) -> frozenset[str]:
        dirs: set[str] = {""}
        for path in self.files:
            parent = path.rpartition("/")[0]
            while parent not in dirs:
                dirs.add(parent)
                parent = parent.rpartition("/")[0]
        return frozenset(dirs)

    @classmethod
    def of(cls, project: Project) -> RepoIndex:
        cached = getattr(project, "_claims_repo_index", None)
        if isinstance(cached, RepoIndex):
            return cached
        index = cls(project.root, project=project)
        object.__setattr__(project, "_claims_repo_index", index)
        return index

    def relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except (OSError, ValueError):
            return path.name

    def exists(self, path: str) -> bool:
        """Whether ``path`` (repository-relative, posix, maybe ending in `/`) is there.

        Asked of the disk, one stat a claim: cheaper than indexing every file when all
        claims hold, and it sees what the walk skips (`.env`, `node_modules/x`)."""
        clean = self._clean(path)
        if clean is None:
            return False
        try:
            target = self.root / clean
            return target.is_dir() if path.endswith("/") else target.exists()
        except (OSError, ValueError):  # names too long or with NUL bytes cannot exist
            return False

    def is_dir(self, path: str) -> bool:
        clean = self._clean(path)
        try:
            return clean is not None and (self.root / clean).is_dir()
        except (OSError, ValueError):
            return False

    @staticmethod
    def _clean(path: str) -> str | None:
        """``path`` normalised inside the root; None when it climbs out of it."""
        clean = posixpath.normpath(path.strip("/")) if path.strip("/") else "."
        if clean == ".." or clean.startswith("../"):
            return None
        return clean

    @cached_property
    def _by_name(self) -> dict[str, list[str]]:
        names: dict[str, list[str]] = defaultdict(list)
        for path in self.files:
            names[path.rpartition("/")[2]].append(path)
        for path in self.dirs:
            if path:
                names[path.rpartition("/")[2] + "/"].append(path + "/")
        return names

    def anywhere(self, name: str) -> list[str]:
        """Every file (or folder, for `name/`) with this last component, outside `.kiro/`
        (a copy kept beside the docs is not where the code went)."""
        return sorted(p for p in self._by_name.get(name, ()) if not p.startswith(".kiro/"))

    def moved_to(self, path: str) -> list[str]:
        """Where a missing ``path`` may live now: its git rename, else the paths ending in
        its longest trailing part that matches anything (one entry: unambiguous)."""
        clean = path.strip("/")
        renamed = self.renames.get(clean)
        if renamed is not None and self.exists(renamed):
            return [renamed + ("/" if path.endswith("/") else "")]
        parts = clean.split("/")
        is_dir = path.endswith("/")
        last = parts[-1] + ("/" if is_dir else "")
        candidates = self.anywhere(last)
        if len(parts) == 1:
            return candidates
        # prefer the candidates that keep more of the claimed path: `a/b/c.py` over `c.py`
        for keep in range(len(parts), 1, -1):
            tail = "/" + "/".join(parts[-keep:]) + ("/" if is_dir else "")
            narrowed = [c for c in candidates if ("/" + c).endswith(tail)]
            if narrowed:
                return narrowed
        return [] if is_dir else candidates

    def ignored(self, path: str) -> bool:
        """Whether .gitignore (root and folders on the way) ignores ``path``."""
        clean = path.strip("/")
        parts = clean.split("/")
        for depth in range(len(parts)):
            base = "/".join(parts[:depth])
            spec = self._gitignore(base)
            if spec is None:
                continue
            rest = "/".join(parts[depth:]) + ("/" if path.endswith("/") else "")
            if spec.match_file(rest) or spec.match_file(rest.rstrip("/") + "/"):
                return True
        return False

    @cached_property
    def _gitignores(self) -> dict[str, pathspec.GitIgnoreSpec | None]:
        return {}

    def _gitignore(self, base: str) -> pathspec.GitIgnoreSpec | None:
        if base not in self._gitignores:
            spec = None
            if base == "" or base in self.dirs:
                try:
                    text = (self.root / base / ".gitignore").read_text("utf-8", "replace")
                    spec = pathspec.GitIgnoreSpec.from_lines(text.splitlines())
                except OSError:
                    spec = None
            self._gitignores[base] = spec
        return self._gitignores[base]

    def load_renames(self) -> None:
        """Old -> new paths from the git history (bounded in commits and time); nothing
        when the root is not a git checkout or git is missing or slow."""
        if self.renames or not (self.root / ".git").exists():
            return
        import subprocess  # only when a path is dead: most runs never start git

        command = [
            "git", "-c", "core.fsmonitor=", "-C", str(self.root), "log", "--no-ext-diff",
            "--no-textconv", "--diff-filter=R", "--name-status", "--format=",
            "-M", f"-n{GIT_MAX_COMMITS}", "--", ".",
        ]  # fmt: skip
        try:
            out = subprocess.run(
                command, capture_output=True, timeout=GIT_TIMEOUT, check=False
            ).stdout.decode("utf-8", "replace")
        except (OSError, subprocess.SubprocessError):
            return
        # newest first: the first rename seen of a path is its latest
        for row in out.splitlines():
            fields = row.split("\t")
            if len(fields) == 3 and fields[0].startswith("R"):
                old, new = fields[1], fields[2]
                self.renames.setdefault(old, self.renames.get(new, new))
                # folders move with their files: `a/b/x.py -> c/x.py` moves `a/b` to `c`
                old_dir, new_dir = posixpath.dirname(old), posixpath.dirname(new)
                if old_dir and new_dir and posixpath.basename(old) == posixpath.basename(new):
                    self.renames.setdefault(old_dir, self.renames.get(new_dir, new_dir))
