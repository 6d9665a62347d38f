"""Which files can spell a trigger their bytes do not hold, and what the parser reads."""

from __future__ import annotations

import pytest

from steeringsync.triggers import identifier_view


@pytest.mark.parametrize(
    ("data", "view"),
    [
        (b"import os\nos.getenv('A')\n", None),  # ASCII, no cookie: the bytes are the text
        ("x = 'caf\u00e9 \u2026 \u2019'\n".encode(), None),  # nothing NFKC makes ASCII
        ("\ufeffx = 1\n".encode(), None),  # a BOM
        ("x = \uff47\uff45\uff54\n".encode(), b"x = get\n"),  # fullwidth
        ("\ufb01le = 1\n".encode(), b"file = 1\n"),  # the fi ligature
        (b"# coding: latin-1\nx = '\xba'\n", b"# coding: latin-1\nx = 'o'\n"),
        (b"# coding: utf-7\nimport +AG8Acw-\n", b"# coding: utf-7\nimport os\n"),
        (b"# coding: latin-1\nx = 1\n", None),  # a cookie, but the same text
        (b"# coding: bogus\nx = 1\n", None),  # does not decode: nothing parses either
    ],
)
def test_identifier_view(data: bytes, view: bytes | None) -> None:
    assert identifier_view(data) == view
