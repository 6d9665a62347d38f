"""The result cache: reused only when provably current, invalidated by what results depend on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from steeringsync import cache as cache_mod
from steeringsync import parallel
from steeringsync.cli import main

DEPRECATED = "with unified_session_manager.get_db_session() as s:\n    s.query(1)\n"
CLEAN = "with unified_session_manager.get_db_sessioX() as s:\n    s.query(1)\n"  # same size
DOC = "# Tech\n\n```env\nREDIS_SESSION_TIMEOUT=3600\n```\n"
Tree = Callable[[dict[str, str]], Path]


@pytest.fixture
def project(write_tree: Tree) -> Path:
    return write_tree(
        {
            "app/a.py": DEPRECATED,
            "app/b.py": "import os\nT = os.getenv('REDIS_SESSION_TIMEOUT', '3600')\n",
            "app/c.py": "x = 1\n",
            ".kiro/steering/tech.md": DOC,
        }
    )


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths parsed in this process (runs here stay below the pool threshold)."""
    seen: list[str] = []
    real = parallel.analyze_bytes

    def spy(path: Path, data: bytes, job: object) -> object:
        seen.append(path.name)
        return real(path, data, job)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "analyze_bytes", spy)
    return seen


def run(root: Path, monkeypatch: pytest.MonkeyPatch, capsys, *args: str) -> list[dict]:
    monkeypatch.chdir(root)
    code = main(["check", "--format", "json", *args])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    return json.loads(out)


def cache_files(root: Path) -> list[Path]:
    return sorted(cache_mod.cache_dir(root).glob("*.bin"))


def load(blob: Path) -> dict:
    """A cache file's stored entries (format: magic, HMAC, JSON)."""
    return json.loads(blob.read_bytes()[len(cache_mod.MAGIC) + cache_mod.MAC_BYTES :])


def sign(blob: Path, data: dict) -> None:
    """Write ``data`` as the user's own steeringsync would, MAC and all."""
    secret = cache_mod.user_secret()
    assert secret is not None
    body = json.dumps(data).encode()
    key = blob.stem
    blob.write_bytes(cache_mod.MAGIC + cache_mod._mac(secret, key, body) + body)


def test_cache_lives_outside_the_checkout_and_a_warm_run_parses_nothing(
    project: Path, parses: list[str], monkeypatch, capsys
) -> None:
    cold = run(project, monkeypatch, capsys)
    assert sorted(parses) == ["a.py", "b.py"]  # c.py has no trigger
    assert not (project / ".steeringsync_cache").exists()
    assert sorted(p.name for p in project.iterdir()) == [".git", ".kiro", "app"]
    assert len(cache_files(project)) == 1
    parses.clear()
    assert run(project, monkeypatch, capsys) == cold
    assert parses == []
    assert {f["code"] for f in cold} >= {"SS001"}


def test_no_cache_neither_reads_nor_writes(project: Path, parses, monkeypatch, capsys) -> None:
    run(project, monkeypatch, capsys, "--no-cache")
    run(project, monkeypatch, capsys, "--no-cache")
    assert not cache_mod.cache_dir(project).exists()
    assert sorted(parses) == ["a.py", "a.py", "b.py", "b.py"]


