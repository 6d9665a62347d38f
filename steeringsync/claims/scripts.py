"""Makefile targets and package.json scripts (workspaces included) a repository defines."""

from __future__ import annotations

import json
import posixpath
import re
from functools import cached_property

from steeringsync.claims.repo import RepoIndex

MAX_BYTES = 1024 * 1024
_TARGET_RE = re.compile(r"^([^\s:=#][^:=#\n]*?)[ \t]*::?(?!=)", re.MULTILINE)
_MAKEFILES = ("Makefile", "makefile", "GNUmakefile")
# files that mean the Makefile is written by a build system, its targets unknown here
_MAKE_GENERATORS = ("CMakeLists.txt", "configure", "Makefile.am")
_MAKE_NAMES = frozenset(_MAKEFILES + _MAKE_GENERATORS)
_MAKE_ENDINGS = (*("/" + name for name in _MAKE_NAMES), ".mk")


class Scripts:
    def __init__(self, index: RepoIndex) -> None:
        self.index = index

    @classmethod
    def of(cls, index: RepoIndex) -> Scripts:
        """One per run, like the index: every doc's commands share the Makefiles and
        package.json files read once."""
        known = index.memo.get("scripts")
        if not isinstance(known, Scripts):
            known = index.memo["scripts"] = cls(index)
        return known

    def _read(self, path: str) -> str | None:
        try:
            with open(self.index.root / path, "rb") as handle:
                return handle.read(MAX_BYTES).decode("utf-8", "replace")
        except OSError:
            return None

    @cached_property
    def make_targets(self) -> set[str] | None:
        """Targets of every Makefile; None when one can define targets we cannot see
        (an `include`, a pattern rule, or a build system that writes the Makefile)."""
        names: list[str] = []
        for path in self.index.files:  # one pass for all six names, not a lookup each
            if not (path.endswith(_MAKE_ENDINGS) or path in _MAKE_NAMES):
                continue
            base = path.rpartition("/")[2]
            if base not in _MAKE_NAMES or not path.startswith(".kiro/"):  # not a doc's copy
                if base in _MAKE_GENERATORS:
                    return None
                names.append(path)
        targets: set[str] = set()
        for path in names:
            text = self._read(path)
            if text is None:
                return None
            for match in _TARGET_RE.finditer(text):
                targets.update(match.group(1).split())
        return targets

    @cached_property
    def npm_scripts(self) -> dict[str, set[str]]:
        """package.json folder -> its script names (name and folder of each workspace)."""
        scripts: dict[str, set[str]] = {}
        for path in self.index.anywhere("package.json"):
            if "node_modules/" in path:
                continue
            text = self._read(path)
            try:
                data = json.loads(text) if text else None
            except ValueError:
                data = None
            if not isinstance(data, dict):
                continue
            for key in ("dependencies", "devDependencies", "peerDependencies"):
                deps = data.get(key)
                if isinstance(deps, dict):
                    self.dependencies.update(str(d).rpartition("/")[2] for d in deps)
            found = data.get("scripts")
            folder = posixpath.dirname(path)
            scripts[folder] = set(found) if isinstance(found, dict) else set()
            name = data.get("name")
            if isinstance(name, str):
                self.package_names[name] = folder
        return scripts

    @cached_property
    def package_names(self) -> dict[str, str]:
        return {}

    @cached_property
    def dependencies(self) -> set[str]:
        """Packages the package.json files depend on: `pnpm turbo` runs their binaries."""
        return set()

    def has_make_target(self, target: str) -> bool | None:
        targets = self.make_targets
        if targets is None:
            return None
        return target in targets

    def has_npm_script(
        self, name: str, workspace: str | None, *, explicit: bool = True
    ) -> bool | None:
        """Whether some package.json defines the script (the workspace's, when named);
        None when the repository has no package.json at all to ask."""
        scripts = self.npm_scripts
        if not scripts or (not explicit and name in self.dependencies):
            return None
        if workspace not in (None, "*"):
            folder = self.package_names.get(workspace)
            if folder is None and workspace.strip("./") in scripts:
                folder = workspace.strip("./")
            if folder is not None:
                return name in scripts[folder]
        return any(name in names for names in scripts.values())
