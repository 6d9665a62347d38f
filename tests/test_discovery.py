"""Which files are checked: root discovery, include/exclude, .gitignore, explicit paths."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from steeringsync.config import Config
from steeringsync.discovery import FileSelector, find_root, python_files
from steeringsync.project import Project

Tree = Callable[[dict[str, str]], Path]


def names(root: Path, config: Config, *paths: Path) -> list[str]:
    selector = FileSelector(root, config)
    found = python_files(paths or (root,), selector)
    return [Path(p).relative_to(root).as_posix() for p in found]


def test_root_is_nearest_marker(write_tree: Tree) -> None:
    root = write_tree({"pkg/sub/mod.py": "", "pkg/pyproject.toml": ""})
    assert find_root(root / "pkg/sub/mod.py") == (root / "pkg").resolve()
    assert find_root(root / "pkg") == (root / "pkg").resolve()
    (root / "pkg/pyproject.toml").unlink()
    assert find_root(root / "pkg/sub") == root.resolve()  # the .git marker


def test_gitignore_nested_and_negated(write_tree: Tree) -> None:
    root = write_tree(
        {
            ".gitignore": "generated/\n*_pb2.py\n",
            "app/.gitignore": "local_*.py\n!local_keep.py\n",
            "app/a.py": "",
            "app/local_x.py": "",
            "app/local_keep.py": "",
            "app/model_pb2.py": "",
            "generated/g.py": "",
            ".venv/lib/site.py": "",
            "node_modules/x.py": "",
        }
    )
    root = root.resolve()
    assert names(root, Config()) == ["app/a.py", "app/local_keep.py"]
    assert "generated/g.py" in names(root, Config(respect_gitignore=False))


def test_include_and_exclude_globs(write_tree: Tree) -> None:
    root = write_tree(
        {"src/a.py": "", "src/b.pyi": "", "tests/fixtures/f.py": "", "scripts/run": ""}
    ).resolve()
    config = Config(include=("*.py", "*.pyi"), exclude=("tests/fixtures/",))
    assert names(root, config) == ["src/a.py", "src/b.pyi"]


def test_explicit_files_are_checked_unless_excluded(write_tree: Tree) -> None:
    root = write_tree({"tests/fixtures/f.py": "", "ignored/x.py": "", ".gitignore": "ignored/\n"})
    root = root.resolve()
    config = Config(exclude=("tests/fixtures/**",))
    assert names(root, config, root / "tests/fixtures/f.py") == []
    # .gitignore does not apply to a file named on the command line (pre-commit passes them)
    assert names(root, config, root / "ignored/x.py") == ["ignored/x.py"]


def test_duplicate_paths_checked_once(write_tree: Tree) -> None:
    root = write_tree({"a.py": ""}).resolve()
    assert names(root, Config(), root, root / "a.py") == ["a.py"]


def test_fast_include_matching_agrees_with_gitignore_semantics(write_tree: Tree) -> None:
    """The walk's suffix and per-component shortcuts select what pathspec itself would."""
    import dataclasses

    import pathspec

    root = write_tree(
        {
            rel: ""
            for rel in (
                "a.py", ".py", "x/b.py", "x.py/inner.txt", "c.pyc", "d.py.txt", "e.PY",
                ".env", ".env.example", "cfg/x.env", "cfg/.env.local", "a.env/f.txt",
                "envs/.envrc", "q-x/z", "aXb",
            )
        }
    )  # fmt: skip
    for include in (("*.py",), ("*.py", "*.pyi"), Config().env_files, ("a*b", "*-x*")):
        config = dataclasses.replace(Config(), include=include)
        spec = pathspec.GitIgnoreSpec.from_lines(include)
        every = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        expected = [rel for rel in every if ".git/" not in rel and spec.match_file(rel)]
        assert sorted(names(root, config)) == expected, include


SEGMENTS = st.sampled_from(["a", ".env", ".env.example", "x.env", "env", "b.py", ".env.d", "c"])


@settings(max_examples=300, deadline=None)
@given(st.lists(SEGMENTS, min_size=1, max_size=4))
def test_plain_glob_includes_match_as_gitignore_does(parts: list[str]) -> None:
    """The one-regex fast path for slash-free globs gives pathspec's gitignore answer."""
    patterns = (".env.example", ".env.sample", "*.env", ".env.*")
    selector = FileSelector(Path("/r"), Config(include=patterns))
    rel = "/".join(parts)
    assert selector.included_rel(rel) == Config(include=patterns).include_spec().match_file(rel)


def test_relative_resolves_symlinks_like_path_resolve(write_tree: Tree, tmp_path: Path) -> None:
    root = write_tree({"app/real.py": "", "pyproject.toml": ""}).resolve()
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "ext.py").write_text("")
    (root / "app/link.py").symlink_to(root / "app/real.py")
    (root / "app/out.py").symlink_to(outside / "ext.py")
    (root / "linked_dir").symlink_to(root / "app")
    project = Project.discover(root)
    assert project.relative(root / "app/real.py") == "app/real.py"
    assert project.relative(root / "app/link.py") == "app/real.py"
    assert project.relative(root / "linked_dir/real.py") == "app/real.py"
    assert project.relative(root / "app/../app/real.py") == "app/real.py"
    out = root / "app/out.py"
    assert project.relative(out) == out.as_posix()  # outside the root: as given
    for path in (root / "app/link.py", root / "linked_dir/real.py", root / "app/missing.py"):
        assert project.relative(path) == path.resolve().relative_to(root).as_posix()
