"""The claims a steering doc makes, each with the doc position it was read from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PathClaim:
    """A repository path the doc names; ``bases`` are the folders (repository-relative,
    "" for the root) a reader would resolve it from, nearest context first."""

    text: str  # as written, e.g. `core/session.py` or `security/core/`
    line: int  # 1-based doc line
    column: int  # 0-based character offset of ``text`` in that line
    bases: tuple[str, ...] = ("",)
    kind: str = "inline"  # inline | tree | listing | command
    # a bare file name in running prose: a reader finds it by name wherever it lives
    by_name: bool = False

    @property
    def rewritable(self) -> bool:
        """Whether ``sync`` may rewrite the text in place (a tree entry's text is only
        its last component, so moving it means redrawing the tree)."""
        return self.kind != "tree"


@dataclass(frozen=True)
class ScriptClaim:
    """A `make target` or an `npm|pnpm|yarn run script` the doc tells the reader to run."""

    tool: str  # "make" or "npm"
    name: str
    line: int
    column: int
    cwd: str = ""  # repository-relative folder the command runs in
    workspace: str | None = None  # `-w pkg`, `--filter pkg`, `yarn workspace pkg`
    explicit: bool = True  # `npm run x`, not `pnpm x` (which may run a binary instead)


@dataclass(frozen=True)
class ModuleClaim:
    """A dotted first-party module the doc runs or imports (`python -m app.main`,
    `from app.core import Config`); ``names`` are the names imported from it."""

    module: str
    line: int
    column: int
    names: tuple[str, ...] = ()
    run: bool = False  # `python -m module` (SS307), not an import (SS308)


@dataclass(frozen=True)
class NameClaim:
    """A backticked Python name in prose: `SessionManager`, `create_user()`, `A.b()`."""

    name: str  # the first (or only) part
    attribute: str | None  # `method` of `Class.method`
    line: int
    column: int
