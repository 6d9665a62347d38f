"""Run one doc rule over a small project written from ``{path: text}``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from steeringsync.config import Config
from steeringsync.project import Project
from steeringsync.rules.base import DocRule
from steeringsync.types import Finding

Tree = Callable[[dict[str, str]], Path]


def run_doc_rule(
    rule: type[DocRule], write_tree: Tree, files: dict[str, str], config: Config | None = None
) -> list[tuple[str, int, str]]:
    """(doc file name, line, message) of each finding, in doc order."""
    root = write_tree(files)
    project = Project(root, config or Config())
    instance = rule.from_project(project)
    assert isinstance(instance, DocRule)
    found: list[Finding] = [f for doc in project.docs for f in instance.check_doc(doc, project)]
    return [(f.path.name, f.location.line, f.message) for f in found]
