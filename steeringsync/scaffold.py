"""``steeringsync init``: write what a repository needs, never overwriting without force.

Three pieces, each optional: the ``[tool.steeringsync]`` table with the session
migration detected from the code (in pyproject.toml, else a new steeringsync.toml), a
``.pre-commit-config.yaml`` entry, and a Kiro agent hook (``.kiro/hooks/*.kiro.hook``,
the IDE's format: ``when`` a file is edited, ``then`` ask the agent) that has the agent
run ``steeringsync check`` on what it just edited and act on the output.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from steeringsync.config import STANDALONE_NAME, Config, SessionMigration, discover, parse_table
from steeringsync.discovery import FileSelector, python_files
from steeringsync.errors import ConfigError, UsageError
from steeringsync.sandbox import within

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

PRE_COMMIT = ".pre-commit-config.yaml"
HOOK_PATH = ".kiro/hooks/steeringsync-check.kiro.hook"
# Kiro IDE hook files as the IDE writes them: version "1", when/then (see README)
HOOK_FORMAT_VERSION = "1"
MAX_SCANNED_BYTES = 1024 * 1024  # per file, for detection only

_IDENT = rb"[A-Za-z_][A-Za-z0-9_]*"


@dataclass(frozen=True)
class InitOptions:
    config: bool = True
    pre_commit: bool = True
    kiro_hook: bool = True
    force: bool = False


@dataclass(frozen=True)
class Step:
    path: str  # relative to the root
    outcome: str  # "created", "updated", "overwritten", "skipped"
    detail: str = ""


@dataclass
class Detected:
    """The session migration as the repository shows it; None where it shows nothing."""

    deprecated: str | None = None
    replacement: str | None = None
    replacement_import: str | None = None
    evidence: list[str] = field(default_factory=list)


# -- detection ----------------------------------------------------------------------------


def detect(root: Path) -> Detected:
    """Read the code and steering docs for the deprecated session call, its replacement
    manager and where that manager is imported from (the most common of each)."""
    default = SessionMigration()
    method = default.method.encode()
    deprecated: Counter[str] = Counter()
    replacement: Counter[str] = Counter()
    sources: list[bytes] = []
    for path in python_files((root,), FileSelector(root, _config(root))):
        data = _head(root, Path(path))
        if method in data or b"close_session" in data:
            sources.append(data)
            deprecated.update(_receivers(data, method))
            replacement.update(_receivers(data, b"close_session"))
    steering = root / Config().steering_dir
    if steering.is_dir():
        for doc in sorted(steering.rglob("*.md")):
            data = _head(root, doc)
            deprecated.update(_receivers(data, method))
            replacement.update(_receivers(data, b"close_session"))
    found = Detected()
    if deprecated:
        receiver, count = deprecated.most_common(1)[0]
        found.deprecated = f"{receiver}.{default.method}"
        found.evidence.append(f"`{found.deprecated}` used {count} time(s)")
    if replacement:
        receiver, count = replacement.most_common(1)[0]
        found.replacement = receiver
        found.evidence.append(f"`{receiver}.close_session` used {count} time(s)")
    name = (found.replacement or default.replacement).encode()
    modules: Counter[str] = Counter()
    pattern = re.compile(rb"^from\s+([\w.]+)\s+import\s+[^\n#]*\b" + re.escape(name) + rb"\b", re.M)
    for data in sources:
        modules.update(m.decode() for m in pattern.findall(data) if not m.startswith(b"."))
    if modules:
        module = modules.most_common(1)[0][0]
        found.replacement_import = f"from {module} import {name.decode()}"
    return found


def _config(root: Path) -> Config:
    """The repository's configuration where it has a valid one (excludes honoured)."""
    try:
        return discover(root)
    except ConfigError:
        return Config()


def _head(root: Path, path: Path) -> bytes:
    """The first bytes of a regular file inside ``root``: a link leaving the repository or a
    device, FIFO or socket reads as empty (the repository is untrusted, SECURITY.md)."""
    if not within(root, path):
        return b""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        return os.read(fd, MAX_SCANNED_BYTES)
    except OSError:
        return b""
    finally:
        os.close(fd)


def _receivers(data: bytes, method: bytes) -> list[str]:
    found = re.findall(rb"(" + _IDENT + rb")\s*\.\s*" + re.escape(method) + rb"\b", data)
    return [r.decode() for r in found if r not in (b"self", b"cls")]


# -- the configuration --------------------------------------------------------------------


