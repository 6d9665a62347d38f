"""What the repository holds, for resolving claims: files, folders, where a path moved.

Built once per project from the walk ``check`` already makes (``Project.repo_files``,
.gitignore honoured); a path the walk skipped (ignored, or in a skipped folder such as
`node_modules/`) is still found on disk, inside the root only.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pathspec

from steeringsync.discovery import gitignore_at

if TYPE_CHECKING:
    from steeringsync.project import Project

GIT_TIMEOUT = 5.0  # seconds for the rename history; a slow git only costs the suggestion
GIT_MAX_COMMITS = 2000
# a date-time stamp leading a file name: `0830_17_52_`, `2025-08-30_`, `20250830T1752_`
# (three or more number groups, or one of eight digits or more; `0001_initial.py` is none)
# names looked up by scanning the file list before indexing every name: on 10,000 files
# a scan took 1 ms, the index 4-6 ms on its own and about 30 ms inside `check`, whose
# heap holds every file's facts
_SCANS_BEFORE_INDEX = 16
_STAMP_RE = re.compile(r"^(?:\d{2,4}[_-]){3,}|^\d{8,}(?:T\d{4,6})?[_-]")


class RepoIndex:
    """The repository's files and folders, read on first use: a run whose docs claim no
    path never builds it."""

    def __init__(
        self, root: Path, files: frozenset[str] | None = None, project: Project | None = None
    ) -> None:
        self.root = root
        self._files = files
        self._project = project
        self.renames: dict[str, str] = {}  # old path -> newest path (``load_renames``)
        self._renames_loaded = False
        # (parsed doc, its claims) by doc path (see ``extract.claims_of``)
        self.claims: dict[Path, tuple[Any, Any]] = {}
        # other per-run views built from the file list on first use (``pynames.Modules``)
        self.memo: dict[str, Any] = {}
        self._scanned: dict[str, list[str]] = {}  # ``_named`` before the index is built

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

    def anywhere(self, name: str, *, kiro: bool = False) -> list[str]:
        """Every file (or folder, for `name/`) with this last component, outside `.kiro/`
        (a copy kept beside the docs is not where the code went) unless ``kiro``: a
        name in prose (`tasks.md`) may be one of the specs' files."""
        return sorted(p for p in self._named(name) if kiro or not p.startswith(".kiro/"))

    def _named(self, name: str) -> list[str]:
        """The paths whose last component is ``name``: the first few names asked are
        found by a scan of the list (a run with a dead claim or two asks few), more
        from an index of every name (a doc with many dead paths)."""
        if "_by_name" in self.__dict__ or len(self._scanned) >= _SCANS_BEFORE_INDEX:
            return self._by_name.get(name, [])
        found = self._scanned.get(name)
        if found is None:
            found = self._scanned[name] = self._scan(name)
        return found

    def _scan(self, name: str) -> list[str]:
        folder = name[:-1] if name.endswith("/") else None
        last = name if folder is None else folder
        if not last or "/" in last:
            return []  # no last component holds a slash
        tail = "/" + last
        if folder is None:
            return [p for p in self.files if p.endswith(tail) or p == last]
        return [d + "/" for d in self.dirs if d.endswith(tail) or d == last]

    def moved_to(self, path: str) -> list[str]:
        """Where a missing ``path`` may live now: its git rename, else the paths ending in
        its longest trailing part that matches anything (one entry: unambiguous)."""
        clean = path.strip("/")
        renamed = self.renamed(clean)
        if renamed is not None:
            return [renamed + ("/" if path.endswith("/") else "")]
        parts = clean.split("/")
        is_dir = path.endswith("/")
        last = parts[-1] + ("/" if is_dir else "")
        candidates = self.anywhere(last)
        if not candidates and not is_dir:
            candidates = self.restamped(last)
        if len(parts) == 1:
            return candidates
        # prefer the candidates that keep more of the claimed path: `a/b/c.py` over `c.py`
        for keep in range(len(parts), 1, -1):
            tail = "/" + "/".join(parts[-keep:]) + ("/" if is_dir else "")
            narrowed = [c for c in candidates if ("/" + c).endswith(tail)]
            if narrowed:
                return narrowed
        return [] if is_dir else candidates

    @cached_property
    def _by_unstamped_name(self) -> dict[str, list[str]]:
        names: dict[str, list[str]] = defaultdict(list)
        for path in self.files:
            name = path.rpartition("/")[2]
            unstamped = _STAMP_RE.sub("", name)
            if unstamped != name and not path.startswith(".kiro/"):
                names[unstamped].append(path)
        return names

    def restamped(self, name: str) -> list[str]:
        """The files that carry ``name`` under another date-time stamp: teams that stamp
        file names (`0830_17_52_playwright.config.js`) give a new version a new stamp
        (`0914_10_00_playwright.config.js`)."""
        unstamped = _STAMP_RE.sub("", name)
        if unstamped == name or not unstamped:
            return []
        return sorted(self._by_unstamped_name.get(unstamped, ()))

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
            # the walk's own reader: bounded, compiled safely, no link out of the repository
            known = base == "" or base in self.dirs
            self._gitignores[base] = gitignore_at(self.root, self.root / base) if known else None
        return self._gitignores[base]

    def load_renames(self) -> None:
        """Old -> new paths from the git history (bounded in commits and time); nothing
        when the root is not a git checkout or git is missing. A slow git keeps the
        newest commits it gave before the deadline: the latest moves are the likeliest."""
        if self._renames_loaded or not (self.root / ".git").exists():
            return
        self._renames_loaded = True
        import subprocess  # only when a path is dead: most runs never start git

        command = [
            "git", "-c", "core.fsmonitor=", "-C", str(self.root), "log", "--no-ext-diff",
            "--no-textconv", "--diff-filter=R", "--name-status", "--format=",
            "-M", f"-n{GIT_MAX_COMMITS}", "--", ".",
        ]  # fmt: skip
        try:
            raw = subprocess.run(
                command, capture_output=True, timeout=GIT_TIMEOUT, check=False
            ).stdout
        except subprocess.TimeoutExpired as late:
            partial = late.stdout or b""
            raw = partial[: partial.rfind(b"\n") + 1]  # never a half-written row
        except (OSError, subprocess.SubprocessError):
            return
        self.renames.update(renames_from_log(raw.decode("utf-8", "replace")))

    def renamed(self, path: str) -> str | None:
        """Where git says ``path`` went, rename after rename (`a -> b` then `b -> c` is `c`),
        when that place is there now."""
        seen = {path}
        current = self.renames.get(path)
        while current is not None and current not in seen and len(seen) < 50:
            if self.exists(current):
                return current
            seen.add(current)
            current = self.renames.get(current)
        return None


