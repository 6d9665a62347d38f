"""Cached facts back into typed reads: ordered, and tolerant of facts of another shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from steeringsync.drift.reads import COLLECTOR, CodeSetting, code_reads


def test_round_trip_order_and_stale_facts() -> None:
    setting = CodeSetting("K", "literal", "1", 3, 5, 3, 20, None)
    later = CodeSetting("K", "none", None, 1, 1, 1, 9, ["SS203"])
    facts: dict[str, list[tuple[Path, Any]]] = {
        COLLECTOR: [
            (Path("b.py"), later.to_fact()),
            (Path("a.py"), setting.to_fact()),
            (Path("c.py"), {"key": "K", "old_field": 1}),  # from a cache of another version
        ]
    }
    reads = code_reads(facts)
    assert [(r.path.name, r.setting) for r in reads] == [("a.py", setting), ("b.py", later)]
    assert reads[1].setting.suppresses("SS203") and not reads[0].setting.suppresses("SS203")
