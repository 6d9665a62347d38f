"""Choose the form of the session rewrite so that no commit is lost.

The deprecated context manager commits when its block succeeds. ``with
db_manager.get_session() as s:`` keeps that only when ``get_session()`` is itself a
context manager that commits; on a plain SQLAlchemy session the ``with`` exit closes
without committing. So ``with`` is chosen only when configured or when the repository
defines ``get_session()`` as a committing ``@contextmanager``, whatever the docs show;
a doc that recommends ``with`` where it would drop commits is reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from steeringsync.config import SessionMigration
from steeringsync.fix.idiom import Factory, FactoryVerdict
from steeringsync.steering.document import SteeringDoc

TRY_FINALLY = "try-finally"
WITH = "with"
# a block introduced like this shows what not to do, not the After pattern
NEGATIVE_LEAD = re.compile(r"\b(before|avoid|don'?t|do not|deprecated|wrong|bad|old)\b", re.I)


def resolve_style(migration: SessionMigration, factory: FactoryVerdict) -> str:
    """The configured style, else "with" for a committing context manager, else try-finally."""
    if migration.replacement_style is not None:
        return migration.replacement_style
    return WITH if factory.kind is Factory.COMMITTING_CM else TRY_FINALLY


@dataclass(frozen=True)
class WithRecommendation:
    """A doc's After example using ``with <replacement>.get_session()``."""

    doc: SteeringDoc
    line: int


def with_recommendations(
    migration: SessionMigration, docs: Iterable[SteeringDoc]
) -> Iterator[WithRecommendation]:
    pattern = re.compile(rf"^\s*with\s+{re.escape(migration.replacement)}\.get_session\(", re.M)
    for doc in docs:
        for block in doc.code_blocks:
            if block.lang not in ("python", "py", "") or NEGATIVE_LEAD.search(block.lead):
                continue
            for match in pattern.finditer(block.content):
                offset = block.content.count("\n", 0, match.start())
                yield WithRecommendation(doc, block.content_line + offset)


def dropped_commit_notices(
    migration: SessionMigration,
    docs: Iterable[SteeringDoc],
    factory: FactoryVerdict,
    display: Callable[[Path], str] = Path.as_posix,
) -> list[str]:
    """One notice per doc line recommending a ``with`` that would drop commits here."""
    if factory.kind is not Factory.PLAIN:
        return []
    notices = []
    for rec in with_recommendations(migration, docs):
        where = display(rec.doc.path)
        notices.append(
            f"{where}:{rec.line}: recommends `with {migration.replacement}.get_session()`, "
            f"but `get_session()` ({factory.where}) returns a plain session, whose `with` "
            "exit closes without committing; --fix keeps the try/commit/rollback/close form"
        )
    return notices
