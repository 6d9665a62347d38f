"""The reporter contract: start, handle each finding, finish with the whole report."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from steeringsync.reporters.escaping import clean_text
from steeringsync.types import Finding

if TYPE_CHECKING:
    from steeringsync.api import CheckReport


class Reporter:
    def __init__(
        self,
        stream: TextIO,
        *,
        quiet: bool = False,
        cwd: Path | None = None,
        color: bool = False,
        show_fixes: bool = False,
    ) -> None:
        self.stream = stream
        self.quiet = quiet
        self.cwd = cwd or Path.cwd()
        self.color = color
        self.show_fixes = show_fixes
        self._shown: dict[Path, str] = {}  # a file's findings share its display path
        self._raw: dict[Path, str] = {}

    def raw_path(self, path: Path) -> str:
        """Posix path relative to the working directory, unescaped (for URIs)."""
        raw = self._raw.get(path)
        if raw is None:
            try:
                raw = Path(os.path.relpath(path, self.cwd)).as_posix()
            except ValueError:  # another drive on Windows
                raw = path.as_posix()
            self._raw[path] = raw
        return raw

    def display_path(self, path: Path) -> str:
        """Posix path relative to the working directory (as users type them), escaped:
        a file name is the repository's to choose, control characters included."""
        shown = self._shown.get(path)
        if shown is None:
            shown = self._shown[path] = clean_text(self.raw_path(path))
        return shown

    @staticmethod
    def message(finding: Finding) -> str:
        """The finding's message with its hint, escaped (it quotes doc text and values)."""
        return clean_text(finding.full_message)

    def start(self) -> None:
        """Called once before any finding."""

    def handle(self, finding: Finding) -> None:
        raise NotImplementedError

    def finish(self, report: CheckReport) -> None:
        """Called once after the last finding."""

    def report(self, report: CheckReport) -> None:
        self.start()
        for finding in report.active:
            self.handle(finding)
        self.finish(report)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
