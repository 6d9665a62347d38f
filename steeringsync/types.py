"""The value types every layer shares: locations, findings, formats and exit codes."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class Severity(str, enum.Enum):
    """How much a finding matters: a broken promise (error), a likely problem (warning),
    or something worth knowing (info). Mapped to GitHub's error/warning/notice, SARIF's
    error/warning/note and GitLab's major/minor/info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Applicability(str, enum.Enum):
    """Whether a finding can be fixed automatically, and how safely."""

    NONE = "none"
    SAFE = "safe"
    UNSAFE = "unsafe"


class OutputFormat(str, enum.Enum):
    TEXT = "text"  # grouped by file, hints once at the end
    CONCISE = "concise"  # one `path:line:col: CODE message` line each, for editors and grep
    FULL = "full"  # grouped, with the source line and a caret under the span
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    GITLAB = "gitlab"  # GitLab Code Quality report
    JUNIT = "junit"


class ExitCode(enum.IntEnum):
    """The exit-code contract; documented in the README and relied on by CI users."""

    CLEAN = 0
    FINDINGS = 1  # findings remain, or (with --exit-non-zero-on-fix) files were rewritten
    ERROR = 2  # usage or configuration error
    INTERNAL = 3  # a bug in steeringsync


@dataclass(frozen=True, order=True)
class Location:
    """A span in a file: 1-based lines and columns (characters), the end column exclusive
    as in SARIF and ruff."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int = 1) -> Location:
        return cls(line, column, line, column)


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    path: Path
    location: Location
    severity: Severity = Severity.ERROR
    applicability: Applicability = Applicability.NONE
    suppressed: bool = False
    # why it is not fixed, or how to fix it: often the same for many findings, so the
    # grouped output prints a shared hint once instead of on every line
    hint: str = ""

    @property
    def full_message(self) -> str:
        """The message with its hint, for formats that show each finding on its own."""
        return f"{self.message} ({self.hint})" if self.hint else self.message

    @property
    def fixable(self) -> bool:
        return self.applicability is not Applicability.NONE

    def sort_key(self) -> tuple[str, Location, str]:
        return (self.path.as_posix(), self.location, self.code)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form, used by the cache (paths stay as given)."""
        loc = self.location
        return {
            "code": self.code,
            "message": self.message,
            "path": str(self.path),
            "loc": [loc.line, loc.column, loc.end_line, loc.end_column],
            "severity": self.severity.value,
            "applicability": self.applicability.value,
            "suppressed": self.suppressed,
            "hint": self.hint,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: Path | None = None) -> Finding:
        """The finding ``to_dict`` gave; ``path``, when given, is ``Path(data["path"])``."""
        return cls(
            code=data["code"],
            message=data["message"],
            path=Path(data["path"]) if path is None else path,
            location=Location(*data["loc"]),
            severity=Severity(data["severity"]),
            applicability=Applicability(data["applicability"]),
            suppressed=data["suppressed"],
            hint=data.get("hint", ""),
        )


@dataclass
class FileResult:
    """What checking one Python file produced: findings plus facts for project rules."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    # collector name -> JSON-safe facts (e.g. settings read by the code), for project rules
    facts: dict[str, list[Any]] = field(default_factory=dict)
    parsed: bool = False
    # fix mode only (never cached): the file was rewritten / the diff --fix would apply
    fixed: bool = False
    fixes: list[Finding] = field(default_factory=list)  # the findings the fix removed
    diff: str = ""
    notices: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing to report, fix or hand to project rules."""
        return not (self.findings or self.facts or self.fixed or self.diff or self.notices)
