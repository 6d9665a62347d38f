"""The persistent per-file result cache, in a per-user folder outside the checkout.

One file per run configuration holds every file's entry, so a warm run costs one read.
An entry is reused only when the file's stat stamp matches and is old enough not to be
"racy" (a same-size edit within the filesystem's timestamp granularity), or else when the
content hash matches; anything unreadable or malformed is a miss, never a stale result.

The cache is untrusted input like the repository itself: it lives outside the working
tree (``--cache-dir`` / ``STEERINGSYNC_CACHE_DIR`` move it), each file carries an HMAC
under a per-user secret (a committed or copied cache never verifies), and it is JSON of
capped size, parsed only after the MAC matches (never marshal or pickle).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from steeringsync import __version__
from steeringsync.fingerprint import canonical
from steeringsync.types import FileResult, Finding

CACHE_DIR = ".steeringsync_cache"  # where old versions kept it; still never walked
ENV_VAR = "STEERINGSYNC_CACHE_DIR"
FORMAT = 2
MAGIC = b"SSCACHE3"
MAC_BYTES = 32  # HMAC-SHA256
MAX_BYTES = 256 * 1024 * 1024  # a cache file past this is not ours: never read it
SECRET_NAME = "secret.key"
SECRET_BYTES = 32
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# A stamp newer than this (before the run started) may hide a same-size edit made within
# the same timestamp tick (FAT has 2 s ticks), so such entries are re-validated by hash.
RACY_NS = 2_000_000_000
KEEP_FILES = 8  # run configurations kept per tool version

Stamp = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
MISS = object()  # what lookup returns when the cache cannot answer
MEMO = "\0"  # starts the keys of project-wide memos, never a path


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
    """The result as JSON gives it back (tuples in facts become lists), so an unchanged
    result compares equal to its stored entry and is not rewritten."""
    if not result.findings and not result.facts and not result.parsed:
        return None
    findings = [f.to_dict() for f in result.findings]
    return json.loads(json.dumps([result.parsed, findings, dict(result.facts)]))


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


def user_cache_base() -> Path:
    """The per-user cache folder: ``STEERINGSYNC_CACHE_DIR``, else the platform's."""
    env = os.environ.get("STEERINGSYNC_CACHE_DIR")  # ENV_VAR, spelled out for SS203
    if env:
        return Path(env).expanduser().absolute()
    return _platform_cache_home() / "steeringsync"


def _platform_cache_home() -> Path:
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return Path(local) if local else Path.home() / "AppData" / "Local"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"


def cache_dir(root: Path, base: Path | None = None) -> Path:
    """This tool version's folder for the repository at ``root``, outside its working
    tree: a repository's contents never decide where the cache is or what it holds."""
    resolved = str(root.resolve())
    name = hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return (base or user_cache_base()) / __version__ / name


def _secret_file() -> Path:
    # in the user's own cache home, never in --cache-dir: that may be restored from a
    # shared CI cache or sit inside a checkout, and a known key forges any entry
    return _platform_cache_home() / "steeringsync" / SECRET_NAME


@functools.cache
def user_secret() -> bytes | None:
    """The per-user key that authenticates cache entries; created on first use, 0600.
    None when it cannot be had (an unwritable home): then nothing is cached."""
    path = _secret_file()
    for _ in range(2):
        try:
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
        except FileNotFoundError:
            _create_secret(path)
            continue
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size != SECRET_BYTES:
                return None
            if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o077):
                return None  # another user could read or replace it: not a secret
            key = os.read(fd, SECRET_BYTES)
        finally:
            os.close(fd)
        return key if len(key) == SECRET_BYTES else None
    return None


