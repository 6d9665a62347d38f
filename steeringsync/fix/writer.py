"""Write a fixed file safely: verify it compiles, then replace it atomically, mode kept."""

from __future__ import annotations

from pathlib import Path

from steeringsync.sandbox import write_atomic

__all__ = ["UnsafeResult", "verify", "write_atomic"]


class UnsafeResult(Exception):
    """The rewritten source does not compile; nothing is written."""


def verify(data: bytes, path: Path) -> None:
    """Compile the new bytes (their coding cookie and BOM honoured) or raise UnsafeResult."""
    try:
        compile(data, str(path), "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        raise UnsafeResult(f"the rewritten file would not compile: {exc}") from None
