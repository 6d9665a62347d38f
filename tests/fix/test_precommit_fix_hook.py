"""The ``steeringsync-fix`` pre-commit hook, driven by the real ``pre-commit try-repo``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_precommit_hook import try_repo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")

OLD = (
    "def save(row):\n"
    "    with unified_session_manager.get_db_session() as session:\n"
    "        session.add(row)\n"
)


def test_fix_hook_rewrites_staged_files_then_passes(tmp_path: Path) -> None:
    repo = tmp_path / "user"
    (repo / "app").mkdir(parents=True)
    (repo / "pyproject.toml").write_text(
        "[tool.steeringsync.session-migration]\n"
        'replacement-import = "from app.database import db_manager"\n'
    )
    (repo / "app/old.py").write_text(OLD)
    (repo / "app/untouched.py").write_text(OLD)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)

    first = try_repo(repo, "steeringsync-fix", "app/old.py")
    assert first.returncode == 1, first.stdout + first.stderr  # files were modified
    assert "db_manager.close_session(session)" in (repo / "app/old.py").read_text()
    assert (repo / "app/untouched.py").read_text() == OLD

    second = try_repo(repo, "steeringsync-fix", "app/old.py")
    assert second.returncode == 0, second.stdout + second.stderr
