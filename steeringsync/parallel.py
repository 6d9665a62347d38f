"""Check many files: cache look-ups and the trigger pre-filter here, parsing across a process pool.

The main process stats every file, answers what it can from the cache, and reads and
pre-filters the rest; only files that contain a trigger are parsed. Those are parsed in
this process when there are few of them (a pool's start-up would cost more than it
saves), and otherwise in a pool of worker processes, in chunks, with a bounded number of
chunks in flight so memory stays flat. Results come back in the order of ``paths``.
"""

from __future__ import annotations

import gc
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from steeringsync.cache import Cache, Stamp, digest, stamp_of
from steeringsync.engine import FileJob, analyze_bytes, contains_trigger, unreadable_result
from steeringsync.python.source import BINARY_SNIFF, UnreadableSource, read_bytes
from steeringsync.types import FileResult

if TYPE_CHECKING:  # the pool's modules are imported only when a pool is started
    from concurrent.futures import Future, ProcessPoolExecutor

# Files needing a parse below which no pool is started: forking workers costs ~20 ms,
# a parse ~3 ms, and pre-commit typically passes a handful of files.
SERIAL_LIMIT = 24
CHUNK = 8
INFLIGHT_PER_WORKER = 4
GC_THRESHOLD = (20_000, 20, 20)

Task = tuple[int, str, bytes]

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


class _Parser:
    """Parses the files that passed the pre-filter: serially, or in a pool once worth it."""

    def __init__(self, job: FileJob, jobs: int) -> None:
        self.job = job
        self.jobs = jobs
        self.buffer: list[Task] = []
        self.pool: ProcessPoolExecutor | None = None
        self.inflight: deque[Future[list[tuple[int, FileResult]]]] = deque()
        self.done: list[tuple[int, FileResult]] = []

    def submit(self, task: Task) -> None:
        self.buffer.append(task)
        if self.pool is None and self.jobs > 1 and len(self.buffer) >= SERIAL_LIMIT:
            self.pool = _start_pool(self.job, self.jobs)
        if self.pool is not None and len(self.buffer) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        assert self.pool is not None
        for start in range(0, len(self.buffer), CHUNK):
            chunk = self.buffer[start : start + CHUNK]
            self.inflight.append(self.pool.submit(_parse_chunk, chunk))
        self.buffer = []
        while len(self.inflight) > self.jobs * INFLIGHT_PER_WORKER:
            self.done.extend(self.inflight.popleft().result())

    def finish(self) -> list[tuple[int, FileResult]]:
        if self.pool is None:
            saved = gc.get_threshold()
            gc.set_threshold(*GC_THRESHOLD)
            try:
                return [(i, analyze_bytes(Path(p), d, self.job)) for i, p, d in self.buffer]
            finally:
                gc.set_threshold(*saved)
        self._flush()
        while self.inflight:
            # a worker that dies (killed for memory, say) raises BrokenProcessPool here
            # instead of leaving the run waiting forever
            self.done.extend(self.inflight.popleft().result())
        return self.done

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _start_pool(job: FileJob, jobs: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork is cheapest (no re-import) where it is safe; macOS and Windows use spawn
    method = "fork" if sys.platform.startswith("linux") else None
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


def _read(path: Path, key: str, stamp: Stamp | None, max_size: int) -> bytes:
    """``read_bytes`` without its second stat when ours already shows a small file."""
    if stamp is not None and stamp[0] <= max_size:
        try:
            with open(key, "rb") as handle:
                data = handle.read()
        except OSError:
            pass  # read_bytes words the error
        else:
            if len(data) <= max_size and b"\0" not in data[:BINARY_SNIFF]:
                return data
    return read_bytes(path, max_size)


def analyze_many(
    paths: Iterable[Path], job: FileJob, *, jobs: int | None = None, cache: Cache | None = None
) -> Iterator[FileResult]:
    """Results for ``paths`` in order; cache hits and non-matching files never reach a parser."""
    plain, words = job.trigger_sets()
    parser = _Parser(job, default_jobs() if jobs is None else max(1, jobs))
    results: list[FileResult | None] = []
    stamps: dict[int, tuple[Stamp, bytes]] = {}
    try:
        for index, path in enumerate(paths):
            key = str(path)
            try:
                stamp = stamp_of(os.stat(key))
            except OSError:
                stamp = None
            if cache is not None and stamp is not None:
                hit = cache.lookup(path, key, stamp)
                if hit is not None:
                    results.append(hit)
                    continue
            try:
                data = _read(path, key, stamp, job.max_file_size)
            except UnreadableSource as exc:
                results.append(unreadable_result(path, job, exc))  # transient: not cached
                continue
            if job.prefilter and not contains_trigger(data, plain, words):
                result = FileResult(path)
                if cache is not None and stamp is not None:
                    cache.record(key, stamp, b"", result)
                results.append(result)
                continue
            sha = digest(data) if cache is not None else b""
            if cache is not None and stamp is not None:
                entry = cache.get(key)
                same = entry is not None and entry.digest == sha
                reused = cache.decode(path, entry.payload) if entry and same else None
                if reused is not None:
                    cache.record(key, stamp, sha, reused)
                    results.append(reused)
                    continue
                stamps[index] = (stamp, sha)
            results.append(None)
            parser.submit((index, key, data))
        for index, result in parser.finish():
            results[index] = result
            if cache is not None and index in stamps:
                stamp, sha = stamps[index]
                cache.record(str(result.path), stamp, sha, result)
    finally:
        parser.close()  # also when interrupted or a rule raises
    for done in results:
        assert done is not None
        yield done
