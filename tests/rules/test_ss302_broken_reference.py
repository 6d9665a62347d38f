"""SS302: which references resolve, relative to what, and heading anchors across docs."""

from __future__ import annotations

from steeringsync.config import Config
from steeringsync.project import Project
from steeringsync.rules.ss302_broken_reference import BrokenReference
from steeringsync.types import Severity
from tests.rules._doc_helpers import Tree, run_doc_rule


def test_file_refs_resolve_from_the_root_and_links_from_the_doc(write_tree: Tree) -> None:
    doc = (
        "#[[file:app/db.py]] ok\n"
        "#[[file:db.py]] <- relative to the doc: found, but not where Kiro looks\n\n"
        "[ok](../../app/db.py) [root-relative](/app/db.py) [dir](../../app)\n"
        "[wrong base](app/db.py)\n"
    )
    files = {".kiro/steering/g.md": doc, "app/db.py": "", ".kiro/steering/db.py": ""}
    found = run_doc_rule(BrokenReference, write_tree, files)
    assert [(line, msg) for _, line, msg in found] == [
        (
            2,
            "`#[[file:db.py]]` is found beside the doc, not from the repository root where "
            "Kiro resolves it: write the path from the repository root",
        ),
        (5, "link target `app/db.py` does not exist"),
    ]


def test_file_ref_missing_everywhere_is_broken(write_tree: Tree) -> None:
    files = {".kiro/steering/g.md": "See #[[file:schema.sql]].\n"}
    found = run_doc_rule(BrokenReference, write_tree, files)
    assert found == [
        (
            "g.md",
            1,
            "`#[[file:schema.sql]]` does not exist (resolved from the repository root, "
            "then from the doc's folder)",
        )
    ]


def test_sibling_docs_placeholders_and_git_ignored_targets(write_tree: Tree) -> None:
    # Lessons from the development corpus
    doc = (
        "Also read #[[file:api-standards.md]].\n"
        "Syntax: #[[file:...]] or #[[file:<path>]] or #[[file:path/to/spec.md]]\n"
        "Generated: #[[file:build/openapi.json]]\n"
    )
    files = {
        ".kiro/steering/g.md": doc,
        ".kiro/steering/api-standards.md": "# API\n",
        ".gitignore": "build/\n",
    }
    root = write_tree(files)
    project = Project(root, Config())
    rule = BrokenReference.from_project(project)
    assert isinstance(rule, BrokenReference)
    found = [f for d in project.docs for f in rule.check_doc(d, project)]
    assert [(f.location.line, f.severity, f.message) for f in found] == [
        (
            3,
            Severity.WARNING,
            "`#[[file:build/openapi.json]]` is missing here but the target is git-ignored "
            "(generated locally, not committed)",
        )
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
