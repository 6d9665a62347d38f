"""Docs that cannot hold a claim are skipped before the claim readers load."""

from __future__ import annotations

from pathlib import Path

import pytest

from steeringsync.claims.prefilter import may_claim
from steeringsync.steering.document import parse_text


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        ("Database work goes through `db_manager`.\n\n```env\nA=1\n```\n", False),
        ("Plain prose, no code.\n", False),
        ("See `app/main.py`.\n", True),
        ("Run `make lint`.\n", True),
        ("Use `SessionManager`.\n", True),
        ("Call `close()`.\n", True),
        ("```\nsrc/\n  app.py\n```\n", True),
        ("```bash\nmake test\n```\n", True),
    ],
)
def test_may_claim(text: str, claims: bool) -> None:
    assert may_claim(parse_text(Path("doc.md"), text)) is claims
