"""SS301 as users see it: message and doc line for each front-matter mistake."""

from __future__ import annotations

from steeringsync.rules.ss301_front_matter import InvalidFrontMatter
from tests.rules._doc_helpers import Tree, run_doc_rule


def test_yaml_error_points_at_its_line(write_tree: Tree) -> None:
    doc = "---\ninclusion: fileMatch\nfileMatchPattern: '**/*.py\nname: x\n---\n# T\n"
    (finding,) = run_doc_rule(InvalidFrontMatter, write_tree, {".kiro/steering/a.md": doc})
    assert finding[0] == "a.md" and finding[2].startswith("front matter is not valid YAML")
    assert finding[1] >= 3


def test_several_problems_each_at_its_key(write_tree: Tree) -> None:
    doc = "---\ntitle: Guide\ninclusion: auto\ninclude: x\npattern: '*.py'\n---\n"
    found = run_doc_rule(InvalidFrontMatter, write_tree, {".kiro/steering/a.md": doc})
    assert [(line, msg.split(":")[0]) for _, line, msg in found] == [
        (2, "unknown key `title`"),
        (5, "unknown key `pattern`"),
        (3, "`inclusion"),
        (3, "`inclusion"),
    ]
    assert found[0][2] == "unknown key `title`: did you mean `name`?"
    assert "needs a `name`" in found[2][2] and "needs a `description`" in found[3][2]


def test_deprecations_list_problems_are_reported(write_tree: Tree) -> None:
    doc = "---\ninclusion: always\ndeprecations:\n  - replacement: x.y\n---\n"
    found = run_doc_rule(InvalidFrontMatter, write_tree, {".kiro/steering/a.md": doc})
    assert found == [
        ("a.md", 3, "`deprecations` entry 1: `pattern` must be `receiver.method`, got None")
    ]


def test_docs_without_front_matter_or_with_unusual_content_are_fine(write_tree: Tree) -> None:
    files = {
        ".kiro/steering/plain.md": "# Plain\n\n---\n\nA thematic break is not front matter.\n",
        ".kiro/steering/empty.md": "",
        ".kiro/steering/emoji.md": "---\ninclusion: manual\nname: 🚀 launch\n---\n",
    }
    assert run_doc_rule(InvalidFrontMatter, write_tree, files) == []
