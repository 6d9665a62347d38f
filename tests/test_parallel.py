"""The process pool: only for runs with enough files to parse, results in input order."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from steeringsync import api, parallel
from steeringsync.cli import main
from steeringsync.project import Project
from steeringsync.python.source import UnreadableSource

Tree = Callable[[dict[str, str]], Path]
DEPRECATED = "def f{i}():\n    with unified_session_manager.get_db_session() as s:\n        pass\n"


def corpus(write_tree: Tree, relevant: int, plain: int = 10) -> tuple[Project, list[Path]]:
    files = {f"app/r{i:03d}.py": DEPRECATED.format(i=i) for i in range(relevant)}
    files.update({f"app/p{i:03d}.py": f"x = {i}\n" for i in range(plain)})
    files["app/broken.py"] = "unified_session_manager.get_db_session(\n"
    root = write_tree(files)
    project = Project.discover(root)
    # the walk is sorted; reverse it to prove results follow the input order, not the walk
    paths = sorted((root / "app").glob("*.py"), reverse=True)
    return project, paths


def results(project: Project, paths: list[Path], jobs: int) -> list[tuple[str, list[str]]]:
    options = api.CheckOptions(cache=False, jobs=jobs)
    job = api.file_job(project, api.enabled_rules(project, options), options)
    return [
        (r.path.name, [f"{f.code}:{f.location.line}" for f in r.findings])
        for r in api.analyze_files(paths, job, jobs=jobs)
    ]


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    started: list[int] = []
    real = parallel._start_pool

    def spy(job: object, jobs: int) -> object:
        started.append(jobs)
        return real(job, jobs)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "_start_pool", spy)
    return started


@pytest.mark.parametrize(
    "workers_read",
    [False, True],
    ids=["this process reads, workers parse", "workers read and parse"],
)
def test_pool_results_match_serial_in_input_order(
    write_tree: Tree, pools: list[int], workers_read: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if workers_read:  # as a run of 1,000+ files would
        monkeypatch.setattr(parallel, "READ_POOL_LIMIT", 20)
    project, paths = corpus(write_tree, relevant=parallel.SERIAL_LIMIT * 2 + 3)
    (project.root / "app" / "nul.py").write_bytes(b"x = 1\0\n")
    paths.append(project.root / "app" / "nul.py")
    serial = results(project, paths, jobs=1)
    assert pools == []
    pooled = results(project, paths, jobs=2)
    assert pools == [2]
    assert pooled == serial
    assert [name for name, _ in pooled] == [p.name for p in paths]
    assert dict(pooled)["broken.py"] == ["SS900:1"]
    assert dict(pooled)["r000.py"] == ["SS001:2"]
    assert dict(pooled)["nul.py"] == ["SS901:1"]


def test_small_runs_start_no_pool(write_tree: Tree, pools: list[int]) -> None:
    project, paths = corpus(write_tree, relevant=3, plain=200)
    found = results(project, paths, jobs=8)
    assert pools == []  # 200 files, but only 4 contain a trigger
    assert sum(len(f) for _, f in found) == 4


def test_cli_jobs_option(write_tree: Tree, monkeypatch, capsys, pools: list[int]) -> None:
    project, _ = corpus(write_tree, relevant=parallel.SERIAL_LIMIT + 1)
    monkeypatch.chdir(project.root)
    assert main(["check", "-q", "--no-cache", "--jobs", "2"]) == 1
    assert pools == [2]
    pooled = capsys.readouterr().out
    assert main(["check", "-q", "--no-cache", "--jobs", "1"]) == 1
    assert capsys.readouterr().out == pooled
    assert pools == [2]


def test_jobs_must_be_positive(write_tree: Tree, monkeypatch, capsys) -> None:
    monkeypatch.chdir(write_tree({"a.py": "x = 1\n"}))
    assert main(["check", "--jobs", "0"]) == 2
    assert "--jobs" in capsys.readouterr().err


def test_default_jobs_is_at_least_one() -> None:
    assert parallel.default_jobs() >= 1


def _die(*args: object) -> None:
    os._exit(3)  # a worker killed mid-run, as the kernel's OOM killer would


def test_a_dead_worker_fails_the_run_instead_of_hanging(
    write_tree: Tree, monkeypatch, capsys
) -> None:
    project, _ = corpus(write_tree, relevant=parallel.SERIAL_LIMIT + 1)
    monkeypatch.setattr(parallel, "_parse_chunk", _die)
    monkeypatch.chdir(project.root)
    signal.alarm(60)  # a hang fails the test instead of the whole suite
    try:
        assert main(["check", "--no-cache", "--jobs", "2"]) == 3
    finally:
        signal.alarm(0)
    assert "internal error: BrokenProcessPool" in capsys.readouterr().err


@pytest.fixture
def read_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make runs of a few dozen files hand whole files to the workers, as 10,000 would."""
    monkeypatch.setattr(parallel, "READ_POOL_LIMIT", 20)


