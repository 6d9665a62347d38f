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
        "['app/*.py', 'web/**/*.tsx']",
        "['app/**', 'web/src/*.tsx']",
        "'*.tsx'",
    ):
        assert run_doc_rule(PatternMatchesNothing, write_tree, doc(pattern)) == [], pattern


def test_a_dead_alternative_in_a_live_list_is_a_warning_that_says_so(write_tree: Tree) -> None:
    """Issue #11, pattern 5: "never included" only when no glob of the list matches."""
    pattern = "\n  - 'app/*.py'\n  - 'lib/**/*.py'\n  - 'app/**/*.pyy'\n  - '**/*.{js,jsx}'"
    found = run_doc_rule(PatternMatchesNothing, write_tree, doc(pattern))
    # only the glob naming a directory the repository lacks: `app/**/*.pyy` and
    # `**/*.{js,jsx}` (dist/ is gitignored) are kinds of file not there, not drift
    assert found == [
        (
            "d.md",
            5,  # at its own list item
            "fileMatchPattern `lib/**/*.py` matches no file: the repository has no `lib/` "
            "directory; the doc still loads through `app/*.py`: fix or remove this dead "
            "alternative",
        )
    ]
    assert PatternMatchesNothing.severity is Severity.WARNING


def test_corpus_name_globs_that_match_nothing_yet_are_not_reported(write_tree: Tree) -> None:
    # arjunlatiwala-creole/AEROSTACK after `--fix`: `*pc3*`, `*.bash` match nothing yet
    pattern = "['*.py', '*pytest*', '*.bash', '**/*.spec.ts']"
    assert run_doc_rule(PatternMatchesNothing, write_tree, doc(pattern)) == []


def test_a_build_output_directory_named_in_gitignore_is_not_dead(write_tree: Tree) -> None:
    # scooper4711/pfs-chronicle-generator: `css/style.css` is built from scss/ and ignored
    files = {**doc("['app/**', 'css/**']"), ".gitignore": "dist/\ncss/style.css\n"}
    assert run_doc_rule(PatternMatchesNothing, write_tree, files) == []


def test_never_included_when_no_glob_of_the_list_matches(write_tree: Tree) -> None:
    found = run_doc_rule(PatternMatchesNothing, write_tree, doc("['lib/*.py', '**/*.pyy']"))
    assert [msg.split("`")[1] for _, _, msg in found] == ["lib/*.py", "**/*.pyy"]
    assert all("Kiro will never include this doc" in msg for _, _, msg in found)
    (single,) = run_doc_rule(PatternMatchesNothing, write_tree, doc("'lib/*.py'"))
    assert single[1:] == (
        3,
        "fileMatchPattern `lib/*.py` matches no file in the repository: "
        "Kiro will never include this doc",
    )


def test_a_joined_string_is_left_to_ss309(write_tree: Tree) -> None:
    # one glob to Kiro, matching nothing; SS309 reports and fixes it, once
    for pattern in ("'app/*.py, **/*.pyy'", "'lib/*|web/*'", "['app/*.py', 'x/*,y/*']"):
        assert run_doc_rule(PatternMatchesNothing, write_tree, doc(pattern)) == [], pattern


def test_only_filematch_docs_are_checked(write_tree: Tree) -> None:
    files = {
        **REPO,
        ".kiro/steering/a.md": "---\ninclusion: always\n---\n",
        ".kiro/steering/b.md": "---\ninclusion: fileMatch\n---\n",  # SS301's job
        ".kiro/steering/c.md": "---\n[broken\n---\n",
    }
    assert run_doc_rule(PatternMatchesNothing, write_tree, files) == []
