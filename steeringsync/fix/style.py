"""Resolve the target style of the session rewrite, following the steering docs by default."""

from __future__ import annotations

import re
from collections.abc import Iterable

from steeringsync.config import SessionMigration
from steeringsync.steering.document import SteeringDoc

TRY_FINALLY = "try-finally"
WITH = "with"
# a block introduced like this shows what not to do, not the After pattern
NEGATIVE_LEAD = re.compile(r"\b(before|avoid|don'?t|do not|deprecated|wrong|bad|old)\b", re.I)


def resolve_style(migration: SessionMigration, docs: Iterable[SteeringDoc]) -> str:
    """The configured style, else "with" when a doc's After example uses it, else try-finally."""
    if migration.replacement_style is not None:
        return migration.replacement_style
    pattern = re.compile(rf"^\s*with\s+{re.escape(migration.replacement)}\.get_session\(", re.M)
    for doc in docs:
        for block in doc.code_blocks:
            if block.lang not in ("python", "py", "") or NEGATIVE_LEAD.search(block.lead):
                continue
            if pattern.search(block.content):
                return WITH
    return TRY_FINALLY
