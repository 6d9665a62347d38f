"""Validate a steering doc's front matter against what Kiro reads (inclusion modes, keys)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from steeringsync.steering.document import SteeringDoc

INCLUSION_MODES = ("always", "fileMatch", "manual", "auto")
KIRO_KEYS = ("inclusion", "fileMatchPattern", "name", "description")
# keys steeringsync itself reads; validated by steeringsync.steering.declarations
OWN_KEYS = ("deprecations",)
# misspellings seen in real docs that fuzzy matching alone would miss
ALIASES = {
    "include": "inclusion",
    "includes": "inclusion",
    "inclusions": "inclusion",
    "mode": "inclusion",
    "pattern": "fileMatchPattern",
    "patterns": "fileMatchPattern",
    "filematch": "fileMatchPattern",
    "filepattern": "fileMatchPattern",
    "filepatterns": "fileMatchPattern",
    "glob": "fileMatchPattern",
    "globs": "fileMatchPattern",
    "match": "fileMatchPattern",
    "title": "name",
}


@dataclass(frozen=True)
class Problem:
    message: str
    line: int


MAX_SHOWN = 60  # characters of a front-matter value a message quotes


def shown_value(value: Any) -> str:
    """A front-matter value for a message: a string (or number) cut to MAX_SHOWN
    characters, anything else by its type; never the whole value (it may be huge)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        text = str(value) if value is not None else "null"
        return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"
    return f"<{type(value).__name__}>"


def _normalised(key: str) -> str:
    return key.replace("_", "").replace("-", "").replace(" ", "").lower()


def suggest_key(key: str) -> str | None:
    """The Kiro key an unknown key most likely meant, or None for an unrelated key."""
    norm = _normalised(key)
    by_norm = {_normalised(k): k for k in (*KIRO_KEYS, *OWN_KEYS)}
    if norm in by_norm:
        return by_norm[norm]
    if norm in ALIASES:
        return ALIASES[norm]
    close = difflib.get_close_matches(norm, list(by_norm), n=1, cutoff=0.8)
    return by_norm[close[0]] if close else None


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def validate(doc: SteeringDoc) -> list[Problem]:
    """Every reason Kiro would misread this doc's front matter; empty when it is fine."""
    fm = doc.front_matter
    if fm is None:
        if doc.unclosed_front_matter:
            return [Problem("front matter is not closed: add a `---` line after it", 1)]
        return []
    if fm.error is not None:
        return [Problem(f"front matter is not valid YAML: {fm.error}", fm.error_line or fm.line)]
    if fm.data is None:
        return []  # an empty block: Kiro treats the doc as `inclusion: always`
    if not isinstance(fm.data, dict):
        kind = type(fm.data).__name__
        return [Problem(f"front matter must be a mapping of keys, not a {kind}", fm.line)]
    lines = fm.key_lines
    problems: list[Problem] = []

    def add(message: str, key: str | None = None) -> None:
        problems.append(Problem(message, lines.get(key, fm.line) if key else fm.line))

    data: dict[Any, Any] = fm.data
    for key in data:
        name = shown_value(key)
        if name in KIRO_KEYS or name in OWN_KEYS:
            continue
        suggestion = suggest_key(name)
        if suggestion is not None and suggestion not in data:
            add(f"unknown key `{name}`: did you mean `{suggestion}`?", name)
    inclusion = data.get("inclusion", "always")
    if not isinstance(inclusion, str) or inclusion not in INCLUSION_MODES:
        modes = ", ".join(INCLUSION_MODES)
        shown = shown_value(inclusion)
        hint = next((m for m in INCLUSION_MODES if m.lower() == shown.lower()), None)
        extra = f" (did you mean `{hint}`? modes are case-sensitive)" if hint else ""
        add(f"`inclusion: {shown}` is not a Kiro mode ({modes}){extra}", "inclusion")
    pattern = data.get("fileMatchPattern")
    if "fileMatchPattern" in data and not (
        (isinstance(pattern, str) and pattern.strip()) or _is_str_list(pattern)
    ):
        add(
            "`fileMatchPattern` must be a glob string or a list of glob strings", "fileMatchPattern"
        )
    if inclusion == "fileMatch" and "fileMatchPattern" not in data:
        add("`inclusion: fileMatch` needs a `fileMatchPattern`", "inclusion")
    if inclusion in INCLUSION_MODES and inclusion != "fileMatch" and "fileMatchPattern" in data:
        add(
            f"`fileMatchPattern` is ignored with `inclusion: {inclusion}`; "
            "use `inclusion: fileMatch`",
            "fileMatchPattern",
        )
    for key in ("name", "description"):
        if key in data and not isinstance(data[key], str):
            add(f"`{key}` must be a string", key)
        elif inclusion == "auto" and not str(data.get(key) or "").strip():
            add(
                f"`inclusion: auto` needs a `{key}` so Kiro can decide when to load it", "inclusion"
            )
    return problems
