"""Reading an untrusted repository: paths kept inside its root, regular files only, bounded.

Everything the repository holds is a stranger's data (GUIDE: "untrusted input stays in its
box"): a committed symlink must not make a run read ``/proc/self/environ`` into a finding,
a ``.gitignore -> /dev/zero`` must not be read until memory runs out, and a FIFO must not
block the run. The checks here are on the path as committed; a race against a concurrent
writer of the checkout is outside the threat model (SECURITY.md).
"""

from __future__ import annotations

import errno
import functools
import os
import stat
from pathlib import Path

MAX_TEXT_BYTES = 1024 * 1024  # config, .gitignore and env files: real ones are a few KiB
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting


class SkippedFile(OSError):
    """A file refused before reading; ``strerror`` says why, for notices and findings."""

    def __init__(self, reason: str) -> None:
        super().__init__(errno.EPERM, reason)


def within(root: Path, path: Path) -> bool:
    """Whether ``path``, every symlink resolved, is ``root`` or under it (``root`` resolved)."""
    try:
        resolved = os.path.realpath(path)
        base = _real(str(root))
    except (OSError, ValueError):
        return False
    return resolved == base or resolved.startswith(base.rstrip(os.sep) + os.sep)


@functools.lru_cache(maxsize=16)
def _real(root: str) -> str:
    return os.path.realpath(root)


def check_inside(root: Path, path: Path) -> None:
    """Raise :class:`SkippedFile` when ``path`` resolves outside ``root``."""
    if not within(root, path):
        raise SkippedFile("a symlink to outside the repository; skipped")


def read_regular(path: Path, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else (a device, a
    FIFO, a directory, a bigger file) raises :class:`SkippedFile`, a failure OSError."""
    fd = os.open(path, os.O_RDONLY | _NONBLOCK)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SkippedFile("not a regular file; skipped")
        if st.st_size > limit:
            raise SkippedFile(f"larger than {limit} bytes; skipped")
        chunks, size = [], 0
        while True:  # the file may grow after the fstat: never read past the limit
            chunk = os.read(fd, min(limit + 1 - size, 1 << 20) or 1)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise SkippedFile(f"larger than {limit} bytes; skipped")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path, limit: int = MAX_TEXT_BYTES, encoding: str = "utf-8") -> str:
    """:func:`read_regular` decoded, bad bytes replaced."""
    return read_regular(path, limit).decode(encoding, errors="replace")


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data`` via a temp file in the same directory, mode kept.

    A symlink is refused (OSError), never written through: a committed link must not
    make a fix rewrite a file outside the repository, nor be replaced by a copy of it.
    Returns False, and leaves the file (and its mtime) untouched, when nothing changes.
    """
    import tempfile

    try:
        st = os.lstat(path)
    except FileNotFoundError:
        mode = 0o644
    else:
        if stat.S_ISLNK(st.st_mode):
            raise SkippedFile("a symbolic link; not written through (change its target)")
        if not stat.S_ISREG(st.st_mode):
            raise SkippedFile("not a regular file; not written")
        mode = stat.S_IMODE(st.st_mode)
        if read_regular(path, max(st.st_size, 1) + 1) == data:
            return False
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