def config_table(found: Detected, header: str) -> str:
    """The TOML to write: ``header`` is ``tool.steeringsync`` or "" (steeringsync.toml)."""
    default = SessionMigration()
    lines = ["# written by `steeringsync init`; see the README's Configuration section"]
    if header:
        lines.insert(0, f"[{header}]")
    lines.append(f'steering-dir = "{Config().steering_dir}"')
    lines.append("")
    lines.append(f"[{header + '.' if header else ''}session-migration]")
    if found.evidence:
        lines.append("# detected: " + "; ".join(found.evidence))
    lines.append(f"deprecated = {_toml(found.deprecated or default.deprecated)}")
    lines.append(f"replacement = {_toml(found.replacement or default.replacement)}")
    if found.replacement_import:
        lines.append(f"replacement-import = {_toml(found.replacement_import)}")
    return "\n".join(lines) + "\n"


def _toml(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def _write_config(root: Path, options: InitOptions) -> Step:
    found = detect(root)
    standalone = root / STANDALONE_NAME
    pyproject = root / "pyproject.toml"
    if standalone.exists() or not pyproject.exists():
        name = STANDALONE_NAME
        if standalone.exists() and not options.force:
            return Step(name, "skipped", "exists; --force replaces it")
        outcome = "overwritten" if standalone.exists() else "created"
        text = config_table(found, "")
        _check_config(text, standalone, tool=False)
        _write(root, standalone, text)
        return Step(name, outcome, "; ".join(found.evidence) or "defaults")
    old = _read_text(pyproject)
    try:
        data = tomllib.loads(old)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"pyproject.toml: invalid TOML ({exc}); nothing written") from None
    exists = "steeringsync" in data.get("tool", {})
    if exists and not options.force:
        return Step("pyproject.toml", "skipped", "has [tool.steeringsync]; --force replaces it")
    kept = _without_tables(old, "tool.steeringsync") if exists else old
    text = kept.rstrip("\n") + "\n\n" + config_table(found, "tool.steeringsync")
    _check_config(text, pyproject, tool=True)
    _write(root, pyproject, text)
    outcome = "overwritten" if exists else "updated"
    return Step("pyproject.toml", outcome, "; ".join(found.evidence) or "defaults")


def _without_tables(text: str, name: str) -> str:
    """``text`` without the ``[name]`` table and its sub-tables (headers to next header)."""
    out: list[str] = []
    skipping = False
    header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    for line in text.splitlines(keepends=True):
        match = header.match(line)
        if match:
            table = match.group(1).replace(" ", "")
            skipping = table == name or table.startswith(name + ".")
        if not skipping:
            out.append(line)
    return "".join(out)


def _check_config(text: str, path: Path, *, tool: bool) -> None:
    """The new file must load as steeringsync's configuration, or nothing is written."""
    data = tomllib.loads(text)
    table = data["tool"]["steeringsync"] if tool else data
    parse_table(table, path)


# -- pre-commit ---------------------------------------------------------------------------

DOCS_FILES = (
    r"^(\.kiro/steering/.*\.md|(.*/)?(\.env(\.[^/]+)?|[^/]+\.env)"
    r"|(.*/)?(pyproject|steeringsync)\.toml)$"
)
PRE_COMMIT_HOOKS = [
    {
        "id": "steeringsync",
        "name": "steeringsync check",
        "entry": "steeringsync check --",
        "language": "system",
        "types": ["python"],
        "require_serial": True,
    },
    {
        # docs, env files and configuration are checked with the whole project (the code
        # they describe is read too): a commit touching only them can break a claim
        "id": "steeringsync-docs",
        "name": "steeringsync check (steering docs)",
        "entry": "steeringsync check --",
        "language": "system",
        "files": DOCS_FILES,
        "pass_filenames": False,
        "require_serial": True,
    },
]


PRE_COMMIT_ENTRY = """\
- repo: local
  hooks:
    - id: steeringsync
      name: steeringsync check
      entry: steeringsync check --
      language: system
      types: [python]
      require_serial: true
    - id: steeringsync-docs
      name: steeringsync check (steering docs)
      entry: steeringsync check --
      language: system
      files: DOCS_FILES
      pass_filenames: false
      require_serial: true
""".replace("DOCS_FILES", DOCS_FILES)


def _pre_commit_entry(indent: str) -> str:
    # written by hand, not dumped, to read as people write it; a test holds it to
    # PRE_COMMIT_HOOKS
    return "".join(indent + line for line in PRE_COMMIT_ENTRY.splitlines(keepends=True))


