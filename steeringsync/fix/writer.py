"""Write a fixed file safely: verify it compiles, then replace it atomically, mode kept."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class UnsafeResult(Exception):
    """The rewritten source does not compile; nothing is written."""


def verify(data: bytes, path: Path) -> None:
    """Compile the new bytes (their coding cookie and BOM honoured) or raise UnsafeResult."""
    try:
        compile(data, str(path), "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        raise UnsafeResult(f"the rewritten file would not compile: {exc}") from None


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data`` via a temp file in the same directory.

    Returns False, and leaves the file (and its mtime) untouched, when nothing changes.
    """
    try:
        if path.read_bytes() == data:
            return False
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        # never leave the temporary file behind, whatever interrupted us
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
