"""Check many files: cache look-ups here, reading, pre-filtering and parsing where cheapest.

The main process stats every file and answers what it can from the cache. The rest are
read and pre-filtered; only files that contain a trigger are parsed. With few files to
read (a warm cache, pre-commit's handful), this process reads them and parses the few
that need it, starting a pool only when enough do. With many (a cold cache), the workers
read, filter and parse whole files themselves, so both cores share all of the work. Work
goes out in chunks, a bounded number in flight, so memory stays flat; results come back
in the order of ``paths``.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

from steeringsync.cache import MISS, Cache, Stamp, digest, stamp_of
from steeringsync.engine import (
    FileJob,
    Triggers,
    analyze_bytes,
    analyze_file,
    unreadable_result,
)
from steeringsync.python.source import BINARY_SNIFF, UnreadableSource, read_bytes
from steeringsync.triggers import contains_trigger
from steeringsync.types import FileResult

if TYPE_CHECKING:  # the pool's modules are imported only when a pool is started
    from concurrent.futures import Future, ProcessPoolExecutor

# Files needing a parse below which no pool is started: forking workers costs ~20 ms,
# a parse ~3 ms, and pre-commit typically passes a handful of files.
SERIAL_LIMIT = 24
CHUNK = 8
# Files to read at or above which the workers read them too: reading and pre-filtering
# costs ~30 us a file, so below this a pool would cost more than it saves.
READ_POOL_LIMIT = 1000
READ_CHUNK = 128  # files per task: fewer round trips; still ~80 tasks for 10,000 files
INFLIGHT_PER_WORKER = 4
GC_THRESHOLD = (20_000, 20, 20)

Task = tuple[int, str, bytes]
Item = TypeVar("Item")
Done = TypeVar("Done")

_JOB: FileJob | None = None  # the job, set once in each worker process


def default_jobs() -> int:
    """Worker processes for this machine: the CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _init_worker(job: FileJob) -> None:
    global _JOB
    _JOB = job
    # ASTs are acyclic and freed by refcount: collect young objects less often
    gc.set_threshold(*GC_THRESHOLD)


def _parse_chunk(chunk: list[Task]) -> list[tuple[int, FileResult]]:
    assert _JOB is not None, "worker not initialised"
    return [(i, analyze_bytes(Path(path), data, _JOB)) for i, path, data in chunk]


class _Batches(Generic[Item, Done]):
    """Work for a pool, sent in chunks of ``size`` with a bounded number in flight (memory
    stays flat); results come back in the order the work went out."""

    def __init__(
        self,
        pool: ProcessPoolExecutor,
        jobs: int,
        size: int,
        work: Callable[..., list[Done]],
        *args: object,
    ) -> None:
        self.pool = pool
        self.limit = jobs * INFLIGHT_PER_WORKER
        self.size = size
        self.work = work
        self.args = args
        self.pending: list[Item] = []
        self.inflight: deque[Future[list[Done]]] = deque()
        self.done: list[Done] = []

    def add(self, items: Iterable[Item]) -> None:
        self.pending.extend(items)
        if len(self.pending) >= self.size:
            self._send()

    def _send(self) -> None:
        for start in range(0, len(self.pending), self.size):
            chunk = self.pending[start : start + self.size]
            self.inflight.append(self.pool.submit(self.work, chunk, *self.args))
        self.pending = []
        while len(self.inflight) > self.limit:
            self.done.extend(self.inflight.popleft().result())

    def finish(self) -> list[Done]:
        self._send()
        while self.inflight:
            # a worker that dies (killed for memory, say) raises BrokenProcessPool here
            # instead of leaving the run waiting forever
            self.done.extend(self.inflight.popleft().result())
        return self.done


