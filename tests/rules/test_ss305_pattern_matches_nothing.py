"""SS305: fileMatch patterns that match no repository file, in every accepted shape."""

from __future__ import annotations

from steeringsync.rules.ss305_pattern_matches_nothing import PatternMatchesNothing
from steeringsync.types import Severity
from tests.rules._doc_helpers import Tree, run_doc_rule

REPO = {
    ".gitignore": "dist/\n",
    "app/views.py": "",
    "web/src/App.tsx": "",
    "dist/bundle.js": "",
}


def doc(pattern: str) -> dict[str, str]:
    front = f"---\ninclusion: fileMatch\nfileMatchPattern: {pattern}\n---\n# Doc\n"
    return {**REPO, ".kiro/steering/d.md": front}


def test_each_shape_that_matches_is_fine(write_tree: Tree) -> None:
    for pattern in (
        "'**/*.py'",
        "'**/*.{ts,tsx}'",
        "'app/*.py, web/**/*.tsx'",
        "['app/**', 'web/src/*.tsx']",
        "'*.tsx'",
    ):
        assert run_doc_rule(PatternMatchesNothing, write_tree, doc(pattern)) == [], pattern


def test_each_glob_that_matches_nothing_is_reported_at_the_key(write_tree: Tree) -> None:
    found = run_doc_rule(
        PatternMatchesNothing, write_tree, doc("'app/*.py, **/*.pyy, **/*.{js,jsx}'")
    )
    assert [(line, msg.split("`")[1]) for _, line, msg in found] == [
        (3, "**/*.pyy"),
        (3, "**/*.{js,jsx}"),  # dist/bundle.js is gitignored
    ]
    assert PatternMatchesNothing.severity is Severity.WARNING


def test_only_filematch_docs_are_checked(write_tree: Tree) -> None:
    files = {
        **REPO,
        ".kiro/steering/a.md": "---\ninclusion: always\n---\n",
        ".kiro/steering/b.md": "---\ninclusion: fileMatch\n---\n",  # SS301's job
        ".kiro/steering/c.md": "---\n[broken\n---\n",
    }
    assert run_doc_rule(PatternMatchesNothing, write_tree, files) == []
