"""Everything the drift rules compare, gathered once per check: docs, code reads, env files."""

from __future__ import annotations

import fnmatch
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from steeringsync.drift.doc_settings import DocSetting, extract
from steeringsync.drift.env_files import EnvSetting, env_settings
from steeringsync.drift.mentions import NameIndex, doc_names, occurrences
from steeringsync.drift.reads import LITERAL, CodeRead, code_reads
from steeringsync.drift.values import is_placeholder, normalize
from steeringsync.project import Project

TEST_DIRS = frozenset({"tests", "test", "testing"})
# Folders of copied-in code: its settings are another project's
VENDORED_DIRS = frozenset({"vendor", "vendored", "_vendor", "third_party", "third-party", ".kiro"})
# Folders of stand-alone scripts: each script is run on its own, with its own defaults
SCRIPT_DIRS = frozenset(
    {
        "scripts",
        "script",
        "tools",
        "bin",
        "examples",
        "example",
        "demo",
        "demos",
        "debug",
        "backup",
        "docker",
    }
)
# Files that make a folder its own deployable unit (a package, a service, a function)
DEPLOYABLE_MARKERS = (
    "pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "Dockerfile",
    "package.json", "handler.py", "lambda_function.py", "template.yaml", "serverless.yml",
)  # fmt: skip


def is_default(read: CodeRead) -> bool:
    """A literal the setting falls back to: not a write (``setdefault``), not a fallback
    only shown in a message, not one environment's settings subclass, not empty ("unset")
    and not a placeholder."""
    s = read.setting
    return (
        s.state == LITERAL
        and not s.use
        and bool((s.default or "").strip())
        and not is_placeholder(s.default or "")
    )


def is_vendored(relative: str) -> bool:
    return any(p in VENDORED_DIRS for p in relative.split("/")[:-1])


def is_test_file(relative: str) -> bool:
    """Test code reads knobs of its own (``TEST_POSTGRES_URL``); they are not user settings."""
    parts = relative.split("/")
    name = parts[-1]
    return (
        any(p in TEST_DIRS for p in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


@dataclass
class DriftModel:
    project: Project
    documented: list[DocSetting] = field(default_factory=list)
    # application code only; reads in test files are in `test_reads`
    reads: list[CodeRead] = field(default_factory=list)
    test_reads: list[CodeRead] = field(default_factory=list)
    env: list[EnvSetting] = field(default_factory=list)
    _units: dict[Path, str] = field(default_factory=dict, repr=False)

    @functools.cached_property
    def doc_names(self) -> set[str]:
        """The names the steering docs (and files they include) mention; no walk."""
        return doc_names(self.project)

    def occurring(self, keys: set[str]) -> NameIndex:
        """Where these setting names occur in the repository's other files: a walk of the
        repository, so rules ask it only for their candidate findings."""
        return occurrences(self.project, keys)

    def example_env(self) -> list[EnvSetting]:
        """Settings of the example/template env files (not of environment overrides)."""
        return [e for e in self.env if is_example_env(e.path.name)]

    def is_script(self, path: Path) -> bool:
        """A stand-alone script (under ``scripts/``, ``tools/``, …): its own defaults."""
        return any(p in SCRIPT_DIRS for p in self.project.relative(path).split("/")[:-1])

    def deployable(self, path: Path) -> str:
        """The unit ``path`` is deployed with: the nearest folder holding a package,
        service or function marker; a stand-alone script is a unit of its own."""
        relative = self.project.relative(path)
        parts = relative.split("/")[:-1]
        if self.is_script(path):
            return relative
        known = self._units.get(path.parent)
        if known is not None:
            return known
        unit = ""
        for n in range(len(parts), 0, -1):
            folder = self.project.root.joinpath(*parts[:n])
            if any((folder / marker).is_file() for marker in DEPLOYABLE_MARKERS):
                unit = "/".join(parts[:n])
                break
        self._units[path.parent] = unit
        return unit

    def where(self, path: Path, line: int) -> str:
        return f"{self.project.relative(path)}:{line}"

    def reads_of(self, key: str) -> list[CodeRead]:
        return [r for r in self.reads if r.setting.key == key]

    def read_keys(self) -> set[str]:
        return {r.setting.key for r in (*self.reads, *self.test_reads)}

    def literal_defaults(self, key: str) -> list[CodeRead]:
        return [r for r in self.reads_of(key) if r.setting.state == LITERAL]

    def code_default(self, key: str) -> str | None:
        """The one literal default the code gives ``key``; None when absent or conflicting."""
        values = {normalize(r.setting.default or "") for r in self.literal_defaults(key)}
        if len(values) != 1:
            return None
        return next(r.setting.default for r in self.literal_defaults(key))

    def by_key(self) -> dict[str, list[CodeRead]]:
        grouped: dict[str, list[CodeRead]] = defaultdict(list)
        for read in self.reads:
            grouped[read.setting.key].append(read)
        return grouped


_EXAMPLE_WORDS = ("example", "sample", "template", "dist", "defaults", "default")


def is_example_env(name: str) -> bool:
    """``.env.example``, ``env.sample``, ``app.env.template``: the documented defaults.
    ``.env.development``, ``.env.docker``, ``prod.env``: overrides for one environment."""
    parts = name.lower().replace("-", ".").replace("_", ".").split(".")
    return any(p in _EXAMPLE_WORDS for p in parts)


def in_scope(key: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    """``drift-include``/``drift-exclude`` are globs on setting names (``TEST_*``)."""
    if include and not any(fnmatch.fnmatchcase(key, p) for p in include):
        return False
    return not any(fnmatch.fnmatchcase(key, p) for p in exclude)


_LAST: tuple[Project, dict[str, Any], DriftModel] | None = None


def build(project: Project, facts: dict[str, list[tuple[Path, Any]]]) -> DriftModel:
    """The model for one check; the four drift rules share it instead of rebuilding it."""
    global _LAST
    if _LAST is not None and _LAST[0] is project and _LAST[1] is facts:
        return _LAST[2]
    config = project.config

    def scoped(key: str) -> bool:
        return in_scope(key, config.drift_include, config.drift_exclude)

    model = DriftModel(project)
    for doc in project.docs:
        model.documented.extend(s for s in extract(doc) if scoped(s.key))
    for read in code_reads(facts):
        if scoped(read.setting.key) and not is_vendored(project.relative(read.path)):
            test = is_test_file(project.relative(read.path))
            (model.test_reads if test else model.reads).append(read)
    model.env = [s for s in env_settings(project) if scoped(s.key)]
    _LAST = (project, facts, model)
    return model
