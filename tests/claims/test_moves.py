"""Where a dead path went: git history read as a user's checkout has it (renames chained,
folders moved with their files), re-stamped file names, and a folder whose named parts
all moved under one folder of its name. Each case is one seen on the development corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from steeringsync.api import CheckOptions, check
from steeringsync.claims.repo import RepoIndex, renames_from_log
from steeringsync.cli import main
from steeringsync.project import Project
from tests.claims._git import git

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def findings(root: Path) -> list[str]:
    project = Project.discover(root, cache=False)
    options = CheckOptions(paths=(root,), select=("SS306", "SS307"), cache=False)
    report = check(project, options)
    return [f"{f.location.line} {f.code} {f.message}" for f in report.active]


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _body(name: str) -> str:
    return "".join(f"line {i} of {name}\n" for i in range(30))  # similar enough to pair


def _commit_moves(root: Path, before: dict[str, str], moves: list[tuple[str, str]]) -> None:
    _write(root, before)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "before")
    for old, new in moves:
        (root / new).parent.mkdir(parents=True, exist_ok=True)
        git(root, "mv", old, new)
        git(root, "commit", "-qm", f"move {old}")
        folder = (root / old).parent
        while folder != root and not any(folder.iterdir()):  # as a fresh clone has it
            folder.rmdir()
            folder = folder.parent


@needs_git
def test_a_folder_whose_files_kept_their_names_under_one_folder_moved_there(
    tmp_path: Path,
) -> None:
    # Vedfolnir: `services/*.py` went to `app/services/{email,user}/…`; `utils/*.py` went to
    # folders of other names all over `app/`, so `utils/` moved nowhere in particular
    root = tmp_path / "repo"
    files = {f"services/{n}.py": _body(n) for n in ("email_service", "user_service")}
    files |= {f"utils/{n}.py": _body(n) for n in ("forms", "assets")}
    files["admin/services/x.py"] = files["admin/utils/y.py"] = files["lib/utils/z.py"] = ""
    _commit_moves(
        root,
        files,
        [
            ("services/email_service.py", "app/services/email/email_service.py"),
            ("services/user_service.py", "app/services/user/components/user_service.py"),
            ("utils/forms.py", "app/web/forms.py"),
            ("utils/assets.py", "app/assets/assets.py"),
        ],
    )
    _write(
        root,
        {
            ".kiro/steering/structure.md": "# Structure\n"
            "- `services/`: business logic\n- `utils/`: helpers\n"
        },
    )
    # `services/` also names `admin/services/`: without the history a monorepo's
    # per-package folder; git saw this very folder move
    assert findings(root) == ["2 SS306 `services/` does not exist; moved to `app/services/`?"]


@needs_git
def test_renames_are_followed_to_the_latest_place(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _commit_moves(
        root,
        {"run_tests.py": _body("run")},
        [("run_tests.py", "scripts/run_tests.py"), ("scripts/run_tests.py", "tests/run_all.py")],
    )
    _write(root, {".kiro/steering/tech.md": "```bash\npython run_tests.py\n```\n"})
    assert findings(root) == ["2 SS307 `run_tests.py` does not exist; moved to `tests/run_all.py`?"]


def test_a_rename_log_gives_files_and_the_folders_that_moved_whole() -> None:
    log = (
        # newest first: the latest rename of a path is the one kept
        "R100\tsecurity/core/csrf.py\tapp/core/security/core/csrf.py\n"
        "R090\tsecurity/core/old.py\tapp/core/security/core/old.py\n"
        "R100\ta.py\tb.py\n"
        "R100\ta.py\tc.py\n"
        "R100\tdocs/steering/x.md\tdocs/x.md\n"
        "R100\tlib/one/f.py\tsrc/f.py\n"  # `lib/one` moved; `lib` did not keep `one/`
        "M\tREADME.md\n"
        "R100\tlib/two/g.py\tsrc/g.py\n"
    )
    renames = renames_from_log(log)
    assert renames["a.py"] == "b.py"
    assert renames["security/core"] == "app/core/security/core"
    assert renames["security"] == "app/core/security"
    assert renames["docs/steering"] == "docs"
    assert renames["lib/one"] == "src"
    assert "lib" not in renames
    assert "README.md" not in renames


def test_a_new_stamp_on_a_stamped_file_name_is_its_new_place(tmp_path: Path) -> None:
    # Vedfolnir's test tooling stamps names `MMdd_HH_mm_`: `0830_17_52_playwright.config.js`
    # was replaced by `tests/playwright/0914_10_00_playwright.config.js` (git records a
    # deletion and another file's rename, so only the name tells)
    files = {
        "tests/playwright/0914_10_00_playwright.config.js",
        "migrations/0001_initial.py",
        "other/0002_initial.py",
    }
    index = RepoIndex(tmp_path, frozenset(files))
    assert index.moved_to("0830_17_52_playwright.config.js") == [
        "tests/playwright/0914_10_00_playwright.config.js"
    ]
    # a migration's sequence number is no stamp: `0003_initial.py` moved nowhere
    assert index.moved_to("0003_initial.py") == []


def test_a_folder_moves_with_the_parts_the_doc_names(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _write(
        root,
        {
            ".kiro/steering/structure.md": "# Structure\n"
            "- `security/core/`: CSRF\n- `security/validation/`: input checks\n"
            "```\n├── security/     # security modules\n└── README.md\n```\n",
            "app/core/security/core/csrf.py": "",
            "app/core/security/validation/forms.py": "",
            "admin/security/x.py": "",
            "app/core/session/security/y.py": "",
            "README.md": "",
        },
    )
    assert findings(root) == [
        "2 SS306 `security/core/` does not exist; moved to `app/core/security/core/`?",
        "3 SS306 `security/validation/` does not exist; moved to `app/core/security/validation/`?",
        "5 SS306 `security/` does not exist; moved to `app/core/security/`?",
    ]


def test_a_comment_saying_where_commands_run_is_their_folder(tmp_path: Path) -> None:
    # Vedfolnir: `# Always prefix with timeout (run from tests/playwright/)` then a
    # command whose `--config=` names a file of that folder
    root = tmp_path / "repo"
    _write(
        root,
        {
            ".kiro/steering/testing.md": "```bash\n# Always use timeout (run from tests/e2e/)\n"
            "timeout 120 npx playwright test --config=0830_17_52_playwright.config.js\n"
            "npx playwright test --config=e2e.config.js\n```\n",
            "tests/e2e/0914_10_00_playwright.config.js": "",
            "tests/e2e/e2e.config.js": "",
        },
    )
    assert findings(root) == [
        "3 SS307 `0830_17_52_playwright.config.js` does not exist; "
        "moved to `tests/e2e/0914_10_00_playwright.config.js`?"
    ]
    # `sync` keeps the path relative to the folder the command runs in
    assert main(["sync", str(root)]) == 0
    synced = (root / ".kiro/steering/testing.md").read_text()
    assert "--config=0914_10_00_playwright.config.js\n" in synced
