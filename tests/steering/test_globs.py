"""fileMatchPattern globs: splitting, brace expansion, matching, and the repository walk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from steeringsync.config import Config
from steeringsync.project import Project
from steeringsync.steering.globs import (
    expand_braces,
    kiro_globs,
    literal_directory,
    matches,
    repo_files,
    separators,
    split_joined,
)


def test_kiro_reads_a_string_as_one_glob_and_a_list_as_several() -> None:
    # kirodotdev/Kiro#11095: the loader never splits a string on commas
    assert kiro_globs("src/*.ts,tests/*.ts") == ["src/*.ts,tests/*.ts"]
    assert kiro_globs(["a/*.py", " b/*.py ", 3, ""]) == ["a/*.py", "b/*.py"]
    assert kiro_globs(None) == [] and kiro_globs(" ") == []


@pytest.mark.parametrize(
    ("glob", "parts"),
    [
        ("**/*.{ts,tsx}", ["**/*.{ts,tsx}"]),  # brace alternatives are glob syntax
        ("src/+(a|b).py", ["src/+(a|b).py"]),  # so is an extglob
        ("*[,|]*.md", ["*[,|]*.md"]),  # and a character class
        ("a\\,b/*.md", ["a\\,b/*.md"]),  # an escaped comma is literal
        ("[x/*.md,b/*.md", ["[x/*.md", "b/*.md"]),  # an unclosed `[` is literal
        ("**/*.{ts,tsx}, src/*.py", ["**/*.{ts,tsx}", "src/*.py"]),
        ("*kafka*|*flink*", ["*kafka*", "*flink*"]),
        ("a/*.py, b/*.py,", ["a/*.py", "b/*.py"]),  # a trailing comma adds no glob
        (" , ", []),
    ],
)
def test_split_joined_cuts_at_top_level_separators_only(glob: str, parts: list[str]) -> None:
    assert split_joined(glob) == parts
    assert bool(separators(glob)) is (glob != parts[0] if parts else True)


@pytest.mark.parametrize(
    ("glob", "directory"),
    [
        ("css/**", "css"),
        ("./app/api/**/*.py", "app/api"),
        ("/docs/*.md", "docs"),
        ("src/{a,b}/*.ts", "src"),
        ("*.bash", None),
        ("**/*.spec.ts", None),
        ("*/x/*.py", None),
    ],
)
def test_literal_directory_is_the_part_before_the_first_wildcard(
    glob: str, directory: str | None
) -> None:
    assert literal_directory(glob) == directory


def test_a_joined_glob_matches_no_real_file() -> None:
    assert not matches("src/*.ts,tests/*.ts", "src/a.ts")
    assert not matches("*kafka*|*flink*", "app/kafka.py")


def test_brace_expansion_nested_and_bounded() -> None:
    assert expand_braces("**/*.{ts,tsx}") == ["**/*.ts", "**/*.tsx"]
    assert sorted(expand_braces("{a,b/{c,d}}.py")) == ["a.py", "b/c.py", "b/d.py"]
    assert expand_braces("{single}.py") == ["{single}.py"]
    assert len(expand_braces("{a,b}" * 20)) <= 256


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("**/*.py", "app/models/user.py", True),
        ("**/*.py", "setup.py", True),
        ("*.py", "app/deep/x.py", True),  # no slash: matched by file name
        ("app/*.py", "app/deep/x.py", False),
        ("app/**", "app/deep/x.py", True),
        ("./app/*.py", "app/x.py", True),
        ("/app/*.py", "app/x.py", True),
        ("tests/**/test_*.py", "tests/test_a.py", True),
        ("src/**/*.{ts,tsx}", "src/ui/App.tsx", True),
        ("src/**/*.{ts,tsx}", "src/ui/App.jsx", False),
        ("[!_]*.py", "app.py", True),
        ("[!_]*.py", "_private.py", False),
        ("file?.md", "file1.md", True),
        ("a[b.py", "a[b.py", True),  # an unbalanced bracket is literal
    ],
)
def test_matching(pattern: str, path: str, expected: bool) -> None:
    assert matches(pattern, path) is expected


def test_repo_files_respect_gitignore_and_skip_tool_dirs(
    write_tree: Callable[[dict[str, str]], Path],
) -> None:
    root = write_tree(
        {
            ".gitignore": "build/\n*.log\n",
            "src/app.ts": "",
            "build/out.ts": "",
            "debug.log": "",
            "node_modules/x/index.ts": "",
            "app/x.py": "",
        }
    )
    project = Project(root, Config(exclude=("app/**",)))
    files = repo_files(project)
    assert "src/app.ts" in files and "app/x.py" in files  # exclude is for code checks only
    assert not any(f.startswith(("build/", "node_modules/", ".git/")) for f in files)
    assert "debug.log" not in files
    (root / "src" / "new.ts").write_text("")
    assert "src/new.ts" not in repo_files(project)  # walked once per project
