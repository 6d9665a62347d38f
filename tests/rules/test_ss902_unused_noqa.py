"""SS902's pre-check: skipping the tokenizer never loses a directive the rule would judge."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from steeringsync.engine import FileJob, analyze_bytes
from steeringsync.python.noqa import directives
from steeringsync.python.source import PythonSource
from steeringsync.rules.ss902_unused_noqa import OUR_PREFIX, NoqaCollector, _comments, _may_report

PIECES = st.sampled_from(
    [
        "x = 1", "  ", "# noqa", "#noqa:", " noqa: ", "SS001", "E501", ", ", "whatever",
        '"# noqa: SS001"', "'''", "\n", "\r\n", "\r", "\u2028", "#", "NOQA", ":", "SS9",
        "N\u0130oqa", "\u212a",
    ]
)  # fmt: skip


def judged(text: str) -> list[object]:
    """What the tokenizer path finds that SS902 would judge in Python."""
    return [
        d
        for _, _, comment in _comments(text)
        for d in directives(comment)
        if d.malformed is not None or any(c.startswith(OUR_PREFIX) for c in d.codes or ())
    ]


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=14).map("".join))
@example("#\r noqa: ")  # a comment-only line keeps a lone \r in its token
@example("# noqa:\rE501")
def test_the_pre_check_is_never_wrong_to_skip(text: str) -> None:
    if not _may_report(text):
        assert judged(text) == []


def test_other_tools_directives_skip_the_tokenizer() -> None:
    assert not _may_report("x = 1  # noqa: E501\ny = 2  # noqa\n")
    assert _may_report("x = 1  # noqa: SS001\n")
    assert _may_report("x = 1  # noqa: whatever\n")


def _split_lines(text: str) -> bool:
    """The pre-check as first written: every line and every \\r/\\n piece, in full."""
    pieces = (*text.split("\n"), *re.split(r"\r\n|\r|\n", text))
    return any(
        d.malformed is not None or any(c.startswith(OUR_PREFIX) for c in d.codes or ())
        for line in pieces
        for d in directives(line)
    )


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=14).map("".join))
def test_looking_only_at_lines_spelling_noqa_loses_nothing(text: str) -> None:
    assert _may_report(text) == _split_lines(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=14).map("".join))
def test_the_collector_is_relevant_to_every_file_it_finds_a_directive_in(text: str) -> None:
    collector = NoqaCollector()
    data = text.encode("utf-8", "surrogatepass")
    if collector.collect(PythonSource(Path("a.py"), data, text)):
        assert collector.relevant(data), text


def test_a_file_with_only_other_tools_directives_is_not_parsed() -> None:
    job = FileJob(rules=(), collectors=(NoqaCollector(),))
    other = analyze_bytes(Path("a.py"), b"x = 1  # noqa: E501\ny = 2  # noqa\n", job)
    assert not other.parsed and not other.facts
    ours = analyze_bytes(Path("a.py"), b"x = 1  # noqa: E501\ny = 2  # noqa: SS001\n", job)
    assert ours.parsed and [2, 7, 20, ["SS001"], None] in ours.facts["noqa"]
    # a directive in the file's declared encoding is seen as the parser reads it
    latin = "# -*- coding: latin-1 -*-\nx = '\xe9'  # noqa: whatever\n".encode("latin-1")
    assert analyze_bytes(Path("a.py"), latin, job).parsed
