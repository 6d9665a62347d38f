"""``steeringsync init`` on an empty repository and on one that already has each file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from steeringsync import config as config_mod
from steeringsync.cli import main
from steeringsync.scaffold import HOOK_PATH, PRE_COMMIT, PRE_COMMIT_ENTRY, PRE_COMMIT_HOOKS

OUR_REPO = {"repo": "local", "hooks": PRE_COMMIT_HOOKS}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


def init(root: Path, *flags: str) -> int:
    return main(["init", str(root), *flags])


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


def test_empty_repository_gets_all_three(repo: Path, capsys) -> None:
    assert init(repo) == 0
    out = capsys.readouterr().out
    assert "created  steeringsync.toml" in out and "created  .kiro/hooks/" in out
    assert sorted(files(repo)) == [
        ".kiro/hooks/steeringsync-check.kiro.hook",
        PRE_COMMIT,
        "steeringsync.toml",
    ]
    loaded = config_mod.discover(repo)  # the written config loads, with the defaults
    assert loaded.session_migration.deprecated == "unified_session_manager.get_db_session"
    assert loaded.session_migration.replacement == "db_manager"
    assert yaml.safe_load((repo / PRE_COMMIT).read_text()) == {"repos": [OUR_REPO]}
    hook = json.loads((repo / HOOK_PATH).read_text())
    assert hook["when"] == {"type": "fileEdited", "patterns": ["**/*.py", ".kiro/steering/**/*.md"]}
    assert hook["then"]["type"] == "askAgent" and "steeringsync check" in hook["then"]["prompt"]
    assert hook["enabled"] is True and hook["version"] == "1" and hook["name"]


def test_written_pre_commit_config_is_valid_for_pre_commit(repo: Path) -> None:
    init(repo, "--no-config", "--no-kiro-hook")
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(repo / PRE_COMMIT)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_rerun_changes_nothing(repo: Path, capsys) -> None:
    init(repo)
    before = files(repo)
    capsys.readouterr()
    assert init(repo) == 0
    assert files(repo) == before
    out = capsys.readouterr().out
    assert out.count("skipped") == 3


def test_each_piece_can_be_left_out(repo: Path) -> None:
    init(repo, "--no-config", "--no-pre-commit")
    assert sorted(files(repo)) == [HOOK_PATH]
    init(repo, "--no-kiro-hook", "--no-pre-commit")
    assert sorted(files(repo)) == [HOOK_PATH, "steeringsync.toml"]


def test_detected_migration_settings(repo: Path) -> None:
    (repo / "app").mkdir()
    (repo / "app/orders.py").write_text(
        "from myapp.storage import store\n\n"
        "def load():\n"
        "    with self.legacy_sessions.get_db_session() as s:\n"
        "        return s.query(M).all()\n\n"
        "def save():\n"
        "    s = store.get_session()\n"
        "    store.close_session(s)\n"
    )
    (repo / "app/more.py").write_text("with legacy_sessions.get_db_session() as s:\n    pass\n")
    init(repo, "--no-pre-commit", "--no-kiro-hook")
    migration = config_mod.discover(repo).session_migration
    assert migration.deprecated == "legacy_sessions.get_db_session"
    assert migration.replacement == "store"
    assert migration.replacement_import == "from myapp.storage import store"
    assert (
        "detected: `legacy_sessions.get_db_session` used 2 time(s)"
        in (repo / "steeringsync.toml").read_text()
    )
    # and the check now finds the project's own deprecated calls
    assert main(["check", str(repo / "app"), "--no-cache", "-q"]) == 1


PYPROJECT = '[project]\nname = "app"\n\n[tool.ruff]\nline-length = 100\n'


def test_existing_pyproject_gets_the_table_appended(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(PYPROJECT)
    init(repo, "--no-pre-commit", "--no-kiro-hook")
    text = (repo / "pyproject.toml").read_text()
    assert text.startswith(PYPROJECT) and "[tool.steeringsync]" in text
    assert not (repo / "steeringsync.toml").exists()
    assert config_mod.discover(repo).source == repo / "pyproject.toml"


def test_existing_table_is_kept_unless_forced(repo: Path, capsys) -> None:
    mine = (
        '[tool.steeringsync]\nsteering-dir = "docs/steering"\n\n'
        '[tool.steeringsync.session-migration]\nreplacement = "dbm"\n'
    )
    (repo / "pyproject.toml").write_text(PYPROJECT + "\n" + mine + "\n[tool.mypy]\nstrict = true\n")
    before = (repo / "pyproject.toml").read_bytes()
    init(repo, "--no-pre-commit", "--no-kiro-hook")
    assert (repo / "pyproject.toml").read_bytes() == before
    assert "skipped  pyproject.toml" in capsys.readouterr().out

    init(repo, "--no-pre-commit", "--no-kiro-hook", "--force")
    text = (repo / "pyproject.toml").read_text()
    assert "docs/steering" not in text and 'replacement = "dbm"' not in text
    assert "[tool.ruff]" in text and "[tool.mypy]\nstrict = true" in text  # others untouched
    assert text.count("[tool.steeringsync]") == 1
    assert config_mod.discover(repo).steering_dir == ".kiro/steering"


def test_existing_standalone_config_is_kept_unless_forced(repo: Path) -> None:
    (repo / "steeringsync.toml").write_text('steering-dir = "docs"\n')
    init(repo, "--no-pre-commit", "--no-kiro-hook")
    assert (repo / "steeringsync.toml").read_text() == 'steering-dir = "docs"\n'
    init(repo, "--no-pre-commit", "--no-kiro-hook", "--force")
    assert config_mod.discover(repo).steering_dir == ".kiro/steering"


EXISTING_PRE_COMMIT = """\
# our hooks
default_stages: [pre-commit]
repos:
-   repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.6.0
    hooks:
    -   id: ruff

