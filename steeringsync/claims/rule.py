"""What the dead-claim rules share: examples that are small repositories."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from steeringsync.project import Project
from steeringsync.rules.base import DocRule, write_example
from steeringsync.steering.document import SteeringDoc
from steeringsync.types import Finding, Location

if TYPE_CHECKING:  # the claim readers load when a doc may hold a claim (``prefilter``)
    from steeringsync.claims.extract import DocClaims
    from steeringsync.claims.repo import RepoIndex


class ClaimRule(DocRule):
    """A doc rule whose examples are repositories written as ``==> path <==`` sections."""

    def check_example(self, text: str) -> list[Finding]:
        import tempfile

        from steeringsync.config import Config

        with tempfile.TemporaryDirectory() as tmp:
            project = Project(write_example(Path(tmp).resolve(), text), Config())
            return [f for doc in project.docs for f in self.check_doc(doc, project)]

    @staticmethod
    def claims(doc: SteeringDoc, project: Project) -> tuple[DocClaims, RepoIndex]:
        from steeringsync.claims.extract import claims_of
        from steeringsync.claims.repo import RepoIndex

        index = RepoIndex.of(project)
        return claims_of(doc, index), index


def span(line: int, column: int, text: str) -> Location:
    """The doc location of ``text`` starting at 0-based ``column`` on ``line``."""
    return Location(line, column + 1, line, column + 1 + len(text))