class _Parser:
    """Parses the files that passed the pre-filter: serially, or in a pool once worth it."""

    def __init__(self, job: FileJob, jobs: int) -> None:
        self.job = job
        self.jobs = jobs
        self.buffer: list[Task] = []
        self.pool: ProcessPoolExecutor | None = None
        self.batches: _Batches[Task, tuple[int, FileResult]] | None = None

    def submit(self, task: Task) -> None:
        if self.batches is not None:
            self.batches.add((task,))
            return
        self.buffer.append(task)
        if self.jobs > 1 and len(self.buffer) >= SERIAL_LIMIT:
            self.pool = _start_pool(self.job, self.jobs)
            self.batches = _Batches(self.pool, self.jobs, CHUNK, _parse_chunk)
            self.batches.add(self.buffer)

    def finish(self) -> list[tuple[int, FileResult]]:
        if self.batches is not None:
            return self.batches.finish()
        saved = gc.get_threshold()
        gc.set_threshold(*GC_THRESHOLD)
        try:
            return [(i, analyze_bytes(Path(p), d, self.job)) for i, p, d in self.buffer]
        finally:
            gc.set_threshold(*saved)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _start_pool(job: FileJob, jobs: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork is cheapest (no re-import) where it is safe; macOS and Windows use spawn.
    # Not from another thread (the language server reads a project in one): a lock held
    # by the main thread at the fork stays held in the workers, which then hang.
    main = threading.current_thread() is threading.main_thread()
    method = ("fork" if main else "forkserver") if sys.platform.startswith("linux") else None
    context = multiprocessing.get_context(method)
    pool = ProcessPoolExecutor(jobs, context, initializer=_init_worker, initargs=(job,))
    # With fork, the first submit starts every worker. Frozen around it, the inherited
    # heap is never scanned by a worker's collector (which would also copy every page it
    # touches); unfrozen again for this process.
    gc.freeze()
    try:
        pool.submit(os.getpid)
    finally:
        gc.unfreeze()
    return pool


def _read(key: str, stamp: Stamp | None, max_size: int) -> bytes:
    """``read_bytes`` without its second stat when ours already shows a small file, and
    without a buffered file object: a third of the cost of reading 10,000 small files."""
    if stamp is not None and stamp[0] <= max_size:
        try:
            fd = os.open(key, os.O_RDONLY)
        except OSError:
            pass  # read_bytes words the error
        else:
            try:
                data = _read_all(fd, stamp[0], max_size)
            except OSError:
                data = None
            finally:
                os.close(fd)
            if data is not None and b"\0" not in data[:BINARY_SNIFF]:
                return data
    return read_bytes(Path(key), max_size)


def _read_all(fd: int, size: int, max_size: int) -> bytes | None:
    """Everything up to EOF (a file may have changed since its stat); None past max_size."""
    chunks = [os.read(fd, size + 1)]
    while chunks[-1]:
        chunks.append(os.read(fd, max(size, 65536)))
        if sum(map(len, chunks)) > max_size:
            return None
    return b"".join(chunks) if len(chunks) > 2 else chunks[0]


@dataclass(frozen=True)
class Miss:
    """A file the cache could not answer from its stat stamp alone."""

    index: int
    key: str  # the path as given, as a string
    stamp: Stamp | None  # None: the stat failed
    known: bytes | None  # the digest of the file's cache entry, if it has one


# What reading a file can settle without parsing it, instead of a result:
SKIPPED = "skipped"  # no trigger in it: nothing found, nothing parsed
REUSED = "reused"  # its bytes are the cached entry's: that result holds
# (result or marker, the digest to cache it under; None: not cacheable)
Outcome = tuple[FileResult | str, bytes | None]


class ToParse(NamedTuple):
    """A file the pre-filter let through: its bytes, and the digest to cache it under."""

    data: bytes
    digest: bytes | None  # None: no cache


def _prepare(miss: Miss, job: FileJob, triggers: Triggers, hashing: bool) -> Outcome | ToParse:
    """Read and pre-filter one file: its outcome when that settles it, else what to parse."""
    try:
        data = _read(miss.key, miss.stamp, job.max_file_size)
    except UnreadableSource as exc:
        return unreadable_result(Path(miss.key), job, exc), None  # transient: not cached
    if job.prefilter and not contains_trigger(data, *triggers):
        return SKIPPED, b""
    if not hashing:
        return ToParse(data, None)
    sha = digest(data)
    return (REUSED, sha) if sha == miss.known else ToParse(data, sha)


def _check_chunk(chunk: list[Miss], hashing: bool) -> list[Outcome]:
    """Read, pre-filter and parse files in a worker (runs with many files to read)."""
    assert _JOB is not None, "worker not initialised"
    triggers = _JOB.trigger_sets()
    outcomes: list[Outcome] = []
    for miss in chunk:
        prepared = _prepare(miss, _JOB, triggers, hashing)
        if isinstance(prepared, ToParse):
            result = analyze_bytes(Path(miss.key), prepared.data, _JOB)
            outcomes.append((result, prepared.digest))
        else:
            outcomes.append(prepared)
    return outcomes


def _check_here(misses: list[Miss], job: FileJob, jobs: int, hashing: bool) -> list[Outcome]:
    """Read and pre-filter in this process; parse here, or in a pool once enough need it."""
    triggers = job.trigger_sets()
    outcomes: list[Outcome | None] = []
    digests: dict[int, bytes | None] = {}
    parser = _Parser(job, jobs)
    try:
        for position, miss in enumerate(misses):
            prepared = _prepare(miss, job, triggers, hashing)
            if isinstance(prepared, ToParse):
                digests[position] = prepared.digest
                parser.submit((position, miss.key, prepared.data))
                outcomes.append(None)
            else:
                outcomes.append(prepared)
        for position, result in parser.finish():
            outcomes[position] = result, digests[position]
    finally:
        parser.close()  # also when interrupted or a rule raises
    done = [outcome for outcome in outcomes if outcome is not None]
    assert len(done) == len(outcomes), "a parse result is missing"
    return done


@dataclass
class Scan:
    """What checking many files gave: how many, and the results with anything in them."""

    paths: list[str]  # every file checked, as given
    results: list[FileResult]  # in the order of ``paths``, only those with something in them


def analyze_many(
    paths: Iterable[str | Path],
    job: FileJob,
    *,
    jobs: int | None = None,
    cache: Cache | None = None,
    stats: dict[str, os.stat_result] | None = None,
) -> Scan:
    """Check ``paths``; cache hits and non-matching files never reach a parser.

    A warm run touches each unchanged file with one stat and one dict look-up, and
    builds nothing for it: on 10,000 files, a Path or a result per file would cost more
    than the stat. ``stats`` receives the stat of each cache hit (a file this run did not
    read, so the stat is still its state) for later passes of the run to reuse.
    """
    workers = default_jobs() if jobs is None else max(1, jobs)
    hashing = cache is not None
    keys: list[str] = []
    found: dict[int, FileResult] = {}
    misses: list[Miss] = []
    # with many files to read, workers read, pre-filter and parse whole files, fed while
    # the walk goes on: reading 10,000 files is itself a third of a cold run
    pool: ProcessPoolExecutor | None = None
    readers: _Batches[Miss, Outcome] | None = None
    try:
        for index, given in enumerate(paths):
            key = given if isinstance(given, str) else str(given)
            keys.append(key)
            try:
                st = os.stat(key)
                stamp: Stamp | None = stamp_of(st)
            except OSError:
                stamp = None
            known = None
            if cache is not None and stamp is not None:
                payload = cache.lookup(key, stamp)
                if payload is None:
                    if stats is not None:
                        stats[key] = st
                    continue  # unchanged, and nothing was found in it
                if payload is not MISS:
                    hit = cache.decode(Path(key), payload)
                    if hit is not None:
                        found[index] = hit
                        if stats is not None:
                            stats[key] = st
                        continue
                entry = cache.get(key)
                known = entry.digest if entry is not None else None
            miss = Miss(index, key, stamp, known)
            misses.append(miss)
            if readers is not None:
                readers.add((miss,))
            elif workers > 1 and len(misses) >= READ_POOL_LIMIT:
                pool = _start_pool(job, workers)
                readers = _Batches(pool, workers, READ_CHUNK, _check_chunk, hashing)
                readers.add(misses)
        if readers is not None:
            outcomes = readers.finish()
        else:
            outcomes = _check_here(misses, job, workers, hashing)
    finally:
        if pool is not None:  # also when interrupted or a rule raises
            pool.shutdown(wait=True, cancel_futures=True)
    for miss, outcome in zip(misses, outcomes, strict=True):
        result = _settle(miss, outcome, job, cache)
        if result is not None:
            found[miss.index] = result
    return Scan(keys, [found[i] for i in sorted(found)])


def _settle(miss: Miss, outcome: Outcome, job: FileJob, cache: Cache | None) -> FileResult | None:
    """The file's result from its outcome, recorded in the cache; None when empty."""
    found, sha = outcome
    result: FileResult | None = None
    if found == REUSED:
        entry = cache.get(miss.key) if cache is not None else None
        result = cache.decode(Path(miss.key), entry.payload) if cache and entry else None
        if result is None:  # the entry is malformed after all: check the file again
            result, sha = analyze_file(Path(miss.key), job), None
    elif isinstance(found, FileResult):
        result = found
    if cache is not None and miss.stamp is not None and sha is not None:
        cache.record(miss.key, miss.stamp, sha, result)
    return result if result is not None and not result.empty else None