ci:
    autofix_prs: false
"""


def test_existing_pre_commit_config_gets_our_repo_appended(repo: Path) -> None:
    (repo / PRE_COMMIT).write_text(EXISTING_PRE_COMMIT)
    init(repo, "--no-config", "--no-kiro-hook")
    text = (repo / PRE_COMMIT).read_text()
    assert text.startswith(EXISTING_PRE_COMMIT.split("\nci:")[0])  # comments and layout kept
    data = yaml.safe_load(text)
    old = yaml.safe_load(EXISTING_PRE_COMMIT)
    assert data["repos"] == [*old["repos"], OUR_REPO]
    assert data["ci"] == old["ci"] and data["default_stages"] == old["default_stages"]
    assert "\n- repo: local\n" in text  # at the column of the existing items


def test_pre_commit_config_with_our_hook_is_left_alone(repo: Path) -> None:
    (repo / PRE_COMMIT).write_text("repos:\n" + PRE_COMMIT_ENTRY.replace("- repo", "  - repo", 1))
    before = (repo / PRE_COMMIT).read_bytes()
    init(repo, "--no-config", "--no-kiro-hook", "--force")
    assert (repo / PRE_COMMIT).read_bytes() == before


def test_unappendable_pre_commit_config_is_a_usage_error(repo: Path, capsys) -> None:
    (repo / PRE_COMMIT).write_text("repos: []\n")
    assert init(repo, "--no-config", "--no-kiro-hook") == 2
    assert (repo / PRE_COMMIT).read_text() == "repos: []\n"
    assert "add this entry under `repos:` by hand" in capsys.readouterr().err


def test_existing_hook_is_kept_unless_forced(repo: Path) -> None:
    hook = repo / HOOK_PATH
    hook.parent.mkdir(parents=True)
    hook.write_text('{"name": "mine"}\n')
    init(repo, "--no-config", "--no-pre-commit")
    assert hook.read_text() == '{"name": "mine"}\n'
    init(repo, "--no-config", "--no-pre-commit", "--force")
    assert json.loads(hook.read_text())["name"] == "steeringsync check"


def test_never_writes_through_a_symlink(repo: Path, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "target.json"
    outside.write_text("keep")
    (repo / ".kiro/hooks").mkdir(parents=True)
    (repo / HOOK_PATH).symlink_to(outside)
    assert init(repo, "--no-config", "--no-pre-commit", "--force") == 2
    assert outside.read_text() == "keep"


def test_hook_patterns_follow_the_configuration(repo: Path) -> None:
    (repo / "steeringsync.toml").write_text(
        'steering-dir = "docs/steering"\ninclude = ["src/**/*.py"]\n'
    )
    init(repo, "--no-config", "--no-pre-commit")
    hook = json.loads((repo / HOOK_PATH).read_text())
    assert hook["when"]["patterns"] == ["src/**/*.py", "docs/steering/**/*.md"]


def test_detection_reads_nothing_outside_the_repository(repo: Path, tmp_path_factory) -> None:
    # a symlinked steering folder leading elsewhere must not feed the detected settings
    outside = tmp_path_factory.mktemp("elsewhere")
    (outside / "leak.md").write_text("with stolen_secret_name.get_db_session() as s:\n    pass\n")
    (repo / ".kiro").mkdir(exist_ok=True)
    (repo / ".kiro/steering").symlink_to(outside, target_is_directory=True)
    init(repo, "--no-pre-commit", "--no-kiro-hook")
    assert "stolen_secret_name" not in (repo / "steeringsync.toml").read_text()


def test_written_hooks_take_file_names_as_paths_only(repo: Path) -> None:
    # a committed file named `--exit-zero` must not become an option of the hook's check
    init(repo, "--no-config", "--no-kiro-hook")
    hooks = yaml.safe_load((repo / PRE_COMMIT).read_text())["repos"][-1]["hooks"]
    assert hooks and all(h["entry"].split()[-1] == "--" for h in hooks)
