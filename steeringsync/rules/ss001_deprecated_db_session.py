"""SS001: uses of the deprecated database-session context manager."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from steeringsync.config import SessionMigration
from steeringsync.fix.idiom import Factory, RepoIdiom, combine, file_facts
from steeringsync.fix.style import dropped_commit_notices, resolve_style
from steeringsync.project import Project
from steeringsync.python.deprecated_calls import DeprecatedCall, Shape
from steeringsync.python.source import PythonSource
from steeringsync.rules.base import FactCollector, Invalid, PythonRule
from steeringsync.types import Applicability, Finding

if TYPE_CHECKING:
    from steeringsync.fix.scope import SitePlanner


@dataclass(frozen=True)
class IdiomCollector(FactCollector):
    """Each file's assignments of the replacement in functions and its ``get_session``
    definitions (``fix/idiom.py``), cached with the file like any fact."""

    replacement: str
    name: ClassVar[str] = "session-idiom"

    @property
    def triggers(self) -> tuple[bytes, ...]:
        return (self.replacement.partition(".")[0].encode(), b"def get_session")

    def collect(self, source: PythonSource) -> list[Any]:
        return file_facts(source.text, source.tree, self.replacement)


class DeprecatedDbSession(PythonRule):
    """
    ## What it does
    Flags every use of the deprecated database-session method, by default
    `unified_session_manager.get_db_session`: in a `with` statement, as a plain call, or
    passed along as a bound method. The receiver is recognised through attribute chains
    (`self.unified_session_manager`, `app.unified_session_manager`) and local aliases
    (`import … as usm`, `legacy = unified_session_manager`,
    `getattr(app, "unified_session_manager", None)`).

    ## Why is this bad?
    Sessions moved to Redis with a database fallback; database work now goes through
    `db_manager`. The old manager keeps its own connection handling, bypasses the pool
    the rest of the application uses, and is going away.

    ## Example
    ```python
    with unified_session_manager.get_db_session() as session:
        result = session.query(Model).all()
    ```

    ## Use instead
    ```python
    session = db_manager.get_session()
    try:
        result = session.query(Model).all()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        db_manager.close_session(session)
    ```

    ## Fix safety
    The fix (`steeringsync check --fix`) is safe: it keeps what the context manager did.
    It commits when the block ends normally, rolls back when any exception escapes (also
    when `commit()` fails) and always closes (`commit-on-exit = true`, the default; with
    `false` it is a plain `try`/`finally`). A block whose only exit is its final
    `return VALUE` computes `result = VALUE` before the commit and returns it after.
    Any other `return`, `break` or `continue` that leaves the block would skip a commit
    placed after it, and committing before each exit would evaluate a returned value
    after the commit; so such a block gets an inner `try`/`except`/`finally` that sets
    `session_failed = True` when an exception escapes and commits in its `finally`.
    `with a, OLD() as s, b:` is split into the nested blocks it means; a `with`
    without `as` gets a name unused in its function.

    `db_manager` is used only where Python binds it on every path to the site: a name
    assigned anywhere in a function is local to all of it, so a later or branch-only
    assignment does not count. `self.unified_session_manager` becomes
    `self.db_manager` when the class sets that attribute. Where `db_manager` is not
    bound, the fix binds it the way the repository does: the dominant
    `db_manager = <expression>` of its functions (e.g.
    `current_app.config['db_manager']`, or `replacement-binding` when configured), put
    right before the site, or replacing a local fetch of the old manager
    (`usm = getattr(current_app, 'unified_session_manager', None)`,
    `current_app.unified_session_manager`, `app.extensions[...]`) whose guards
    (`if not usm:`) then test `db_manager`. The message and `--diff` say which binding
    was used and where it was learned. Else `replacement-import` is added; imports
    only the old code read are removed, function-level ones too.

    The `with db_manager.get_session() as s:` form is chosen only when the repository's
    `get_session()` is a `@contextmanager` that commits (or `replacement-style = "with"`
    is configured): on a plain session the `with` exit closes without committing. A
    steering doc recommending that form over a plain session is reported.

    Every rewrite is checked with pyflakes (ruff's F821, F823, F841, F401, F811): a
    site whose rewrite would leave a name undefined, unbound or unused is reverted and
    reported for manual migration.

    Left for manual migration, with the reason in the message: the replacement is not
    bound and no binding or `replacement-import` is known, a function that binds
    `db_manager` some other way, a `get_session()` that is a context manager without a
    commit, `async with`, arguments to the call, an `as` target that is not a simple
    name, a block that rebinds the session name, plain calls and bound-method
    references.
    """

    code = "SS001"
    name = "deprecated-db-session"
    summary = "Use of the deprecated database session manager"
    fix_applicability = Applicability.SAFE
    VALID = (
        "session = db_manager.get_session()\n",
        "# unified_session_manager.get_db_session() in a comment\n",
        "text = 'unified_session_manager.get_db_session()'\n",
        "cache_manager.get_db_session()\n",
        "class UnifiedSessionManager:\n"
        "    def get_db_session(self):\n"
        "        return self.get_db_session()\n",
    )
    INVALID = (
        Invalid("with unified_session_manager.get_db_session() as s:\n    s.query(M).all()\n"),
        Invalid(
            "def f(self):\n    with self.unified_session_manager.get_db_session():\n        pass\n"
        ),
        Invalid("import app.unified_session_manager as usm\nusm.get_db_session()\n"),
        Invalid(
            "legacy = getattr(app, 'unified_session_manager', None)\nrun(legacy.get_db_session)\n"
        ),
    )

    def __init__(
        self,
        migration: SessionMigration | None = None,
        style: str | None = None,
        idiom: RepoIdiom | None = None,
    ) -> None:
        self.migration = migration or SessionMigration()
        self.detector = DeprecatedCall.parse(self.migration.deprecated)
        # what the repository says about the replacement (learned once per run)
        self.idiom = idiom or RepoIdiom()
        # the resolved replacement style: configured, else what get_session() allows
        self.style = style or resolve_style(self.migration, self.idiom.factory)

    @classmethod
    def from_project(cls, project: Project) -> DeprecatedDbSession:
        # what the repository says is learned from the check's own facts (``learned``)
        return cls(project.config.session_migration)

    def collectors(self) -> Sequence[FactCollector]:
        return (IdiomCollector(self.migration.replacement),)

    def learned(
        self, project: Project, facts: Mapping[str, list[tuple[Path, Any]]]
    ) -> DeprecatedDbSession:
        found = facts.get(IdiomCollector.name, [])
        idiom = combine((project.relative(path), fact) for path, fact in found)
        migration = self.migration
        if migration.replacement_style is None:
            docs, factory = project.docs, idiom.factory
            project.notices.extend(
                dropped_commit_notices(migration, docs, factory, project.relative)
            )
        new = DeprecatedDbSession(migration, None, idiom)
        return self if new.plans_like(self) else new

    def plans_like(self, other: DeprecatedDbSession) -> bool:
        """Whether both plan every site alike (then the files need not be checked again):
        a plain or an unknown ``get_session()`` both mean try/commit/rollback/close."""
        plain = (Factory.PLAIN, Factory.UNKNOWN)
        mine, theirs = self.idiom.factory, other.idiom.factory
        return (
            self.style == other.style
            and self.idiom.binding == other.idiom.binding
            and (mine == theirs or (mine.kind in plain and theirs.kind in plain))
        )

    def planner(self, source: PythonSource) -> SitePlanner:
        """The site planner for one file; the fixer uses the same one as the check."""
        from steeringsync.fix.scope import SitePlanner

        return SitePlanner(
            source, self.migration, self.style, self.idiom.binding, self.idiom.factory
        )

    @property
    def triggers(self) -> tuple[bytes, ...]:
        return (self.detector.trigger,)

    def check_python(self, source: PythonSource) -> Iterable[Finding]:
        replacement = self.migration.replacement
        uses = self.detector.find(source.tree, source.nodes)
        plans = {}
        if any(use.shape is Shape.WITH for use in uses):
            plans = self.planner(source).plan(uses)  # only files with a use need it
        for use in uses:
            called = f"{use.receiver}.{self.detector.method}"
            message = (
                f"`{called}()` is deprecated: use `{replacement}.get_session()` and "
                f"`{replacement}.close_session(session)`"
            )
            applicability = Applicability.NONE
            loc = source.location(use.node)
            plan = plans.get((loc.line, loc.column))
            hint = ""
            if plan is not None and plan.fixable:
                applicability = Applicability.SAFE
                if plan.acquisition.note:
                    message += f" (the fix {plan.acquisition.note})"
            elif plan is not None:
                hint = f"not fixed automatically: {plan.reason}"
            if use.shape is Shape.REFERENCE:
                message = (
                    f"`{called}` is deprecated (passed as a reference): "
                    f"use `{replacement}.get_session`"
                )
            yield self.finding(source.path, loc, message, applicability=applicability, hint=hint)
