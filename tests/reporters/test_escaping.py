"""The escapes every reporter applies to repository text (steeringsync.reporters.escaping)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steeringsync.reporters.escaping import (
    clean_block,
    clean_text,
    safe_line,
    uri_path,
    workflow_data,
    workflow_property,
)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("app/a.py", "app/a.py"),
        ("caf\u00e9 \u65e5\u672c.py", "caf\u00e9 \u65e5\u672c.py"),  # printable text stays
        ("a\x1b[2Kb", "a\\x1b[2Kb"),
        ("line\nnext\rback\tx", "line\\nnext\\rback\\tx"),
        ("bad\udcff\udcfe.py", "bad\\xff\\xfe.py"),  # surrogate-escaped bytes
        ("\u202eevil", "\\u202eevil"),  # bidi override ("Trojan Source")
        ("\x9b31m", "\\x9b31m"),  # C1 control sequence introducer
    ],
)
def test_clean_text(raw: str, shown: str) -> None:
    assert clean_text(raw) == shown


@given(st.text())
def test_clean_text_leaves_no_control_character(text: str) -> None:
    cleaned = clean_text(text)
    assert not [c for c in cleaned if unicodedata.category(c) in ("Cc", "Cs")]
    assert not set(cleaned) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    cleaned.encode("utf-8")  # never a lone surrogate: printable on any UTF-8 stream


@pytest.mark.parametrize(
    ("line", "safe"),
    [
        ("::add-mask::x", "\\::add-mask::x"),
        ("  ::stop-commands::t", "  \\::stop-commands::t"),
        ("##[error]x", "#\\#[error]x"),
        ("app/a.py:1:1: SS001 ::x", "app/a.py:1:1: SS001 ::x"),  # not at a line start
    ],
)
def test_safe_line_defuses_workflow_commands(line: str, safe: str) -> None:
    assert safe_line(line) == safe


def test_clean_block_keeps_lines_tabs_and_crlf_but_nothing_else() -> None:
    assert clean_block("a\tb\r\n::x\nc\rd\x1b") == "a\tb\r\n\\::x\nc\\rd\\x1b"


def test_workflow_fields() -> None:
    assert workflow_data("50%\n::x") == "50%25\\n::x"
    assert workflow_property("dir:a,b\x1b") == "dir%3Aa%2Cb\\x1b"


def test_uri_path_is_lossless_for_any_bytes() -> None:
    assert uri_path("app/a b.py") == "app/a%20b.py"
    assert uri_path("app/bad\udcff.py") == "app/bad%FF.py"
    assert uri_path("caf\u00e9.py") == "caf%C3%A9.py"
