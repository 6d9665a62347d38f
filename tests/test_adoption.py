"""Adopting steeringsync on a legacy repository under git, end to end: a baseline accepts
today's findings, only new ones fail, moved code does not resurface, and the real
pre-commit hook checks a commit that only touches a steering doc."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from steeringsync.cli import main

REPO = Path(__file__).resolve().parent.parent
BASELINE = ".steeringsync-baseline.json"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}
LEGACY = {
    "app/__init__.py": "",
    "app/views.py": (
        "from app.database import db_manager\n\n\n"
        "def users():\n"
        "    with unified_session_manager.get_db_session() as session:\n"
        "        return session.query(User).all()\n\n\n"
        "def orders():\n"
        "    with unified_session_manager.get_db_session() as session:\n"
        "        return session.query(Order).all()\n"
    ),
    "app/settings.py": (
        "import os\n\n"
        "TIMEOUT = int(os.getenv('TIMEOUT', '60'))\n"
        "POOL = int(os.getenv('POOL_SIZE', '5'))\n"
    ),
    ".env.example": "TIMEOUT=45\n",
    ".kiro/steering/tech.md": (
        "---\ninclusion: always\n---\n# Tech\n\n"
        "Deployment lives in #[[file:docs/deploy.md]].\n\n"
        "| Setting | Default |\n|---|---|\n| `TIMEOUT` | `30` |\n| `POOL_SIZE` | `5` |\n"
    ),
}

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],
        cwd=repo,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=check,
    )


@pytest.fixture
def legacy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = tmp_path / "legacy"
    for rel, text in LEGACY.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "legacy")
    monkeypatch.chdir(repo)
    return repo


def findings(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    code = main(["check", "--no-cache", "--output-format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_baseline_gates_only_new_findings(legacy: Path, capsys) -> None:
    code, today = findings(capsys)
    assert code == 1 and len(today) >= 4
    assert {f["code"] for f in today} >= {"SS001", "SS201", "SS302"}

    assert main(["check", "--no-cache", "--write-baseline", BASELINE]) == 0
    assert f"Wrote {len(today)} finding(s)" in capsys.readouterr().err
    assert findings(capsys, "--baseline", BASELINE) == (0, [])

    # a new violation: exactly it is reported
    (legacy / "app/reports.py").write_text(
        "def report():\n    with unified_session_manager.get_db_session() as s:\n        pass\n"
    )
    code, new = findings(capsys, "--baseline", BASELINE)
    assert code == 1
    assert [(f["code"], f["path"], f["line"]) for f in new] == [("SS001", "app/reports.py", 2)]

    # lines inserted above every old finding, in code and doc: nothing resurfaces
    views = legacy / "app/views.py"
    views.write_text('"""Views."""\n\nimport logging\n\n' + views.read_text())
    doc = legacy / ".kiro/steering/tech.md"
    doc.write_text(doc.read_text().replace("# Tech\n", "# Tech\n\nAn intro.\n\nMore.\n"))
    code, new = findings(capsys, "--baseline", BASELINE)
    assert [(f["code"], f["path"]) for f in new] == [("SS001", "app/reports.py")]

    # the text report says what matched and what the baseline no longer needs
    (legacy / "app/reports.py").unlink()
    views.write_text(views.read_text().replace("get_db_session", "get_session", 1))
    assert main(["check", "--no-cache", "--baseline", BASELINE]) == 0
    out = capsys.readouterr().out
    assert f"{len(today) - 1} findings matched the baseline" in out
    assert "1 baseline entry no longer match" in out and "app/views.py: SS001" in out


def _hook_files_regex() -> str:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    [hook] = [h for h in hooks if h["id"] == "steeringsync"]
    assert "types" not in hook  # a python-only filter would skip doc-only commits
    return str(hook["files"])


def _readme_pre_commit_config() -> dict[str, Any]:
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## pre-commit") :]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block is not None
    config: dict[str, Any] = yaml.safe_load(block.group(1))
    return config


def test_pre_commit_checks_a_doc_only_commit(legacy: Path, capsys) -> None:
    assert main(["check", "--no-cache", "--write-baseline", BASELINE]) == 0
    capsys.readouterr()
    # the README's `repo: local` hook, verbatim; its files filter is the published hook's
    config = _readme_pre_commit_config()
    [hook] = config["repos"][0]["hooks"]
    assert hook["files"] == _hook_files_regex()
    assert BASELINE in hook["entry"]
    (legacy / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git(legacy, "add", ".")
    git(legacy, "commit", "-q", "-m", "adopt steeringsync")
    env = {
        **os.environ,
        **GIT_ENV,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(legacy.parent / "pre-commit-home"),
    }
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=legacy, env=env, check=True)

    doc = legacy / ".kiro/steering/tech.md"
    doc.write_text(doc.read_text() + "\nSee #[[file:docs/gone.md]].\n")
    git(legacy, "add", ".kiro/steering/tech.md")
    proc = subprocess.run(
        ["git", "commit", "-m", "docs only"], cwd=legacy, env=env, capture_output=True, text=True
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output  # the hook ran on a doc-only commit and failed it
    assert re.search(r"SS302 `#\[\[file:docs/gone\.md\]\]` does not exist", output), output
    assert "docs/deploy.md" not in output  # the baselined finding stays quiet

    doc.write_text(doc.read_text().replace("\nSee #[[file:docs/gone.md]].\n", "\nSee below.\n"))
    git(legacy, "add", ".kiro/steering/tech.md")
    proc = subprocess.run(
        ["git", "commit", "-m", "docs only"], cwd=legacy, env=env, capture_output=True, text=True
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert re.search(r"steeringsync\.+Passed", output), output
