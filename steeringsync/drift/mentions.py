"""Where setting names occur outside the code reads: doc prose, included docs, other files.

A setting counts as documented when a steering doc names it anywhere (a code span, a
bullet, a table, prose) or pulls in a file that does (``#[[file:docs/config.md]]``). A
documented setting counts as used when any file other than the docs names it: Go,
TypeScript, shell, Terraform or a workflow reads or sets it just as well as Python.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from steeringsync.config import Config
from steeringsync.discovery import FileSelector
from steeringsync.sandbox import read_regular, within
from steeringsync.steering.document import FILE_REF_RE, SteeringDoc


class Project(Protocol):
    """What the index reads of a project (``steeringsync.project.Project`` is one, and
    caches the repository's index: a protocol keeps the import one way)."""

    @property
    def root(self) -> Path: ...
    @property
    def config(self) -> Config: ...
    @property
    def selector(self) -> FileSelector: ...
    @property
    def docs(self) -> list[SteeringDoc]: ...


# Upper-case words with at least one `_` or 3+ characters: `DEBUG`, `DB_URL`
_WORD = re.compile(rb"(?<![A-Za-z0-9_])[A-Z][A-Z0-9_]{1,}(?![A-Za-z0-9_])")
# bounds: a repository under check is untrusted input
MAX_FILE = 1024 * 1024
MAX_TOTAL = 64 * 1024 * 1024
# prose, not code: a name in a README is documentation, not a use
_DOC_SUFFIXES = (".md", ".markdown", ".rst", ".txt", ".adoc")
_BINARY_SUFFIXES = (
    ".png", ".jpg", ".jpeg", ".gif", ".ico", ".pdf", ".zip", ".gz", ".tgz", ".whl",
    ".so", ".dylib", ".dll", ".exe", ".woff", ".woff2", ".ttf", ".mp4", ".mp3", ".svg",
    ".lock", ".sqlite", ".db", ".pyc", ".bin", ".jar",
)  # fmt: skip
# Files that deploy and run the code: a variable they set is wired by the repository
_INFRA_SUFFIXES = (".tf", ".tfvars", ".hcl", ".yml", ".yaml", ".sh", ".bash", ".ps1")
_INFRA_NAMES = re.compile(
    r"(?:^|/)(?:Dockerfile[^/]*|[^/]*\.dockerfile|Procfile|Makefile|justfile|"
    r"(?:docker-)?compose[^/]*|template\.json|serverless\.[a-z]+|app\.json|fly\.toml|"
    r"render\.yaml|netlify\.toml|vercel\.json|wrangler\.toml)$"
)
_INFRA_DIRS = re.compile(
    r"(?:^|/)(?:infra|infrastructure|cdk|deploy|deployment|terraform|k8s|helm)/"
)


@dataclass
class NameIndex:
    """Upper-case words by where they occur."""

    in_docs: set[str] = field(default_factory=set)  # steering docs and files they include
    elsewhere: set[str] = field(default_factory=set)  # any non-doc file of the repository
    in_infra: set[str] = field(default_factory=set)  # deployment and CI files


@dataclass
class NameMemo:
    """What earlier scans found, for a caller that keeps one project model for long (the
    language server): each name is scanned for once, until a file of the repository
    changes (then the caller clears it). A scan's answer for a name does not depend on
    the other names asked with it, so answers from several scans add up exactly."""

    scanned: set[str] = field(default_factory=set)
    found: NameIndex = field(default_factory=NameIndex)

    def clear(self) -> None:
        self.scanned.clear()
        self.found = NameIndex()


def words(data: bytes) -> set[str]:
    return {w.decode("ascii") for w in _WORD.findall(data)}


def _read(path: Path) -> bytes:
    """A regular file's bytes, bounded; a FIFO, a device or a bigger file reads as empty."""
    try:
        return read_regular(path, MAX_FILE)
    except OSError:  # SkippedFile included
        return b""


def _included(project: Project) -> list[Path]:
    """Files the steering docs pull in with ``#[[file:…]]``, inside the root only."""
    root = project.root.resolve()
    found = []
    for doc in project.docs:
        for match in FILE_REF_RE.finditer(doc.text):
            target = match.group(1).strip().lstrip("/")
            if not target:
                continue
            for base in (root, doc.path.parent):
                try:
                    path = (base / target).resolve()
                except (OSError, ValueError):
                    continue
                if within(root, path) and path.is_file():
                    found.append(path)
                    break
    return found


def is_infra(rel: str) -> bool:
    return (
        rel.endswith(_INFRA_SUFFIXES)
        or _INFRA_NAMES.search(rel) is not None
        or _INFRA_DIRS.search(rel) is not None
    )


def doc_names(project: Project) -> set[str]:
    """The names the steering docs mention (their text as it is now, an editor's unsaved
    buffer included), and the files they pull in with ``#[[file:]]``: cheap, no walk."""
    found: set[str] = set()
    for doc in project.docs:
        found |= words(doc.text.encode("utf-8", "replace"))
    for included in _included(project):
        found |= words(_read(included))
    return found


def occurrences(project: Project, names: set[str]) -> NameIndex:
    """Where ``names`` occur in the repository's non-doc files: one pass in which a file
    is tokenised only when it holds one of them (a byte search), so a run with a handful
    of candidates reads the repository without tokenising it."""
    if not names:
        return NameIndex()
    memo = getattr(project, "name_memo", None)
    if not isinstance(memo, NameMemo):
        return _scan(project, names)
    new = names - memo.scanned
    if new:  # only names not asked before: a doc edit rarely adds one
        found = _scan(project, new)
        memo.found.elsewhere |= found.elsewhere
        memo.found.in_infra |= found.in_infra
        memo.scanned |= new
    return NameIndex(elsewhere=memo.found.elsewhere & names, in_infra=memo.found.in_infra & names)


class Memo(Protocol):
    """Where a run keeps what the scan found per file (``steeringsync.cache.Cache``)."""

    @property
    def settled_ns(self) -> int: ...
    def memo(self, name: str) -> Any: ...
    def remember(self, name: str, value: Any) -> None: ...


MEMO = "mentions"
MEMO_SETS = 4  # name sets remembered (two drift rules ask, each its own)
# what one file gave: its stat stamp, the bytes read, then (names, infra) or 0
Seen = list[Any]


def _scan(project: Project, names: set[str]) -> NameIndex:
    """One pass over the non-doc files. With a memo (a cached run asking for
    ``names``), a file whose stat stamp is settled and unchanged since the run that
    remembered these names is not read again: a warm run stats the files instead of
    reading them all (a third of its time on 10,000 files)."""
    result = NameIndex()
    needles = [n.encode("ascii", "ignore") for n in names]
    memo: Memo | None = getattr(project, "scan_memo", None)
    key = "\n".join(sorted(names))
    before = _remembered(memo, key)
    now: dict[str, Seen] = {}
    steering = project.config.steering_dir.strip("/") + "/"
    stats = (getattr(project, "file_stats", None) or {}) if memo is not None else {}
    total = 0
    for path, rel in project.selector.walk_all(project.root):
        lower = rel.lower()
        if (
            rel.startswith(steering)
            or lower.endswith(_DOC_SUFFIXES + _BINARY_SUFFIXES)
            or total > MAX_TOTAL
        ):
            continue
        stamp = None if memo is None else _settled(path, memo.settled_ns, stats.get(path))
        seen: Seen = before.get(rel) or []
        if stamp is None or type(seen) is not list or seen[:4] != stamp or not _well_formed(seen):
            data = _read(Path(path))
            seen = [*(stamp or (0, 0, 0, 0)), len(data), _found(data, rel, names, needles)]
        if stamp is not None:
            now[rel] = seen
        total += seen[4]
        if seen[5]:
            found, infra = set(seen[5][0]), seen[5][1]
            result.elsewhere |= found
            if infra:
                result.in_infra |= found
    if memo is not None and now != before:
        _remember(memo, key, now)
    return result


def _found(data: bytes, rel: str, names: set[str], needles: list[bytes]) -> list[Any] | int:
    """The names in one file's bytes and whether it deploys the code; 0: none."""
    if b"\0" in data[:1024]:
        return 0
    if not any(n in data for n in needles):
        return 0
    found = words(data) & names
    if not found:
        return 0
    infra = is_infra(rel) or b"aws_cdk" in data or b"aws-cdk-lib" in data
    return [sorted(found), infra]


def _settled(path: str, settled_ns: int, st: os.stat_result | None = None) -> list[int] | None:
    """A regular file's stat stamp when old enough to prove it unchanged, else None
    (``st``: the run's stat of it, when the run already made one)."""
    if st is None:
        try:
            st = os.stat(path)
        except OSError:
            return None
    if not stat.S_ISREG(st.st_mode) or max(st.st_mtime_ns, st.st_ctime_ns) >= settled_ns:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _remembered(memo: Memo | None, key: str) -> dict[str, Seen]:
    """What the memo holds for this name set; anything malformed counts as nothing."""
    sets = memo.memo(MEMO) if memo is not None else None
    if not isinstance(sets, list):
        return {}
    for item in sets:
        if isinstance(item, list) and len(item) == 2 and item[0] == key:
            return item[1] if isinstance(item[1], dict) else {}  # entries checked on use
    return {}


def _well_formed(seen: Any) -> bool:
    if type(seen) is not list or len(seen) != 6:
        return False
    a, b, c, d, e = seen[:5]  # unrolled: this runs for every file of a warm run
    if not (type(a) is int and type(b) is int and type(c) is int and type(d) is int):
        return False
    if type(e) is not int:
        return False
    hit = seen[5]
    if hit == 0 and type(hit) is int:
        return True
    return (
        type(hit) is list
        and len(hit) == 2
        and type(hit[0]) is list
        and all(type(n) is str for n in hit[0])
        and type(hit[1]) is bool
    )


def _remember(memo: Memo, key: str, files: dict[str, Seen]) -> None:
    sets = memo.memo(MEMO)
    kept = (
        [s for s in sets if isinstance(s, list) and s[:1] != [key]]
        if isinstance(sets, list)
        else []
    )
    memo.remember(MEMO, [[key, files], *kept[: MEMO_SETS - 1]])