def test_same_size_edit_with_restored_mtime_is_not_stale(
    project: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(cache_mod, "RACY_NS", 0)  # trust stamps at once: the hard case
    target = project / "app" / "a.py"
    old = time.time() - 100
    os.utime(target, (old, old))
    assert [f["code"] for f in run(project, monkeypatch, capsys)].count("SS001") == 1
    time.sleep(0.05)  # let ctime move on
    target.write_text(CLEAN)
    os.utime(target, (old, old))  # same size, same mtime: only ctime tells
    assert "SS001" not in [f["code"] for f in run(project, monkeypatch, capsys)]


def test_recent_files_are_revalidated_by_hash(project: Path, monkeypatch, capsys) -> None:
    run(project, monkeypatch, capsys)
    (blob,) = cache_files(project)
    entries = load(blob)
    # just written: within the racy window, so the stamp alone must not be trusted
    assert not any(trusted for _, trusted, _, _ in entries.values())


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated by a crash
        lambda b: b[:-5] + b"xxxxx",  # flipped bytes
        lambda b: b"not a cache at all",
    ],
)
def test_corrupt_cache_file_is_ignored_and_replaced(
    project: Path, parses: list[str], monkeypatch, capsys, damage
) -> None:
    cold = run(project, monkeypatch, capsys)
    (blob,) = cache_files(project)
    blob.write_bytes(damage(blob.read_bytes()))
    parses.clear()
    assert run(project, monkeypatch, capsys) == cold
    assert sorted(parses) == ["a.py", "b.py"]  # recomputed, not trusted
    parses.clear()
    assert run(project, monkeypatch, capsys) == cold
    assert parses == []  # and the rewritten cache works again


def test_malformed_entries_are_misses(project: Path, parses, monkeypatch, capsys) -> None:
    cold = run(project, monkeypatch, capsys)
    (blob,) = cache_files(project)
    data = load(blob)
    for key in data:
        data[key] = ["junk", True, "", [{"no": "finding"}]]
    sign(blob, data)  # authentic, but malformed
    parses.clear()
    assert run(project, monkeypatch, capsys) == cold
    assert sorted(parses) == ["a.py", "b.py"]


def test_steering_doc_change_invalidates(project: Path, parses, monkeypatch, capsys) -> None:
    run(project, monkeypatch, capsys)
    (project / ".kiro/steering/tech.md").write_text(DOC.replace("3600", "7200"))
    parses.clear()
    findings = run(project, monkeypatch, capsys)
    assert sorted(parses) == ["a.py", "b.py"]
    assert any("7200" in f["message"] for f in findings)


def test_configuration_change_invalidates(project: Path, parses, monkeypatch, capsys) -> None:
    assert "SS001" in [f["code"] for f in run(project, monkeypatch, capsys)]
    (project / "pyproject.toml").write_text(
        '[tool.steeringsync.session-migration]\ndeprecated = "legacy_manager.get_db_session"\n'
    )
    parses.clear()
    assert "SS001" not in [f["code"] for f in run(project, monkeypatch, capsys)]
    assert "a.py" in parses


def test_two_concurrent_runs_agree_and_leave_a_valid_cache(write_tree: Tree) -> None:
    files = {f"app/m{i}.py": DEPRECATED if i % 3 == 0 else "x = 1\n" for i in range(60)}
    root = write_tree(files)
    cmd = [sys.executable, "-m", "steeringsync", "check", "--format", "json", "--jobs", "2"]
    procs = [
        subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [1, 1], outs
    assert outs[0][0] == outs[1][0]
    assert len(json.loads(outs[0][0])) == 20
    (blob,) = cache_files(root)
    assert len(load(blob)) == 60
    assert not list(cache_mod.cache_dir(root).glob(".tmp-*"))
    again = subprocess.run(cmd, cwd=root, capture_output=True, timeout=120)
    assert again.stdout == outs[0][0]


def test_unreadable_cache_directory_does_not_fail_the_run(
    project: Path, monkeypatch, capsys
) -> None:
    folder = cache_mod.cache_dir(project)
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("a file where the directory should be")
    assert [f["code"] for f in run(project, monkeypatch, capsys)].count("SS001") == 1


def test_run_key_is_stable_across_processes_and_hash_seeds(project: Path) -> None:
    probe = (
        "from pathlib import Path\n"
        "from steeringsync import api\n"
        "from steeringsync.project import Project\n"
        "p = Project.discover(Path('.'))\n"
        "o = api.CheckOptions()\n"
        "job = api.file_job(p, api.enabled_rules(p, o), o)\n"
        "print(api.open_cache(p, job, o).key)\n"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", probe],
            cwd=project,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1 and len(keys.pop()) == 32
