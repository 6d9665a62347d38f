"""The exceptions steeringsync raises for a user's mistake; each formats its own message."""

from __future__ import annotations

from pathlib import Path


class SteeringSyncError(Exception):
    """Base class: a problem the user can fix, reported in one line with exit code 2."""

    def __init__(self, message: str, *, path: Path | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        return f"{where}{self.message}"


class ConfigError(SteeringSyncError):
    """Invalid configuration: an unknown key, a wrong type, a bad glob."""

    def __init__(self, message: str, *, path: Path | None = None, key: str | None = None) -> None:
        if key is not None:
            message = f"`{key}`: {message}"
        super().__init__(message, path=path)
        self.key = key


class UsageError(SteeringSyncError):
    """A bad command line: a path that does not exist, an unknown rule code."""


class SteeringParseError(SteeringSyncError):
    """A steering document could not be read at all."""
