"""The pre-commit hooks, driven by the real ``pre-commit try-repo`` from another repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEPRECATED = "with unified_session_manager.get_db_session() as s:\n    s.query(M).all()\n"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")


@pytest.fixture
def user_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "user"
    (repo / "app").mkdir(parents=True)
    (repo / "app/old.py").write_text(DEPRECATED)
    (repo / "app/other.py").write_text(DEPRECATED)
    (repo / "app/clean.py").write_text("x = 1\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    return repo


def try_repo(repo: Path, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), hook, "--files", *files],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_hook_checks_only_the_files_pre_commit_passes(user_repo: Path) -> None:
    proc = try_repo(user_repo, "steeringsync", "app/old.py", "app/clean.py")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "app/old.py:\n  1:6 SS001" in proc.stdout
    assert "app/other.py" not in proc.stdout


def test_hook_passes_on_clean_files(user_repo: Path) -> None:
    proc = try_repo(user_repo, "steeringsync", "app/clean.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout
