"""The replacement style keeps the commit; docs recommending a dropping `with` are reported."""

from __future__ import annotations

from pathlib import Path

from steeringsync.config import SessionMigration
from steeringsync.fix.idiom import Factory, FactoryVerdict
from steeringsync.fix.style import dropped_commit_notices, resolve_style
from steeringsync.steering.document import parse_text

WITH_AFTER = """# Database sessions

Use the pooled manager instead:

```python
with db_manager.get_session() as session:
    session.add(row)
```
"""
WITH_AS_BEFORE = """# Database sessions

Before (deprecated):

```python
with db_manager.get_session() as session:
    session.add(row)
```
"""
TRY_AFTER = """# Database sessions

```python
session = db_manager.get_session()
try:
    session.add(row)
finally:
    db_manager.close_session(session)
```
"""


def doc(text: str):
    return parse_text(Path("db.md"), text)


PLAIN = FactoryVerdict(Factory.PLAIN, "app/db.py:10")
COMMITTING = FactoryVerdict(Factory.COMMITTING_CM, "app/db.py:10")


def test_with_only_for_a_committing_context_manager() -> None:
    assert resolve_style(SessionMigration(), COMMITTING) == "with"
    assert resolve_style(SessionMigration(), PLAIN) == "try-finally"
    assert resolve_style(SessionMigration(), FactoryVerdict()) == "try-finally"


def test_configuration_wins() -> None:
    assert resolve_style(SessionMigration(replacement_style="with"), PLAIN) == "with"


def test_a_doc_recommending_with_over_a_plain_session_is_reported_at_its_line() -> None:
    [notice] = dropped_commit_notices(SessionMigration(), [doc(WITH_AFTER)], PLAIN)
    assert notice.startswith("db.md:6: recommends `with db_manager.get_session()`")
    assert "app/db.py:10" in notice and "without committing" in notice


def test_no_report_where_with_is_right_or_unknown_or_shown_as_the_before_case() -> None:
    assert dropped_commit_notices(SessionMigration(), [doc(WITH_AFTER)], COMMITTING) == []
    assert dropped_commit_notices(SessionMigration(), [doc(WITH_AFTER)], FactoryVerdict()) == []
    assert dropped_commit_notices(SessionMigration(), [doc(WITH_AS_BEFORE)], PLAIN) == []
    assert dropped_commit_notices(SessionMigration(), [doc(TRY_AFTER)], PLAIN) == []
