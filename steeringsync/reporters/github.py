"""GitHub Actions workflow commands: ``::error file=…,line=…::message`` annotations."""

from __future__ import annotations

from steeringsync.reporters.base import Reporter
from steeringsync.reporters.escaping import clean_text
from steeringsync.types import Finding, Severity

# GitHub shows at most ten annotations of each level per step: levels must mean something
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return clean_text(text)


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    def handle(self, finding: Finding) -> None:
        level = LEVELS[finding.severity]
        loc = finding.location
        props = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("file", self.display_path(finding.path)),
                ("line", loc.line),
                ("col", loc.column),
                ("endLine", loc.end_line),
                ("endColumn", loc.end_column),
                ("title", finding.code),
            )
        )
        self.stream.write(
            f"::{level} {props}::{_escape_data(f'{finding.code} {finding.full_message}')}\n"
        )
