"""The cheaper lookups behind the dead-claim rules answer as the full indexes did: a
name found by scanning the file list, the Makefiles found in one pass, the commands'
dead paths judged without the listings, a module root worked out per name."""

from __future__ import annotations

from pathlib import Path

from steeringsync.api import CheckOptions, check
from steeringsync.claims import repo
from steeringsync.claims.pynames import Modules
from steeringsync.claims.repo import RepoIndex
from steeringsync.claims.resolve import dead_paths
from steeringsync.claims.scripts import Scripts
from steeringsync.project import Project

FILES = frozenset(
    {
        "app/main.py",
        "app/services/user.py",
        "lib/services/__init__.py",
        "services.py",
        ".kiro/steering/main.py",
        ".kiro/specs/services/tasks.md",
        "web/main.py",
    }
)
NAMES = ["main.py", "services/", "user.py", "tasks.md", "services.py", "app/main.py", "/", ""]


def test_a_name_is_found_the_same_by_scan_and_by_index() -> None:
    scanned = RepoIndex(Path("/nonexistent"), FILES)
    indexed = RepoIndex(Path("/nonexistent"), FILES)
    assert "main.py" in indexed._by_name  # built up front: the lookups below use it
    for name in NAMES:
        for kiro in (False, True):
            expected = indexed.anywhere(name, kiro=kiro)
            assert scanned.anywhere(name, kiro=kiro) == expected, name
    assert "_by_name" not in scanned.__dict__  # a few names never index the repository
    assert scanned.anywhere("main.py") == ["app/main.py", "web/main.py"]
    assert scanned.anywhere("services/", kiro=True) == [
        ".kiro/specs/services/",
        "app/services/",
        "lib/services/",
    ]


def test_many_names_switch_to_the_index() -> None:
    index = RepoIndex(Path("/nonexistent"), FILES)
    for n in range(repo._SCANS_BEFORE_INDEX):
        index.anywhere(f"missing_{n}.py")
    assert index.anywhere("user.py") == ["app/services/user.py"]
    assert "_by_name" in index.__dict__


def _project(root: Path, files: dict[str, str]) -> Project:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return Project.discover(root, cache=False)


def test_makefile_targets_in_one_pass(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "Makefile": "test:\n\tpytest\n",
            "rules.mk": "lint:\n\truff check .\n",
            "sub/GNUmakefile": "docs:\n\tmkdocs build\n",
            ".kiro/steering/Makefile": "old:\n\ttrue\n",  # a doc's copy is not the build
            ".kiro/steering/CMakeLists.txt": "",
        },
    )
    scripts = Scripts(RepoIndex.of(project))
    assert scripts.make_targets == {"test", "lint", "docs"}
    (tmp_path / "CMakeLists.txt").write_text("project(x)\n")
    generated = Scripts(RepoIndex.of(Project.discover(tmp_path, cache=False)))
    assert generated.make_targets is None  # CMake writes the Makefile: targets unknown


def test_commands_dead_paths_are_those_of_the_full_judgement(tmp_path: Path) -> None:
    doc = (
        "# Structure\n\n- `services/`: logic\n- `app/gone.py`: old\n\n"
        "```bash\npython scripts/seed.py\nbash tools/\npytest tests/test_app.py\n"
        "cd web && node server.js\n```\n"
    )
    project = _project(
        tmp_path,
        {
            ".kiro/steering/structure.md": doc,
            "app/main.py": "",
            "lib/scripts/seed.py": "",
            "web/index.js": "",
        },
    )
    steering = project.docs[0]
    every = [d for d in dead_paths(steering, project) if d.claim.kind == "command"]
    commands = dead_paths(steering, project, commands=True)
    assert [(d.claim.text, d.moved) for d in commands] == [(d.claim.text, d.moved) for d in every]
    assert {d.claim.text for d in commands} >= {"scripts/seed.py", "tests/test_app.py"}
    options = CheckOptions(paths=(tmp_path,), select=("SS307",), cache=False)
    messages = [f.message for f in check(project, options).active]
    assert "`scripts/seed.py` does not exist; moved to `lib/scripts/seed.py`?" in messages


def test_a_module_root_is_every_folder_holding_it(tmp_path: Path) -> None:
    files = frozenset({"app/x.py", "src/app/__init__.py", "pkg/app.py", "apple/app2.py"})
    modules = Modules(RepoIndex(tmp_path, files))
    assert modules.roots("app") == ["", "pkg", "src"]
    assert modules.roots("apple") == [""]  # a folder of Python files is importable
    assert modules.roots("app2") == ["apple"]
    assert modules.first_party("app.x")
    assert not modules.first_party("requests.adapters")
    assert not modules.first_party("ap")  # a part of a name is no name


def test_makefile_target_is_read_from_its_own_line(tmp_path: Path) -> None:
    """`include` and variable lines have no colon of their own: the target pattern must
    not run on to the next line's (`include x.mk` then `test:` is one target)."""
    project = _project(
        tmp_path,
        {
            "Makefile": "include common.mk\ntest:\n\tpytest\nPY ?= python3\n"
            "build dist : deps\n\ttrue\n",
            "common.mk": "",
        },
    )
    assert Scripts(RepoIndex.of(project)).make_targets == {"test", "build", "dist"}


def test_gitignore_is_read_as_the_walk_reads_it(tmp_path: Path) -> None:
    """The claims index asks the walk's reader: a .gitignore linked from outside the
    repository is not read (a hostile checkout cannot make a claim 'ignored' with it)."""
    outside = tmp_path / "outside.gitignore"
    outside.write_text("secret/\n")
    root = tmp_path / "repo"
    project = _project(
        root, {".gitignore": "dist/\n", "pkg/.gitignore": "*.gen.py\n", "pkg/x.py": ""}
    )
    index = RepoIndex.of(project)
    assert index.ignored("dist/")
    assert index.ignored("pkg/x.gen.py")
    assert not index.ignored("pkg/x.py")
    (root / "pkg" / ".gitignore").unlink()
    (root / "pkg" / ".gitignore").symlink_to(outside)
    assert not RepoIndex.of(Project.discover(root, cache=False)).ignored("pkg/secret/")
