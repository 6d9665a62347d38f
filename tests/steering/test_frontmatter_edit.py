"""The joined-pattern rewrite as golden before/after docs: exact bytes, read back, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from steeringsync.steering.document import parse_bytes
from steeringsync.steering.frontmatter_edit import (
    EditError,
    joined_sites,
    pattern_sites,
    unjoin,
    unjoin_doc,
)
from steeringsync.steering.globs import kiro_globs, separators, split_joined

GOLDEN = Path(__file__).parent.parent / "fixtures" / "steering" / "fix_joined"
CASES = sorted(p.name.removesuffix(".before.md") for p in GOLDEN.glob("*.before.md"))


def fix(data: bytes) -> bytes:
    fm = parse_bytes(Path("d.md"), data).front_matter
    assert fm is not None
    return unjoin_doc(data, fm.line, fm.end_line)


def patterns(data: bytes) -> object:
    doc = parse_bytes(Path("d.md"), data)
    return doc.meta.get("fileMatchPattern")


@pytest.mark.parametrize("name", CASES)
def test_golden_before_after(name: str) -> None:
    before = (GOLDEN / f"{name}.before.md").read_bytes()
    after = (GOLDEN / f"{name}.after.md").read_bytes()
    assert fix(before) == after


@pytest.mark.parametrize("name", CASES)
def test_fixed_doc_reads_back_as_the_same_globs_and_fixing_again_changes_nothing(
    name: str,
) -> None:
    before = (GOLDEN / f"{name}.before.md").read_bytes()
    fixed = fix(before)
    old = patterns(before)
    globs = [g for item in (old if isinstance(old, list) else [old]) for g in split_joined(item)]
    assert kiro_globs(patterns(fixed)) == globs
    assert fix(fixed) == fixed
    doc = parse_bytes(Path("d.md"), fixed)
    assert doc.front_matter is not None and not joined_sites(doc.front_matter.raw)
    # only the value changed: the other keys, in order, and the body are untouched
    old_meta = parse_bytes(Path("d.md"), before).meta
    assert [k for k in doc.meta] == [k for k in old_meta]
    assert {k: v for k, v in doc.meta.items() if k != "fileMatchPattern"} == {
        k: v for k, v in old_meta.items() if k != "fileMatchPattern"
    }
    assert fixed.split(b"---")[-1] == before.split(b"---")[-1]


def test_brace_and_extglob_patterns_are_left_alone() -> None:
    for text in ("fileMatchPattern: '**/*.{ts,tsx}'", "fileMatchPattern: 'src/+(a|b)/*.py'"):
        assert not joined_sites(text) and unjoin(text) == text


def test_quotes_and_backslashes_inside_a_glob_survive_the_rewrite() -> None:
    single = "fileMatchPattern: 'it''s/*.md,b\\*.md'"
    assert yaml.safe_load(unjoin(single)) == {"fileMatchPattern": ["it's/*.md", "b\\*.md"]}
    double = 'fileMatchPattern: "a\\"q/*.md, b\\\\x/*.md"'
    assert yaml.safe_load(unjoin(double)) == {"fileMatchPattern": ['a"q/*.md', "b\\x/*.md"]}


@pytest.mark.parametrize(
    "front_matter",
    [
        "fileMatchPattern: >\n  a/*.py,\n  b/*.py",  # a folded block scalar
        "fileMatchPattern: 'a/*.py,\n  b/*.py'",  # a quoted scalar over two lines
        "fileMatchPattern: [x, 'a/*.py,b/*.py',\n  y]\nother: 1",
    ],
)
def test_what_cannot_be_rewritten_exactly_raises_or_is_exact(front_matter: str) -> None:
    try:
        new = unjoin(front_matter)
    except EditError:
        return
    # a site on one line of a multi-line flow list is still exact
    assert yaml.safe_load(new)["fileMatchPattern"] == ["x", "a/*.py", "b/*.py", "y"]


def test_a_block_item_not_on_its_dash_line_is_refused() -> None:
    with pytest.raises(EditError):
        unjoin("fileMatchPattern:\n  -\n    'a/*.py,b/*.py'\n")


def test_sites_report_lines_and_columns_of_each_glob() -> None:
    sites = pattern_sites("inclusion: fileMatch\nfileMatchPattern:\n  - a/*.py\n  - 'b,c'\n")
    assert [(s.value, s.line, s.column, s.container, s.joined) for s in sites] == [
        ("a/*.py", 2, 4, "block", False),
        ("b,c", 3, 4, "block", True),
    ]
    assert pattern_sites("fileMatchPattern: [broken") == []
    assert pattern_sites("- a\n- b\n") == []


GLOB = st.text(alphabet="ab*?/.{}[]()!+@ ,|'\"\\-_é", min_size=0, max_size=12)
PATTERN = st.one_of(GLOB, st.lists(GLOB, max_size=4))


@settings(max_examples=300, deadline=None)
@given(
    pattern=PATTERN,
    style=st.sampled_from([None, '"', "'"]),
    flow=st.sampled_from([None, True, False]),
    others=st.dictionaries(st.sampled_from(["name", "description", "x"]), GLOB, max_size=2),
    key_first=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
)
def test_any_front_matter_is_fixed_exactly_or_left_alone(
    pattern: object,
    style: str | None,
    flow: bool | None,
    others: dict[str, str],
    key_first: bool,
    newline: str,
    bom: bool,
) -> None:
    meta: dict[str, object] = {"inclusion": "fileMatch"}
    if key_first:
        meta = {"fileMatchPattern": pattern, **meta, **others}
    else:
        meta = {**meta, **others, "fileMatchPattern": pattern}
    front = yaml.safe_dump(
        meta, default_style=style, default_flow_style=flow, allow_unicode=True, sort_keys=False
    ).rstrip("\n")
    text = "---\n" + front + "\n---\n# Body, with a comma, and | a pipe\n"
    data = (b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", newline).encode()
    try:
        fixed = fix(data)
    except EditError:
        return  # refused: the caller leaves the doc as it was
    doc = parse_bytes(Path("d.md"), fixed)
    old = parse_bytes(Path("d.md"), data).meta
    value = old["fileMatchPattern"]
    items = value if isinstance(value, list) else [value]
    joined = [i for i in items if isinstance(i, str) and separators(i)]
    if not joined:
        assert fixed == data
        return
    expected = [p for i in items for p in (split_joined(i) if i in joined else [i])]
    assert doc.meta["fileMatchPattern"] == expected
    assert {k: v for k, v in doc.meta.items() if k != "fileMatchPattern"} == {
        k: v for k, v in old.items() if k != "fileMatchPattern"
    }
    assert fixed.startswith(b"\xef\xbb\xbf") is bom
    assert fixed.endswith(data[data.rindex(b"---") :])  # the body, byte for byte
    assert (b"\r\n" in fixed) is (newline == "\r\n") or b"\n" not in fixed.replace(b"\r\n", b"")
    assert fix(fixed) == fixed
