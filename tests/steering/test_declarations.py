"""Doc-declared deprecations: from front matter, from Before/After pairs, and their order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from steeringsync.config import Config
from steeringsync.project import Project
from steeringsync.steering.declarations import collect, declared_in, front_matter_problems
from steeringsync.steering.document import parse_text

FRONT = (
    "---\ndeprecations:\n"
    "  - pattern: legacy_cache.get_client\n    replacement: cache_manager.client\n"
    "    message: Use the shared cache manager\n"
    "  - pattern: app.metrics.send\n---\n# Doc\n"
)
PAIR = (
    "## Before (Deprecated)\n\n```python\nlogger.info('x')\nresult = old_api.fetch(url)  # ❌\n"
    "old_api.close()\nresp = result.json()\n```\n\n## After\n\n```python\n"
    "result = new_api.get(url)\nresp = result.json()\n```\n"
)


def test_front_matter_entries_in_order_with_line() -> None:
    found = declared_in(parse_text(Path("d.md"), FRONT))
    assert [(d.pattern, d.replacement, d.message, d.line, d.source) for d in found] == [
        (
            "legacy_cache.get_client",
            "cache_manager.client",
            "Use the shared cache manager",
            2,
            "front-matter",
        ),
        ("app.metrics.send", None, "", 2, "front-matter"),
    ]
    assert found[1].call.receiver == "metrics" and found[1].call.method == "send"


def test_pair_yields_only_marked_lines_when_several_calls_disappear() -> None:
    found = declared_in(parse_text(Path("d.md"), PAIR))
    # logger.info and old_api.close also disappear, but only the ❌ line declares
    assert [(d.pattern, d.replacement, d.source, d.line) for d in found] == [
        ("old_api.fetch", "new_api.get", "example", 3)
    ]


def test_pair_with_one_call_each_side_is_a_rename() -> None:
    text = (
        "**Before:**\n\n```python\nx = old.fetch(1)\n```\n\n"
        "**After:**\n\n```python\nx = new.get(1)\n```\n"
    )
    (decl,) = declared_in(parse_text(Path("d.md"), text))
    assert (decl.pattern, decl.replacement) == ("old.fetch", "new.get")


def test_locals_and_unparsable_blocks_declare_nothing() -> None:
    text = (
        "**Before:**\n\n```python\ns = make()\ns.query()\n```\n\n"
        "**After:**\n\n```python\ns = make()\ns.select()\n```\n\n"
        "**Before:**\n\n```python\nold.call(\n```\n\n**After:**\n\n```python\nnew.call()\n```\n"
    )
    assert declared_in(parse_text(Path("d.md"), text)) == []


def test_problems_in_the_deprecations_list() -> None:
    doc = parse_text(
        Path("d.md"),
        "---\ndeprecations:\n  - pattern: nodots\n  - 3\n  - pattern: a.b\n    replacment: c.d\n"
        "    message: 5\n---\n",
    )
    messages = [p.message for p in front_matter_problems(doc)]
    assert len(messages) == 4
    assert "`pattern` must be `receiver.method`" in messages[0]
    assert "must be a mapping" in messages[1]
    assert "unknown key `replacment`" in messages[2] and "`message` must be a string" in messages[3]
    assert front_matter_problems(parse_text(Path("d.md"), "---\ndeprecations: x\n---\n"))


def test_collect_dedupes_by_doc_path_order_and_skips_the_session_pattern(
    write_tree: Callable[[dict[str, str]], Path],
) -> None:
    session = (
        "---\ndeprecations:\n  - pattern: unified_session_manager.get_db_session\n"
        "  - pattern: legacy_cache.get_client\n    replacement: other.thing\n---\n"
    )
    root = write_tree({".kiro/steering/b.md": FRONT, ".kiro/steering/a.md": session})
    found = collect(Project(root, Config()))
    assert [(d.doc.name, d.pattern) for d in found] == [
        ("a.md", "legacy_cache.get_client"),
        ("b.md", "app.metrics.send"),
    ]


def test_a_named_code_must_be_in_the_declared_range() -> None:
    text = (
        "---\ndeprecations:\n  - pattern: a.b\n    code: SS150\n"
        "  - pattern: c.d\n    code: SS001\n  - pattern: e.f\n    code: 150\n---\n"
    )
    doc = parse_text(Path("d.md"), text)
    messages = [p.message for p in front_matter_problems(doc)]
    assert messages == [
        "`deprecations` entry 2: `code` must be SS101 to SS199, got 'SS001'",
        "`deprecations` entry 3: `code` must be SS101 to SS199, got 150",
    ]
    assert [d.code for d in declared_in(doc)] == ["SS150", None, None]
