"""The persistent per-file result cache under ``<root>/.steeringsync_cache/`` (like ruff's).

One file per run configuration holds every file's entry, so a warm run costs one read.
An entry is reused only when the file's stat stamp matches and is old enough not to be
"racy" (a same-size edit within the filesystem's timestamp granularity), or else when the
content hash matches; anything unreadable or malformed is a miss, never a stale result.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from steeringsync import __version__
from steeringsync.fingerprint import canonical
from steeringsync.types import FileResult, Finding

CACHE_DIR = ".steeringsync_cache"
FORMAT = 1
MAGIC = b"SSCACHE2"
# A stamp newer than this (before the run started) may hide a same-size edit made within
# the same timestamp tick (FAT has 2 s ticks), so such entries are re-validated by hash.
RACY_NS = 2_000_000_000
KEEP_FILES = 8  # run configurations kept per tool version

Stamp = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
MISS = object()  # what lookup returns when the cache cannot answer


def stamp_of(st: os.stat_result) -> Stamp:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def digest(data: bytes) -> bytes:
    return hashlib.sha1(data, usedforsecurity=False).digest()


@dataclass(frozen=True)
class Entry:
    stamp: Stamp
    trusted: bool  # the stamp alone may validate the entry
    digest: bytes
    payload: Any  # None (nothing found, not parsed) or (parsed, findings, facts)


def encode_result(result: FileResult) -> Any:
    if not result.findings and not result.facts and not result.parsed:
        return None
    findings = [f.to_dict() for f in result.findings]
    return (result.parsed, findings, dict(result.facts))


def decode_result(path: Path, payload: Any) -> FileResult:
    """Raises (KeyError, TypeError, ValueError) on a malformed payload."""
    if payload is None:
        return FileResult(path)
    parsed, findings, facts = payload
    if not isinstance(facts, dict):
        raise TypeError("facts")
    key = str(path)
    return FileResult(
        path,
        # a file's findings are in that file: share its Path instead of parsing one each
        findings=[Finding.from_dict(f, path if f["path"] == key else None) for f in findings],
        facts={str(k): list(v) for k, v in facts.items()},
        parsed=bool(parsed),
    )


@functools.cache
def code_stamp() -> str:
    """Size and mtime of the tool's own modules: an edited checkout invalidates the cache."""
    base = os.path.dirname(os.path.abspath(__file__))
    parts: list[str] = []
    for directory, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                st = os.stat(os.path.join(directory, name))
                parts.append(f"{directory[len(base) :]}/{name}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)


def run_key(parts: Iterable[object]) -> str | None:
    """A key for everything a file's result depends on besides its bytes; None: uncacheable."""
    text = canonical(
        (__version__, sys.version, FORMAT, code_stamp(), *parts),
    )
    if text is None:
        return None
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def cache_dir(root: Path) -> Path:
    """This tool version's folder under the project's cache directory."""
    return root / CACHE_DIR / __version__


def read_blob(file: Path, key: str) -> Any:
    """The data ``write_blob`` stored under ``key``; None when missing, corrupt or stale."""
    try:
        with open(file, "rb") as handle:
            blob = handle.read()
    except OSError:
        return None
    body = blob[len(MAGIC) + 20 :]
    if blob[: len(MAGIC)] != MAGIC or blob[len(MAGIC) : len(MAGIC) + 20] != digest(body):
        return None  # truncated or corrupted: start afresh
    try:
        data = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None
    if isinstance(data, dict) and data.get("key") == key:
        return data.get("data")
    return None


def write_blob(file: Path, key: str, data: Any) -> bool:
    """Store ``data`` atomically (temp file + rename): a concurrent run's write simply
    wins, a crash leaves the old file. False when it cannot be stored (not plain data,
    or a read-only checkout, which still gets its findings, just uncached)."""
    try:
        body = marshal.dumps({"key": key, "data": data})
    except ValueError:
        return False
    try:
        _ensure_dir(file.parent.parent)
        file.parent.mkdir(exist_ok=True)
        import tempfile  # only when writing: it costs a few ms of start-up

        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".tmp-", suffix=".bin")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + digest(body) + body)
            os.replace(tmp, file)
        except BaseException:
            _unlink(tmp)
            raise
    except OSError:
        return False
    return True


class Cache:
    """The entries of one run configuration; load once, look up, record, save once."""

    def __init__(self, root: Path, key: str) -> None:
        self.directory = cache_dir(root)
        self.file = self.directory / f"{key}.bin"
        self.key = key
        self.started_ns = time.time_ns()
        self.entries: dict[str, Any] = {}
        self.updates: dict[str, Entry] = {}
        self.seen: set[str] = set()
        entries = read_blob(self.file, key)
        if isinstance(entries, dict):
            self.entries = entries

    def get(self, path: str) -> Entry | None:
        self.seen.add(path)
        raw = self.entries.get(path)
        if raw is None:
            return None
        try:
            stamp, trusted, sha, payload = raw
            if len(stamp) != 4 or not isinstance(sha, bytes):
                return None
            return Entry(tuple(stamp), bool(trusted), sha, payload)
        except (TypeError, ValueError):
            return None

    def lookup(self, key: str, stamp: Stamp) -> Any:
        """The cached payload (None: nothing found) when the stat stamp alone proves the
        file unchanged, else MISS. The caller decodes a payload only when there is one."""
        self.seen.add(key)
        raw = self.entries.get(key)
        if type(raw) is not tuple or len(raw) != 4:
            return MISS
        old, trusted, _, payload = raw
        if not trusted or old != stamp:
            return MISS
        return payload

    def decode(self, path: Path, payload: Any) -> FileResult | None:
        try:
            return decode_result(path, payload)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def record(self, path: str, stamp: Stamp, sha: bytes, result: FileResult | None) -> None:
        """Remember ``path``'s result (None: nothing found, nothing parsed)."""
        trusted = max(stamp[1], stamp[2]) < self.started_ns - RACY_NS
        payload = None if result is None else encode_result(result)
        if self.entries.get(path) == (stamp, trusted, sha, payload):
            return  # a recent file re-validated by hash: nothing new to write
        self.updates[path] = Entry(stamp, trusted, sha, payload)

    def save(self, prune_unseen: bool = False) -> None:
        """Write once, atomically; with ``prune_unseen``, drop the files not seen."""
        if not self.updates and not (prune_unseen and self.entries.keys() - self.seen):
            return
        entries = (
            {k: v for k, v in self.entries.items() if k in self.seen}
            if prune_unseen
            else dict(self.entries)
        )
        for path, e in self.updates.items():
            entries[path] = (e.stamp, e.trusted, e.digest, e.payload)
        if write_blob(self.file, self.key, entries):
            _prune(self.directory, keep=self.file)


def _ensure_dir(directory: Path) -> None:
    directory.mkdir(exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Automatically created by steeringsync.\n*\n", encoding="utf-8")


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _prune(directory: Path, keep: Path) -> None:
    """Drop the oldest run configurations beyond KEEP_FILES, and stale temp files."""
    now = time.time()
    found: list[tuple[float, str]] = []
    for entry in os.scandir(directory):
        try:
            mtime = entry.stat().st_mtime
        except OSError:
            continue
        if entry.name.startswith(".tmp-"):
            if now - mtime > 3600:
                _unlink(entry.path)
        elif entry.name.endswith(".bin") and entry.path != str(keep):
            found.append((mtime, entry.path))
    for _, path in sorted(found, reverse=True)[KEEP_FILES - 1 :]:
        _unlink(path)
