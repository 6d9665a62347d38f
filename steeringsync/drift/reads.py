"""What a read of a setting in code is, as cached facts and as the rules see it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

COLLECTOR = "drift-settings"  # the fact collector's name, the key of its facts
LITERAL, NONE, UNKNOWN = "literal", "none", "unknown"
WRITE, DISPLAY, OVERRIDE = "write", "display", "override"


@dataclass(frozen=True)
class CodeSetting:
    """One read of a setting. ``state``: literal default, no default, or a computed one."""

    key: str
    state: str
    default: str | None
    line: int
    column: int
    end_line: int
    end_column: int
    # the line's suppression comment: None when absent, [] when bare, else the codes
    noqa: list[str] | None = None
    # what the read is for when its default is not the setting's default: WRITE
    # (``os.environ.setdefault``), DISPLAY (a fallback only printed or logged), OVERRIDE
    # (a settings subclass for one environment); "" for an ordinary read
    use: str = ""
    # no default, compared with a literal (`os.getenv("DRY_RUN") == "1"`): unset is not it
    compared: str | None = None

    def to_fact(self) -> dict[str, Any]:
        fact = dict(self.__dict__)  # asdict() deep-copies field by field: 10x slower
        if self.noqa is not None:
            fact["noqa"] = list(self.noqa)
        return fact

    @classmethod
    def from_fact(cls, fact: dict[str, Any]) -> CodeSetting:
        return cls(**fact)

    def suppresses(self, code: str) -> bool:
        return self.noqa is not None and (not self.noqa or code in self.noqa)


@dataclass(frozen=True)
class CodeRead:
    """A :class:`CodeSetting` with the file it was read in (what the rules work on)."""

    path: Path
    setting: CodeSetting


def code_reads(facts: dict[str, list[tuple[Path, Any]]]) -> list[CodeRead]:
    """The collector's facts from every file, back as typed values, in file and line order."""
    reads = []
    for path, fact in facts.get(COLLECTOR, []):
        try:
            reads.append(CodeRead(path, CodeSetting.from_fact(fact)))
        except TypeError:  # a fact of another shape (a cache from another version): skip it
            continue
    return sorted(reads, key=lambda r: (r.path.as_posix(), r.setting.line, r.setting.column))
