"""Baselines: accept today's findings, report only new ones.

A finding is recorded by a fingerprint that survives line shifts and unrelated edits:
its rule, its file, the normalised text of its line and of the lines next to it, and
which occurrence of that same (rule, file, text) it is. Line numbers are not part of
it, so inserting lines above an old finding does not make it new again.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from steeringsync.errors import ConfigError
from steeringsync.types import Finding

FORMAT_VERSION = 1
CONTEXT = 1  # lines on each side that take part in the fingerprint
MAX_BASELINE_BYTES = 64 * 1024 * 1024


def read_lines(path: Path) -> list[str] | None:
    """A checked file's lines (None when unreadable): what fingerprints are made of."""
    try:
        return path.read_bytes().decode("utf-8", errors="replace").split("\n")
    except OSError:
        return None


def _normalise(line: str) -> str:
    return " ".join(line.split())


def _context(lines: list[str] | None, number: int) -> str:
    if not lines:
        return ""
    low, high = max(number - 1 - CONTEXT, 0), min(number + CONTEXT, len(lines))
    return "\n".join(_normalise(line) for line in lines[low:high])


@dataclass(frozen=True)
class Entry:
    code: str
    path: str  # posix, relative to the project root
    fingerprint: str
    message: str  # for people reading the file; not matched


def fingerprints(
    findings: Iterable[Finding], relative: Callable[[Path], str]
) -> list[tuple[Finding, Entry]]:
    """Each finding with its baseline entry, in the findings' order."""
    cache: dict[Path, list[str] | None] = {}
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for finding in findings:
        if finding.path not in cache:
            cache[finding.path] = read_lines(finding.path)
        rel = relative(finding.path)
        text = _context(cache[finding.path], finding.location.line)
        key = (finding.code, rel, text)
        seen[key] += 1
        digest = hashlib.sha256(f"{finding.code}\0{rel}\0{text}\0{seen[key]}".encode())
        out.append((finding, Entry(finding.code, rel, digest.hexdigest()[:32], finding.message)))
    return out


def write(path: Path, entries: Iterable[Entry]) -> int:
    """Write the baseline file (sorted, so it diffs well); returns the count."""
    items = sorted(
        ({"code": e.code, "path": e.path, "fingerprint": e.fingerprint, "message": e.message}
         for e in entries),
        key=lambda i: (i["path"], i["code"], i["fingerprint"]),
    )  # fmt: skip
    doc = {"steeringsync-baseline": FORMAT_VERSION, "findings": items}
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(items)


def read(path: Path) -> list[Entry]:
    """The entries of a baseline file; a ConfigError when it is not one."""
    try:
        if path.stat().st_size > MAX_BASELINE_BYTES:
            raise ConfigError("baseline file too large", path=path)
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read baseline: {exc.strerror or exc}", path=path) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"not a baseline file: {exc}", path=path) from None
    if not isinstance(data, dict) or data.get("steeringsync-baseline") != FORMAT_VERSION:
        raise ConfigError(
            f"not a steeringsync baseline (version {FORMAT_VERSION} expected)", path=path
        )
    entries = []
    for item in data.get("findings", []):
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) for k in ("code", "path", "fingerprint")
        ):
            raise ConfigError("malformed baseline entry", path=path)
        message = item.get("message")
        entries.append(
            Entry(
                item["code"],
                item["path"],
                item["fingerprint"],
                message if isinstance(message, str) else "",
            )
        )
    return entries


@dataclass
class Comparison:
    new: list[Finding] = field(default_factory=list)
    baselined: list[Finding] = field(default_factory=list)
    stale: list[Entry] = field(default_factory=list)  # entries no finding matched


def compare(
    pairs: Iterable[tuple[Finding, Entry]],
    entries: Iterable[Entry],
    *,
    judged: Callable[[Entry], bool],
) -> Comparison:
    """Split findings into new and baselined; ``judged`` says whether an unmatched entry
    could have matched in this run (its file was checked and its rule enabled), so a
    partial run does not call the rest of the baseline stale."""
    remaining = Counter((e.code, e.path, e.fingerprint) for e in entries)
    by_key = {(e.code, e.path, e.fingerprint): e for e in entries}
    result = Comparison()
    for finding, entry in pairs:
        key = (entry.code, entry.path, entry.fingerprint)
        if remaining[key] > 0:
            remaining[key] -= 1
            result.baselined.append(finding)
        else:
            result.new.append(finding)
    for key, count in remaining.items():
        if count > 0 and judged(by_key[key]):
            result.stale.extend([by_key[key]] * count)
    return result
