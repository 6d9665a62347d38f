"""SS902's pre-check: skipping the tokenizer never loses a directive the rule would judge."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from steeringsync.python.noqa import directives
from steeringsync.rules.ss902_unused_noqa import OUR_PREFIX, _comments, _may_report

PIECES = st.sampled_from(
    [
        "x = 1", "  ", "# noqa", "#noqa:", " noqa: ", "SS001", "E501", ", ", "whatever",
        '"# noqa: SS001"', "'''", "\n", "\r\n", "\r", "\u2028", "#", "NOQA", ":", "SS9",
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
