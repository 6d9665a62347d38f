"""Load ``[tool.steeringsync]`` from pyproject.toml or a standalone steeringsync.toml.

Each key is declared once in a schema (name, type, default); an unknown key, a wrong
type or a bad glob is a :class:`ConfigError` naming the file and the key.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import pathspec

from steeringsync.errors import ConfigError
from steeringsync.ignore_spec import gitignore_spec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

STANDALONE_NAME = "steeringsync.toml"
REPLACEMENT_STYLES = ("try-finally", "with")


@dataclass(frozen=True)
class SessionMigration:
    """The deprecated session pattern and what replaces it (``[…session-migration]``)."""

    deprecated: str = "unified_session_manager.get_db_session"
    replacement: str = "db_manager"
    replacement_import: str | None = None
    commit_on_exit: bool = True
    # None: "with" when the repository's get_session() is a committing context manager
    replacement_style: str | None = None
    # how a function obtains the replacement, e.g. "current_app.config['db_manager']";
    # None: learned from the repository's own assignments
    replacement_binding: str | None = None

    @property
    def manager(self) -> str:
        return self.deprecated.rpartition(".")[0]

    @property
    def method(self) -> str:
        return self.deprecated.rpartition(".")[2]


@dataclass(frozen=True)
class Config:
    steering_dir: str = ".kiro/steering"
    include: tuple[str, ...] = ("*.py",)
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    # (glob, codes): findings in matching files with these codes are not reported
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    max_file_size: int = 4 * 1024 * 1024
    env_files: tuple[str, ...] = (
        ".env.example",
        ".env.sample",
        ".env.template",
        "env.example",
        "env.sample",
        "env.template",
        "*.env",
        ".env.*",
        "*.env.example",
        "*.env.sample",
    )
    drift_include: tuple[str, ...] = ()
    drift_exclude: tuple[str, ...] = ()
    session_migration: SessionMigration = field(default_factory=SessionMigration)
    # where the configuration came from, for messages; None means defaults only
    source: Path | None = None

    @property
    def excluded_globs(self) -> tuple[str, ...]:
        return (*self.exclude, *self.extend_exclude)

    def exclude_spec(self) -> pathspec.GitIgnoreSpec:
        return gitignore_spec(self.excluded_globs)

    def selection(self) -> tuple[str, ...]:
        """``select`` plus ``extend-select``; empty means every rule."""
        return (*self.select, *self.extend_select) if self.select else ()

    def code_lists(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """(key, codes) of every setting naming rule codes, to check they exist."""
        yield "select", self.select
        yield "extend-select", self.extend_select
        yield "ignore", self.ignore
        for glob, codes in self.per_file_ignores:
            yield f"per-file-ignores.{glob}", codes

    def include_spec(self) -> pathspec.GitIgnoreSpec:
        return gitignore_spec(self.include)


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise TypeError("expected a positive integer")
    return value


def _strs(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("expected a list of strings")
    return tuple(value)


def _inside_dir(value: Any) -> str:
    """A folder inside the repository: relative, no `..` (a repository's own
    configuration must not point the tool at the rest of the machine)."""
    text = _str(value)
    parts = text.replace("\\", "/").split("/")
    if not text.strip() or text.startswith(("/", "\\", "~")) or ".." in parts or ":" in parts[0]:
        raise ValueError(f"expected a folder inside the repository, got {text!r}")
    return text


def _globs(value: Any) -> tuple[str, ...]:
    patterns = _strs(value)
    for pattern in patterns:
        try:
            gitignore_spec([pattern])
        except Exception as exc:  # pathspec raises several types for bad patterns
            raise ValueError(f"bad glob {pattern!r}: {exc}") from None
    return patterns


def _codes(value: Any) -> tuple[str, ...]:
    codes = _strs(value)
    for code in codes:
        if not code.isalnum() or not code[:1].isalpha():
            raise ValueError(f"{code!r} is not a rule code or prefix (e.g. SS001, SS3)")
    return tuple(c.upper() for c in codes)


def _per_file(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, Mapping):
        raise TypeError('expected a table of glob = ["CODE", ...]')
    return tuple(
        (glob, _codes(codes))
        for glob, codes in zip(_globs(list(value)), value.values(), strict=True)
    )


def _dotted(value: Any) -> str:
    text = _str(value)
    parts = text.split(".")
    if len(parts) < 2 or not all(p.isidentifier() for p in parts):
        raise ValueError(f"expected `manager.method`, got {text!r}")
    return text


def _identifier(value: Any) -> str:
    text = _str(value)
    if not all(p.isidentifier() for p in text.split(".")):
        raise ValueError(f"{text!r} is not a Python name")
    return text


def _import_line(value: Any) -> str:
    text = _str(value).strip()
    if not (text.startswith("from ") or text.startswith("import ")):
        raise ValueError(f"expected an import statement, got {text!r}")
    try:
        compile(text, "<config>", "exec")
    except SyntaxError:
        raise ValueError(f"{text!r} is not a valid import statement") from None
    return text


def _expression(value: Any) -> str:
    text = _str(value).strip()
    try:
        compile(text, "<config>", "eval")
    except SyntaxError:
        raise ValueError(f"{text!r} is not a Python expression") from None
    return text


def _style(value: Any) -> str:
    text = _str(value)
    if text not in REPLACEMENT_STYLES:
        raise ValueError(f"expected one of {', '.join(REPLACEMENT_STYLES)}, got {text!r}")
    return text


Converter = Callable[[Any], Any]

# TOML key -> (dataclass attribute, converter). New keys are added here and nowhere else.
TOP_LEVEL: dict[str, tuple[str, Converter]] = {
    "steering-dir": ("steering_dir", _inside_dir),
    "include": ("include", _globs),
    "exclude": ("exclude", _globs),
    "extend-exclude": ("extend_exclude", _globs),
    "respect-gitignore": ("respect_gitignore", _bool),
    "select": ("select", _codes),
    "extend-select": ("extend_select", _codes),
    "ignore": ("ignore", _codes),
    "per-file-ignores": ("per_file_ignores", _per_file),
    "max-file-size": ("max_file_size", _int),
    "env-files": ("env_files", _globs),
    "drift-include": ("drift_include", _globs),
    "drift-exclude": ("drift_exclude", _globs),
}
SESSION_MIGRATION: dict[str, tuple[str, Converter]] = {
    "deprecated": ("deprecated", _dotted),
    "replacement": ("replacement", _identifier),
    "replacement-import": ("replacement_import", _import_line),
    "commit-on-exit": ("commit_on_exit", _bool),
    "replacement-style": ("replacement_style", _style),
    "replacement-binding": ("replacement_binding", _expression),
}


def _convert(
    table: Mapping[str, Any],
    schema: dict[str, tuple[str, Converter]],
    prefix: str,
    path: Path,
    skip: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key in skip:
            continue
        if key not in schema:
            known = ", ".join(sorted(set(schema) | skip))
            raise ConfigError(f"unknown key (known keys: {known})", path=path, key=prefix + key)
        attr, convert = schema[key]
        try:
            out[attr] = convert(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(str(exc), path=path, key=prefix + key) from None
    return out


def parse_table(table: Mapping[str, Any], path: Path, prefix: str = "") -> Config:
    """Build a :class:`Config` from an already-read ``[tool.steeringsync]`` table."""
    values = _convert(table, TOP_LEVEL, prefix, path, skip=frozenset({"session-migration"}))
    migration_table = table.get("session-migration", {})
    if not isinstance(migration_table, Mapping):
        raise ConfigError("expected a table", path=path, key=prefix + "session-migration")
    migration = _convert(migration_table, SESSION_MIGRATION, prefix + "session-migration.", path)
    return Config(session_migration=SessionMigration(**migration), source=path, **values)


def read_toml(path: Path) -> dict[str, Any]:
    from steeringsync.sandbox import read_regular

    try:
        data: dict[str, Any] = tomllib.loads(read_regular(path).decode("utf-8"))
        return data
    except UnicodeDecodeError:
        raise ConfigError("invalid TOML: not UTF-8", path=path) from None
    except RecursionError:
        raise ConfigError("invalid TOML: nested too deeply", path=path) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=path) from None


def load_file(path: Path) -> Config:
    """Load an explicit config file: a steeringsync.toml, or a pyproject.toml's tool table."""
    data = read_toml(path)
    if path.name == "pyproject.toml":
        tool = data.get("tool", {}).get("steeringsync", {})
        if not isinstance(tool, Mapping):
            raise ConfigError("expected a table", path=path, key="tool.steeringsync")
        return parse_table(tool, path, prefix="tool.steeringsync.")
    return parse_table(data, path)


def discover(root: Path) -> Config:
    """The project's configuration: steeringsync.toml wins over pyproject.toml, else defaults."""
    from steeringsync.sandbox import within

    for name in (STANDALONE_NAME, "pyproject.toml"):
        candidate = root / name
        # a committed link to a file elsewhere is not this repository's configuration
        if candidate.is_file() and within(root, candidate):
            return load_file(candidate)
    return Config()


def with_overrides(config: Config, **changes: Any) -> Config:
    """A copy with command-line overrides applied (only known fields)."""
    names = {f.name for f in fields(Config)}
    unknown = set(changes) - names
    if unknown:
        raise ValueError(f"unknown config fields: {sorted(unknown)}")
    return replace(config, **changes)
