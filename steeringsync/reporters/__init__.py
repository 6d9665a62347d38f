"""Output formats: one reporter per module behind :class:`Reporter`."""

from __future__ import annotations

from typing import TextIO

from steeringsync.reporters.base import Reporter
from steeringsync.reporters.concise import ConciseReporter
from steeringsync.reporters.github import GithubReporter
from steeringsync.reporters.gitlab import GitlabReporter
from steeringsync.reporters.json_reporter import JsonReporter
from steeringsync.reporters.junit import JunitReporter
from steeringsync.reporters.sarif import SarifReporter
from steeringsync.reporters.text import FullReporter, TextReporter
from steeringsync.types import OutputFormat

REPORTERS: dict[OutputFormat, type[Reporter]] = {
    OutputFormat.TEXT: TextReporter,
    OutputFormat.CONCISE: ConciseReporter,
    OutputFormat.FULL: FullReporter,
    OutputFormat.JSON: JsonReporter,
    OutputFormat.SARIF: SarifReporter,
    OutputFormat.GITHUB: GithubReporter,
    OutputFormat.GITLAB: GitlabReporter,
    OutputFormat.JUNIT: JunitReporter,
}


def make_reporter(
    fmt: OutputFormat,
    stream: TextIO,
    *,
    quiet: bool = False,
    color: bool = False,
    show_fixes: bool = False,
) -> Reporter:
    return REPORTERS[fmt](stream, quiet=quiet, color=color, show_fixes=show_fixes)
