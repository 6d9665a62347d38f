"""Kiro front-matter validation: modes, required keys, types, misspelt keys, lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from steeringsync.steering.document import parse_text
from steeringsync.steering.frontmatter import suggest_key, validate


def problems(front: str) -> list[tuple[str, int]]:
    doc = parse_text(Path("d.md"), f"---\n{front}---\n# Doc\n")
    return [(p.message, p.line) for p in validate(doc)]


@pytest.mark.parametrize(
    "front",
    [
        "inclusion: always\n",
        "inclusion: manual\n",
        "inclusion: fileMatch\nfileMatchPattern: '**/*.{ts,tsx}'\n",
        "inclusion: fileMatch\nfileMatchPattern: 'a/*.py, b/*.py'\n",
        "inclusion: fileMatch\nfileMatchPattern:\n  - a/*.py\n",
        "inclusion: auto\nname: n\ndescription: d\n",
        "owner: team-a\ntags: [db]\n",  # unrelated keys are the team's business
        "",
    ],
)
def test_valid_front_matter(front: str) -> None:
    assert problems(front) == []


def test_no_front_matter_means_always() -> None:
    assert validate(parse_text(Path("d.md"), "# Just a doc\n")) == []


@pytest.mark.parametrize(
    ("front", "message", "line"),
    [
        ("inclusion: sometimes\n", "`inclusion: sometimes` is not a Kiro mode", 2),
        ("inclusion: ALWAYS\n", "did you mean `always`?", 2),
        ("name: x\ninclusion: fileMatch\n", "needs a `fileMatchPattern`", 3),
        ("inclusion: auto\ndescription: d\n", "needs a `name`", 2),
        ("inclusion: auto\nname: 3\ndescription: d\n", "`name` must be a string", 3),
        ("inclusion: fileMatch\nfileMatchPattern: []\n", "must be a glob string", 3),
        ("inclusion: fileMatch\nfileMatchPattern: [1, 2]\n", "must be a glob string", 3),
        ("inclusion: manual\nfileMatchPattern: '*.py'\n", "ignored with `inclusion: manual`", 3),
        ("Inclusion: always\n", "did you mean `inclusion`?", 2),
        ("file_match_pattern: '*.py'\n", "did you mean `fileMatchPattern`?", 2),
        ("fileMatchPatern: '*.py'\n", "did you mean `fileMatchPattern`?", 2),
        ("desc: x\nglobs: '*.py'\n", "did you mean `fileMatchPattern`?", 3),
        ("just a string\n", "must be a mapping of keys, not a str", 1),
        ("inclusion: 'always\n", "not valid YAML", 2),
    ],
)
def test_invalid_front_matter(front: str, message: str, line: int) -> None:
    found = problems(front)
    assert any(message in m and ln == line for m, ln in found), found


def test_misspelling_is_not_reported_when_the_real_key_is_there_too() -> None:
    assert problems("inclusion: always\ninclude: x\n") == []


def test_unclosed_front_matter() -> None:
    doc = parse_text(Path("d.md"), "---\ninclusion: manual\n# Title\n")
    assert [(p.message, p.line) for p in validate(doc)] == [
        ("front matter is not closed: add a `---` line after it", 1)
    ]


def test_suggestions() -> None:
    assert suggest_key("include") == "inclusion"
    assert suggest_key("pattern") == "fileMatchPattern"
    assert suggest_key("Description") == "description"
    assert suggest_key("owner") is None
