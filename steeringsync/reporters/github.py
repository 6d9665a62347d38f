"""GitHub Actions workflow commands: ``::error file=…,line=…::message`` annotations."""

from __future__ import annotations

from steeringsync.reporters.base import Reporter
from steeringsync.types import Finding, Severity


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    def handle(self, finding: Finding) -> None:
        level = "warning" if finding.severity is Severity.WARNING else "error"
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
            f"::{level} {props}::{_escape_data(f'{finding.code} {finding.message}')}\n"
        )
