"""Output formats: one reporter per module behind :class:`Reporter`."""

from __future__ import annotations

from typing import TextIO

from steeringsync.reporters.base import Reporter
from steeringsync.reporters.github import GithubReporter
from steeringsync.reporters.json_reporter import JsonReporter
from steeringsync.reporters.sarif import SarifReporter
from steeringsync.reporters.text import TextReporter
from steeringsync.types import OutputFormat

REPORTERS: dict[OutputFormat, type[Reporter]] = {
    OutputFormat.TEXT: TextReporter,
    OutputFormat.JSON: JsonReporter,
    OutputFormat.SARIF: SarifReporter,
    OutputFormat.GITHUB: GithubReporter,
}


def make_reporter(fmt: OutputFormat, stream: TextIO, *, quiet: bool = False) -> Reporter:
    return REPORTERS[fmt](stream, quiet=quiet)
