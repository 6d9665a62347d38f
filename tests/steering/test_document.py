"""The steering-doc model: what the parser extracts, at which doc lines, from messy input."""

from __future__ import annotations

import time
from pathlib import Path

from steeringsync.steering.document import load, parse_text

DOC = Path("doc.md")


def test_front_matter_headings_blocks_tables_and_references() -> None:
    doc = parse_text(
        DOC,
        "---\ninclusion: fileMatch\nfileMatchPattern: '*.py'\n---\n"
        "# Guide 🚀\n\nUse the **pool**:\n\n```python title=x\nx = 1\n```\n\n"
        "| Key | Doc |\n|---|---|\n| a | [spec](spec.md) |\n\n"
        "See #[[file:db/schema.sql]] and ![d](d.png).\n",
    )
    assert doc.front_matter is not None and doc.front_matter.line == 1
    assert doc.front_matter.end_line == 4
    assert doc.meta == {"inclusion": "fileMatch", "fileMatchPattern": "*.py"}
    assert [(h.level, h.text, h.line, h.slug) for h in doc.headings] == [
        (1, "Guide 🚀", 5, "guide-")
    ]
    (block,) = doc.code_blocks
    assert (block.lang, block.info, block.line, block.content_line) == (
        "python",
        "python title=x",
        9,
        10,
    )
    assert block.closed and block.lead == "Use the pool:" and block.heading == "Guide 🚀"
    (table,) = doc.tables
    assert table.header == ("Key", "Doc") and table.rows[0].cells == ("a", "[spec](spec.md)")
    assert table.rows[0].line == 15
    assert [(r.kind, r.target, r.line) for r in doc.references] == [
        ("link", "spec.md", 15),
        ("file", "db/schema.sql", 17),
        ("link", "d.png", 17),
    ]


def test_heading_slugs_follow_github_including_duplicates_and_scripts() -> None:
    doc = parse_text(
        DOC, "# Set up `db_manager`!\n## Set up `db_manager`!\n## セッション管理\n## Сессии\n"
    )
    assert doc.anchors == {"set-up-db_manager", "set-up-db_manager-1", "セッション管理", "сессии"}


def test_crlf_and_bom_keep_line_numbers_and_front_matter() -> None:
    text = "\ufeff---\r\ninclusion: manual\r\n---\r\n\r\n# Title\r\n\r\n[x](y.md)\r\n"
    doc = parse_text(DOC, text)
    assert doc.meta == {"inclusion": "manual"}
    assert doc.headings[0].line == 5
    assert doc.references[0].line == 7
    assert "\r" not in doc.text


def test_yaml_error_keeps_its_doc_line() -> None:
    doc = parse_text(DOC, "---\ninclusion: always\nname: [unclosed\n---\n")
    assert doc.front_matter is not None and doc.front_matter.error
    assert doc.front_matter.error_line is not None and doc.front_matter.error_line >= 3


def test_unclosed_front_matter_and_unclosed_fence() -> None:
    doc = parse_text(DOC, "---\ninclusion: manual\n\n```python\nx = (\n")
    assert doc.front_matter is None and doc.unclosed_front_matter
    assert len(doc.code_blocks) == 1 and not doc.code_blocks[0].closed


def test_references_inside_code_are_not_references() -> None:
    doc = parse_text(
        DOC, "```md\n#[[file:a.py]]\n[l](b.md)\n```\n\n`#[[file:c.py]]` and `[l](d.md)`\n"
    )
    assert doc.references == []


def test_lead_is_the_text_right_before_a_block() -> None:
    doc = parse_text(
        DOC, "## Before (Deprecated)\n\n```python\na()\n```\n\nAfter:\n\n```python\nb()\n```\n"
    )
    assert [b.lead for b in doc.code_blocks] == ["Before (Deprecated)", "After:"]


def test_empty_and_whitespace_docs() -> None:
    for text in ("", "\n", "   \n\n", "\ufeff"):
        doc = parse_text(DOC, text)
        assert doc.front_matter is None and doc.code_blocks == [] and not doc.unclosed_front_matter


def test_non_mapping_and_empty_front_matter() -> None:
    assert parse_text(DOC, "---\n- a\n---\n").front_matter.data == ["a"]  # type: ignore[union-attr]
    assert parse_text(DOC, "---\n- a\n---\n").meta == {}
    assert parse_text(DOC, "---\n---\n").meta == {}


def test_load_reports_latin1_with_the_line_of_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_bytes("# Title\n\nCaf\xe9\n".encode("latin-1"))
    doc = load(path)
    assert doc.decode_error is not None and "0xe9" in doc.decode_error
    assert doc.decode_error_line == 3
    assert doc.headings[0].text == "Title"  # the rest is still parsed


def test_load_accepts_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_bytes("\ufeff# Título\n".encode())
    doc = load(path)
    assert doc.decode_error is None and doc.headings[0].text == "Título"


def test_very_long_doc_parses_quickly() -> None:
    section = (
        "## Section {n}\n\nText [top](#section-0) with `code`.\n\n```python\nx_{n} = {n}\n```\n\n"
    )
    text = "".join(section.format(n=n) for n in range(3000))
    start = time.perf_counter()
    doc = parse_text(DOC, text)
    assert time.perf_counter() - start < 5
    assert len(doc.code_blocks) == 3000 and doc.code_blocks[-1].line == 2999 * 8 + 5