def renames_from_log(log: str) -> dict[str, str]:
    """Old -> new paths from `git log --name-status --diff-filter=R` output (newest
    first): each file's latest rename, and a folder's when every file renamed out of it
    agrees where it went.

    A folder moved with its files when they keep their names under it: `services/a.py ->
    app/services/email/a.py` and `services/b.py -> app/services/user/b.py` move
    `services/` to `app/services/` (the deepest folder holding every new place, which
    still has the old folder's name); `docs/steering/x.md -> docs/x.md` for every file
    moves `docs/steering/` to `docs/`. Files scattered to many folders move no folder.
    """
    files: dict[str, str] = {}
    targets: dict[str, set[str]] = defaultdict(set)  # old folder -> new folders of its files
    scattered: set[str] = set()  # folders some file left without the path below them
    for row in log.splitlines():
        fields = row.split("\t")
        if len(fields) != 3 or not fields[0].startswith("R"):
            continue
        old, new = fields[1], fields[2]
        files.setdefault(old, new)  # newest first: the first rename seen is the latest
        if posixpath.basename(old) != posixpath.basename(new):
            continue
        # each folder on the old path moved to where the part below it now hangs, when
        # the new path keeps that part (`security/core/x.py -> app/core/security/core/x.py`:
        # `security/core` -> `app/core/security/core`, `security` -> `app/core/security`)
        folder, below = posixpath.dirname(old), posixpath.basename(old)
        while folder and not new.startswith(folder + "/"):
            if ("/" + new).endswith("/" + below):
                targets[folder].add(new[: len(new) - len(below)].rstrip("/"))
            else:
                scattered.add(folder)
            below = posixpath.basename(folder) + "/" + below
            folder = posixpath.dirname(folder)
    found: dict[str, str] = {}
    for folder, places in targets.items():
        if folder in scattered:
            continue
        if len(places) == 1:
            if "" not in places:
                found[folder] = next(iter(places))
            continue
        common = posixpath.commonpath(sorted(places)) if "" not in places else ""
        name = posixpath.basename(folder)
        while common and posixpath.basename(common) != name:
            common = posixpath.dirname(common)
        if common:
            found[folder] = common
    found.update(files)  # a file's own record wins over its folder's
    return found