def _create_secret(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    except OSError:
        return  # another process won the race, or no home: the read decides
    try:
        os.write(fd, secrets.token_bytes(SECRET_BYTES))
    finally:
        os.close(fd)


def _mac(secret: bytes, key: str, body: bytes) -> bytes:
    return hmac.new(secret, key.encode() + b"\0" + body, hashlib.sha256).digest()


def read_blob(file: Path, key: str) -> Any:
    """The data ``write_blob`` stored under ``key``; None when missing, corrupt, stale,
    forged or too big. The MAC is checked before a byte is parsed, and JSON cannot
    allocate much beyond the size of what it parses, which is capped."""
    secret = user_secret()
    if secret is None:
        return None
    try:
        fd = os.open(file, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            # what the file holds, not the cap: read(n) allocates n bytes up front
            blob = handle.read(st.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    head = len(MAGIC) + MAC_BYTES
    if len(blob) > MAX_BYTES or blob[: len(MAGIC)] != MAGIC:
        return None
    body = blob[head:]
    if not hmac.compare_digest(blob[len(MAGIC) : head], _mac(secret, key, body)):
        return None  # truncated, corrupted, or not written by this user: start afresh
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def write_blob(file: Path, key: str, data: Any) -> bool:
    """Store ``data`` atomically (temp file + rename): a concurrent run's write simply
    wins, a crash leaves the old file. False when it cannot be stored (not plain JSON
    data, no per-user secret, or an unwritable cache folder: the run is just uncached)."""
    secret = user_secret()
    if secret is None:
        return False
    try:
        # ASCII: lone surrogates (undecodable file names) round-trip as escapes
        encoded = json.dumps(data, separators=(",", ":")).encode("ascii")
    except (TypeError, ValueError, RecursionError):
        return False
    if len(encoded) + len(MAGIC) + MAC_BYTES > MAX_BYTES:
        return False
    try:
        _ensure_dir(file.parent)
        import tempfile  # only when writing: it costs a few ms of start-up

        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".tmp-", suffix=".bin")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + _mac(secret, key, encoded) + encoded)
            os.replace(tmp, file)  # replaces a link itself, never writes through it
        except BaseException:
            _unlink(tmp)
            raise
    except OSError:
        return False
    return True


class Cache:
    """The entries of one run configuration; load once, look up, record, save once."""

    def __init__(self, root: Path, key: str, base: Path | None = None) -> None:
        self.directory = cache_dir(root, base)
        self.file = self.directory / f"{key}.bin"
        self.key = key
        self.started_ns = time.time_ns()
        self.entries: dict[str, Any] = {}
        self.updates: dict[str, Entry] = {}
        self.seen: set[str] = set()
        self.memos: dict[str, Any] = {}
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
            if len(stamp) != 4 or not isinstance(sha, str):
                return None
            return Entry(tuple(stamp), bool(trusted), bytes.fromhex(sha), payload)
        except (TypeError, ValueError):
            return None

    def lookup(self, key: str, stamp: Stamp) -> Any:
        """The cached payload (None: nothing found) when the stat stamp alone proves the
        file unchanged, else MISS. The caller decodes a payload only when there is one."""
        self.seen.add(key)
        raw = self.entries.get(key)
        if type(raw) is not list or len(raw) != 4:
            return MISS
        old, trusted, _, payload = raw
        if trusted is not True or type(old) is not list or tuple(old) != stamp:
            return MISS
        return payload

    def decode(self, path: Path, payload: Any) -> FileResult | None:
        try:
            return decode_result(path, payload)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def record(self, path: str, stamp: Stamp, sha: bytes, result: FileResult | None) -> None:
        """Remember ``path``'s result (None: nothing found, nothing parsed)."""
        trusted = max(stamp[1], stamp[2]) < self.settled_ns
        payload = None if result is None else encode_result(result)
        if self.entries.get(path) == [list(stamp), trusted, sha.hex(), payload]:
            return  # a recent file re-validated by hash: nothing new to write
        self.updates[path] = Entry(stamp, trusted, sha, payload)

    @property
    def settled_ns(self) -> int:
        """A stamp older than this proves its file unchanged (see RACY_NS)."""
        return self.started_ns - RACY_NS

    def memo(self, name: str) -> Any:
        """What a project-wide pass stored under ``name`` (None: nothing): kept beside the
        files' entries (a NUL starts no path), under the same key and MAC."""
        return self.entries.get(MEMO + name)

    def remember(self, name: str, value: Any) -> None:
        """Store ``value`` (plain JSON data) under ``name`` at the next ``save``."""
        self.memos[MEMO + name] = value

    def save(self, prune_unseen: bool = False) -> None:
        """Write once, atomically; with ``prune_unseen``, drop the files not seen. Saving
        again writes only what was recorded since."""
        unseen = prune_unseen and any(
            k not in self.seen and not k.startswith(MEMO) for k in self.entries
        )
        if not self.updates and not self.memos and not unseen:
            return
        entries = (
            {k: v for k, v in self.entries.items() if k in self.seen or k.startswith(MEMO)}
            if prune_unseen
            else dict(self.entries)
        )
        for path, e in self.updates.items():
            entries[path] = [list(e.stamp), e.trusted, e.digest.hex(), e.payload]
        entries.update(self.memos)
        if write_blob(self.file, self.key, entries):
            _prune(self.directory, keep=self.file)
        self.entries, self.updates, self.memos = entries, {}, {}


def _ensure_dir(directory: Path) -> None:
    """Create the folder (private to the user); a link or file in its place is refused."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    if directory.is_symlink() or not directory.is_dir():
        raise NotADirectoryError(str(directory))


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _prune(directory: Path, keep: Path) -> None:
    """Drop the oldest run configurations beyond KEEP_FILES, and stale temp files."""
    now = time.time()
    found: list[tuple[float, str]] = []
    for entry in os.scandir(directory):
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            mtime = entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        if entry.name.startswith(".tmp-"):
            if now - mtime > 3600:
                _unlink(entry.path)
        elif entry.name.endswith(".bin") and entry.path != str(keep):
            found.append((mtime, entry.path))
    for _, path in sorted(found, reverse=True)[KEEP_FILES - 1 :]:
        _unlink(path)
