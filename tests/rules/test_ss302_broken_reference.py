"""SS302: which references resolve, relative to what, and heading anchors across docs."""

from __future__ import annotations

from steeringsync.rules.ss302_broken_reference import BrokenReference
from tests.rules._doc_helpers import Tree, run_doc_rule


def test_file_refs_resolve_from_the_root_and_links_from_the_doc(write_tree: Tree) -> None:
    doc = (
        "#[[file:app/db.py]] ok\n"
        "#[[file:db.py]] <- relative to the doc does not count\n\n"
        "[ok](../../app/db.py) [root-relative](/app/db.py) [dir](../../app)\n"
        "[wrong base](app/db.py)\n"
    )
    files = {".kiro/steering/g.md": doc, "app/db.py": "", ".kiro/steering/db.py": ""}
    found = run_doc_rule(BrokenReference, write_tree, files)
    assert [(line, msg) for _, line, msg in found] == [
        (2, "`#[[file:db.py]]` does not exist (resolved from the repository root)"),
        (5, "link target `app/db.py` does not exist"),
    ]


def test_file_ref_relative_to_doc_is_broken(write_tree: Tree) -> None:
    files = {".kiro/steering/g.md": "See #[[file:schema.sql]].\n", ".kiro/steering/schema.sql": ""}
    found = run_doc_rule(BrokenReference, write_tree, files)
    assert found == [
        ("g.md", 1, "`#[[file:schema.sql]]` does not exist (resolved from the repository root)")
    ]


def test_anchors_in_this_doc_and_in_other_docs(write_tree: Tree) -> None:
    files = {
        ".kiro/steering/a.md": (
            "# Setup & Install 🛠️\n\n"
            "[1](#setup--install-️) [2](b.md#data-model) [3](b.md#gone) [4](#Setup--Install-️)\n"
            "[5](../../README.md#readme) [6](b.md) [7](../../README.md#nope)\n"
        ),
        ".kiro/steering/b.md": "## Data model\n",
        "README.md": "# Readme\n",
    }
    found = run_doc_rule(BrokenReference, write_tree, files)
    assert found == [
        ("a.md", 3, "no heading `#gone` in `b.md`"),
        ("a.md", 4, "no heading `#nope` in `../../README.md`"),
    ]


def test_external_encoded_and_query_links(write_tree: Tree) -> None:
    files = {
        ".kiro/steering/a.md": (
            "[w](https://x.dev/a.md) [m](mailto:a@b.c) [v](vscode://file/x) [p](//cdn.x/y)\n"
            "[space](../../my%20notes.md) [query](../../my%20notes.md?plain=1)\n"
            "[missing](<../../no such.md>)\n"
        ),
        "my notes.md": "",
    }
    found = run_doc_rule(BrokenReference, write_tree, files)
    assert found == [("a.md", 3, "link target `../../no such.md` does not exist")]