def test_workers_reuse_cached_results_of_files_whose_bytes_did_not_change(
    write_tree: Tree, read_pool: None, monkeypatch, capsys, tmp_path: Path
) -> None:
    project, paths = corpus(write_tree, relevant=30, plain=30)
    monkeypatch.chdir(project.root)
    assert main(["check", "--format", "json", "--jobs", "2"]) == 1
    cold = capsys.readouterr().out
    # a fresh checkout: every stat stamp changes, no byte does
    for path in paths:
        path.write_bytes(path.read_bytes())
    log = tmp_path / "parsed.log"
    real = parallel.analyze_bytes

    def spy(path: Path, data: bytes, job: object) -> object:
        with open(log, "a") as handle:  # the workers are forked: the spy goes with them
            handle.write(f"{path.name}\n")
        return real(path, data, job)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "analyze_bytes", spy)
    assert main(["check", "--format", "json", "--jobs", "2"]) == 1
    assert capsys.readouterr().out == cold
    assert not log.exists()  # every file was matched to its cache entry by its digest


def test_a_dead_reading_worker_fails_the_run(
    write_tree: Tree, read_pool: None, monkeypatch, capsys
) -> None:
    project, _ = corpus(write_tree, relevant=30, plain=30)
    monkeypatch.setattr(parallel, "_check_chunk", _die)
    monkeypatch.chdir(project.root)
    signal.alarm(60)
    try:
        assert main(["check", "--no-cache", "--jobs", "2"]) == 3
    finally:
        signal.alarm(0)
    assert "internal error: BrokenProcessPool" in capsys.readouterr().err


@pytest.mark.parametrize("actual", [b"", b"x = 1\n", b"x = 1\n" * 20_000])
@pytest.mark.parametrize("stat_size", [0, 6, 100])
def test_a_file_changed_since_its_stat_is_read_whole(
    tmp_path: Path, actual: bytes, stat_size: int
) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(actual)
    assert parallel._read(str(path), (stat_size, 0, 0, 0), 4 * 1024 * 1024) == actual


def test_a_file_grown_past_the_size_limit_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"#" * 5000)
    with pytest.raises(UnreadableSource, match="larger than max-file-size"):
        parallel._read(str(path), (10, 0, 0, 0), 1000)


def test_results_follow_the_paths_however_they_are_spelled(
    write_tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, _ = corpus(write_tree, relevant=1, plain=0)
    monkeypatch.chdir(project.root)
    spellings = ["./app/r000.py", "app//r000.py", str(project.root / "app" / "r000.py")]
    found = results(project, spellings, jobs=1)  # type: ignore[arg-type]
    assert [f for _, f in found] == [["SS001:2"]] * 3


def test_a_pool_started_from_another_thread_does_not_fork_it(
    write_tree: Tree, pools: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the language server reads a project in a thread: workers forked from it inherited
    # locks the main thread held (stdin's, while it waited for the editor) and hung
    import threading

    project, paths = corpus(write_tree, relevant=parallel.SERIAL_LIMIT * 2 + 3)
    serial = results(project, paths, jobs=1)
    found: list[object] = []
    held = threading.Lock()
    with held:  # a lock the main thread holds while the pool starts
        thread = threading.Thread(target=lambda: found.append(results(project, paths, 2)))
        thread.start()
        thread.join(timeout=120)
    assert not thread.is_alive() and pools == [2]
    assert found == [serial]
