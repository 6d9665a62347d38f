"""SS310: steering docs with nothing in them for the agent."""

from __future__ import annotations

from steeringsync.rules.ss310_empty_steering_doc import EmptySteeringDoc
from steeringsync.types import Severity
from tests.rules._doc_helpers import Tree, run_doc_rule


def test_empty_blank_and_front_matter_only_docs_are_warnings(write_tree: Tree) -> None:
    files = {
        ".kiro/steering/empty.md": "",
        ".kiro/steering/blank.md": "\n  \n",
        ".kiro/steering/header.md": "---\ninclusion: always\n---\n\n",
        ".kiro/steering/full.md": "---\ninclusion: always\n---\n# Guide\n",
        ".kiro/steering/comment.md": "<!-- TODO -->\n",  # something, even if little
    }
    found = run_doc_rule(EmptySteeringDoc, write_tree, files)
    assert found == [
        ("blank.md", 1, "steering doc is empty: write its guidance or delete it"),
        ("empty.md", 1, "steering doc is empty: write its guidance or delete it"),
        (
            "header.md",
            1,
            "steering doc has front matter but no text: write its guidance or delete it",
        ),
    ]
    assert EmptySteeringDoc.severity is Severity.WARNING