def _write_pre_commit(root: Path) -> Step:
    path = root / PRE_COMMIT
    if not path.exists():
        _write(root, path, "repos:\n" + _pre_commit_entry("  "))
        return Step(PRE_COMMIT, "created")
    old = _read_text(path)
    try:
        data = yaml.safe_load(old)
    except yaml.YAMLError as exc:
        raise UsageError(f"{PRE_COMMIT}: invalid YAML ({exc}); nothing written") from None
    repos = data.get("repos") if isinstance(data, dict) else None
    hooks = [h for r in repos or [] if isinstance(r, dict) for h in r.get("hooks") or []]
    if any(isinstance(h, dict) and str(h.get("id", "")).startswith("steeringsync") for h in hooks):
        return Step(PRE_COMMIT, "skipped", "already has a steeringsync hook")
    new = _append_repo(old)
    if new is None or not _appended(yaml.safe_load(new), data):
        raise UsageError(
            f"{PRE_COMMIT}: cannot add the hook automatically (no block-style `repos:` "
            "list); add this entry under `repos:` by hand:\n" + _pre_commit_entry("  ")
        )
    _write(root, path, new)
    return Step(PRE_COMMIT, "updated")


def _append_repo(text: str) -> str | None:
    """``text`` with our repo added at the end of its block-style ``repos:`` list."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^repos:\s*(#.*)?$", line)), None)
    if start is None:
        return None
    end = len(lines)
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.strip() and not line[0].isspace() and not line.startswith(("#", "-")):
            end = i  # the next top-level key
            break
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # keep blank lines before the next key where they were
    item = next(
        (re.match(r"^(\s*)-", line) for line in lines[start + 1 : end] if line.strip()), None
    )
    indent = item.group(1) if item else "  "
    if end > 0 and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    return "".join(lines[:end]) + _pre_commit_entry(indent) + "".join(lines[end:])


def _appended(new: object, old: object) -> bool:
    if not (isinstance(new, dict) and isinstance(old, dict)):
        return False
    repos = new.get("repos")
    return (
        isinstance(repos, list)
        and repos[:-1] == old.get("repos")
        and repos[-1] == {"repo": "local", "hooks": PRE_COMMIT_HOOKS}
        and {k: v for k, v in new.items() if k != "repos"}
        == {k: v for k, v in old.items() if k != "repos"}
    )


# -- the Kiro agent hook ------------------------------------------------------------------


def kiro_hook(config: Config) -> dict[str, object]:
    """The hook: on an edit of a Python file or steering doc, the agent runs the check on
    it and acts on the output (``askAgent``: the only action whose result reaches the
    agent on every Kiro version)."""
    python = [p if "/" in p else f"**/{p}" for p in config.include]
    docs = f"{config.steering_dir.rstrip('/')}/**/*.md"
    prompt = (
        "A Python file or Kiro steering doc was just edited (the file that triggered "
        "this hook). Run `steeringsync check --quiet <that file>` in the terminal; for a "
        "steering doc run `steeringsync check --quiet` with no path (docs are checked "
        "with the whole project). Act on its output: fix each finding in what you just "
        "wrote (`steeringsync check --fix <file>` applies the safe fixes; "
        "`steeringsync rule CODE` explains a rule), then run the check again. If a "
        "finding looks wrong, say so to the user instead of suppressing it. If it "
        "reports no findings, reply only that the check passed."
    )
    return {
        "enabled": True,
        "name": "steeringsync check",
        "description": "Check each edited Python file or steering doc with steeringsync "
        "and have the agent fix what it reports.",
        "version": HOOK_FORMAT_VERSION,
        "when": {"type": "fileEdited", "patterns": [*python, docs]},
        "then": {"type": "askAgent", "prompt": prompt},
    }


def _write_hook(root: Path, config: Config, options: InitOptions) -> Step:
    path = root / HOOK_PATH
    exists = path.exists() or path.is_symlink()
    if exists and not options.force:
        return Step(HOOK_PATH, "skipped", "exists; --force replaces it")
    _write(root, path, json.dumps(kiro_hook(config), indent=2) + "\n")
    return Step(HOOK_PATH, "overwritten" if exists else "created")


# -- writing ------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path.name}: cannot read ({exc}); nothing written") from None


def _write(root: Path, path: Path, text: str) -> None:
    """Write inside the root only, never through a symlink (the repo is untrusted)."""
    for part in (path, *path.parents):
        if part == root:
            break
        if part.is_symlink():
            raise UsageError(f"{path.relative_to(root)}: refusing to write through a symlink")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.parent.resolve().is_relative_to(root.resolve()):
        raise UsageError(f"{path.relative_to(root)}: outside the repository")
    path.write_text(text, encoding="utf-8")


def init(root: Path, options: InitOptions) -> list[Step]:
    """Scaffold ``root``; each piece is skipped when present (unless ``force``)."""
    steps: list[Step] = []
    if options.config:
        steps.append(_write_config(root, options))
    if options.pre_commit:
        steps.append(_write_pre_commit(root))
    if options.kiro_hook:
        steps.append(_write_hook(root, _config(root), options))
    return steps
