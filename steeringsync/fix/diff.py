"""Unified diffs of what ``--fix`` would change, in the form ``git apply`` accepts."""

from __future__ import annotations

import difflib


def unified_diff(old: str, new: str, display_path: str) -> str:
    """A unified diff (empty when equal); line endings as in the file."""
    if old == new:
        return ""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{display_path}",
        tofile=f"b/{display_path}",
    )
    no_eol = "\n\\ No newline at end of file\n"
    out = [line if line.endswith(("\n", "\r")) else line + no_eol for line in lines]
    return "".join(out)
