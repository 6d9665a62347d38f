"""Example env files are read; ``.env`` itself only when configured."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from steeringsync.config import Config
from steeringsync.drift.env_files import env_file_paths, env_settings, read_env_file
from steeringsync.project import Project

Tree = Callable[[dict[str, str]], Path]

FILES = {
    ".env": "API_TOKEN=real\n",
    ".env.example": "A=1\n",
    ".env.sample": "B=2\n",
    ".env.template": "C=3\n",
    "deploy/prod.env": "D=4\n",
    "deploy/.env.staging": "E=5\n",
    "notes.txt": "F=6\n",
}


def names(root: Path, config: Config) -> list[str]:
    return [p.relative_to(root).as_posix() for p in env_file_paths(Project(root, config))]


def test_default_patterns_never_read_dot_env(write_tree: Tree) -> None:
    root = write_tree(FILES)
    assert names(root, Config()) == [
        ".env.example",
        ".env.sample",
        ".env.template",
        "deploy/.env.staging",
        "deploy/prod.env",
    ]


def test_dot_env_is_read_when_named(write_tree: Tree) -> None:
    root = write_tree(FILES)
    config = dataclasses.replace(Config(), env_files=(".env",))
    assert names(root, config) == [".env"]


def test_gitignored_and_excluded_env_files_are_skipped(write_tree: Tree) -> None:
    root = write_tree({**FILES, ".gitignore": ".env.sample\n"})
    config = dataclasses.replace(Config(), exclude=("deploy/**",))
    assert names(root, config) == [".env.example", ".env.template"]


def test_reads_values_with_lines(write_tree: Tree) -> None:
    root = write_tree({".env.example": "# comment\n\nexport A='x y'\nB=\nC=$HOME\n"})
    found = [(s.key, s.value, s.line) for s in read_env_file(root / ".env.example")]
    assert found == [("A", "x y", 3), ("B", "", 4), ("C", None, 5)]


def test_an_unreadable_env_file_is_a_notice(write_tree: Tree) -> None:
    root = write_tree({"x.env": "A=1\n"})
    (root / "x.env").chmod(0)
    try:
        if _readable(root / "x.env"):
            pytest.skip("permissions are not enforced for this user (root)")
        project = Project(root, Config())
        assert env_settings(project) == []
        assert any("x.env" in note for note in project.notices)
    finally:
        (root / "x.env").chmod(0o644)


def _readable(path: Path) -> bool:
    try:
        path.read_bytes()
    except OSError:
        return False
    return True
