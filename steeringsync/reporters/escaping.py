"""Make repository-controlled text safe to print: no terminal control sequences."""

from __future__ import annotations

import re

# C0 controls but tab (a newline would forge an output line), DEL, and C1 (CSI is U+009B)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def clean_text(text: str) -> str:
    """``text`` with every control character (ESC included) written as ``\\xNN``."""
    return _CONTROL_RE.sub(_escape, text)
