"""The replacement style follows the configuration, else the steering docs' After example."""

from __future__ import annotations

from pathlib import Path

from steeringsync.config import SessionMigration
from steeringsync.fix.style import resolve_style
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


def test_docs_showing_the_with_form_select_it() -> None:
    assert resolve_style(SessionMigration(), [doc(WITH_AFTER)]) == "with"


def test_try_finally_is_the_default() -> None:
    assert resolve_style(SessionMigration(), []) == "try-finally"
    assert resolve_style(SessionMigration(), [doc(TRY_AFTER)]) == "try-finally"


def test_a_block_introduced_as_the_before_case_is_not_the_after_pattern() -> None:
    assert resolve_style(SessionMigration(), [doc(WITH_AS_BEFORE)]) == "try-finally"


def test_configuration_wins_over_the_docs() -> None:
    configured = SessionMigration(replacement_style="try-finally")
    assert resolve_style(configured, [doc(WITH_AFTER)]) == "try-finally"
