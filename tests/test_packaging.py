"""Installable as documented: `python -m build` makes a wheel and an sdist that install and
run, and the GitHub composite action's steps run the check and write SARIF."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
DEPRECATED = "with unified_session_manager.get_db_session() as s:\n    s.query(M).all()\n"
SKIP = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.egg-info", "build", "dist", ".*_cache", ".hypothesis"
)


def _user_project(root: Path) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "app/views.py").write_text(DEPRECATED)
    (root / ".git").mkdir()
    return root


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source") / "steeringsync"
    shutil.copytree(REPO, source, ignore=SKIP)
    out = source.parent / "dist"
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def _venv(where: Path) -> Path:
    """A fresh environment that sees this one's dependencies but not its steeringsync."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    python = where / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # the dependencies only: a plain path line, so this environment's editable
    # steeringsync (a .pth of its own) is not loaded there
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


@pytest.mark.parametrize("kind", ["whl", "tar.gz"])
def test_built_distributions_install_and_run(dist: Path, tmp_path: Path, kind: str) -> None:
    [artifact] = dist.glob(f"steeringsync-*.{kind}")
    python = _venv(tmp_path / "venv")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(artifact)],
        check=True,
        timeout=900,
    )
    where = subprocess.run(
        [str(python), "-c", "import steeringsync; print(steeringsync.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,  # not this checkout, which `python -c` would put first on the path
    ).stdout
    assert where.startswith(str(tmp_path / "venv")), where
    exe = tmp_path / "venv" / "bin" / "steeringsync"
    project = _user_project(tmp_path / "user")
    proc = subprocess.run(
        [str(exe), "check", "--output-format", "concise"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("app/views.py:1:6: SS001")
    rules = subprocess.run([str(exe), "rule", "SS902"], capture_output=True, text=True)
    assert rules.returncode == 0 and rules.stdout.startswith("# SS902 (unused-noqa)")


def _action() -> dict[str, object]:
    data = yaml.safe_load((REPO / "action.yml").read_text())
    assert isinstance(data, dict)
    return data


def test_action_is_a_composite_that_installs_checks_and_uploads_sarif() -> None:
    runs = _action()["runs"]
    assert isinstance(runs, dict) and runs["using"] == "composite"
    steps = runs["steps"]
    install = next(s for s in steps if s.get("name") == "Install steeringsync")
    assert '"$ACTION_PATH"' in install["run"]  # this repository, wherever it was checked out
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    # no input is pasted into a script (a workflow-injection hole); they come by env
    assert all("${{" not in s.get("run", "") for s in steps)


def _run_step(name: str, project: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    step = next(s for s in _action()["runs"]["steps"] if s.get("name") == name)  # type: ignore[index]
    defaults = {k: str(v.get("default", "")) for k, v in _action()["inputs"].items()}  # type: ignore[union-attr]
    values = {**defaults, **inputs}
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    for key, expr in step["env"].items():
        env[key] = values[expr.removeprefix("${{ inputs.").removesuffix(" }}")]
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=project, env=env, capture_output=True, text=True
    )


def test_action_steps_write_sarif_and_annotate(tmp_path: Path) -> None:
    project = _user_project(tmp_path / "user")
    sarif = _run_step("steeringsync check (SARIF)", project, args="--select SS0 --no-cache")
    assert sarif.returncode == 0, sarif.stderr
    log = json.loads((project / "steeringsync.sarif").read_text())
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["SS001"]
    annotate = _run_step("steeringsync check", project, args="--no-cache")
    assert annotate.returncode == 1
    assert annotate.stdout.startswith("::error file=app/views.py,line=1,")
    # with a baseline of today's findings, the step passes
    subprocess.run(
        [sys.executable, "-m", "steeringsync", "check", "--write-baseline", "base.json"],
        cwd=project,
        check=True,
        capture_output=True,
    )
    passed = _run_step("steeringsync check", project, baseline="base.json", args="--no-cache")
    assert passed.returncode == 0, passed.stdout + passed.stderr
