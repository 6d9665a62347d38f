"""GitHub Actions workflow commands: ``::error file=…,line=…::message`` annotations."""

from __future__ import annotations

from steeringsync.reporters.base import Reporter
from steeringsync.reporters.escaping import workflow_data, workflow_property
from steeringsync.types import Finding, Severity

# GitHub shows at most ten annotations of each level per step: levels must mean something
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


class GithubReporter(Reporter):
    def handle(self, finding: Finding) -> None:
        level = LEVELS[finding.severity]
        loc = finding.location
        props = ",".join(
            f"{key}={workflow_property(str(value))}"
            for key, value in (
                ("file", self.raw_path(finding.path)),
                ("line", loc.line),
                ("col", loc.column),
                ("endLine", loc.end_line),
                ("endColumn", loc.end_column),
                ("title", finding.code),
            )
        )
        self.stream.write(
            f"::{level} {props}::{workflow_data(f'{finding.code} {finding.full_message}')}\n"
        )
