"""SS203: settings the code reads that no steering doc documents."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from steeringsync import api
from steeringsync.project import Project
from steeringsync.types import Finding

DOC = ".kiro/steering/tech.md"
Tree = Callable[[dict[str, str]], Path]


def check(root: Path, *paths: Path) -> list[Finding]:
    project = Project.discover(root)
    options = api.CheckOptions(paths=paths or (root,), select=("SS203",))
    return api.check(project, options).findings


def test_reported_once_at_the_first_read(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: "```bash\nDOCUMENTED=1\n```\n",
            "app/a.py": "import os\nA = os.getenv('POOL', '10')\nD = os.getenv('DOCUMENTED')\n",
            "app/b.py": "import os\n\nB = os.environ['POOL']\n",
        }
    )
    [finding] = check(root)
    assert (finding.path, finding.location.line, finding.location.column) == (
        root / "app/a.py",
        2,
        5,
    )
    assert finding.message == "undocumented setting `POOL` (default `10`), read in 1 more place"


def test_test_code_and_configured_scope(write_tree: Tree) -> None:
    root = write_tree(
        {
            "tests/conftest.py": "import os\nos.environ.get('TEST_POSTGRES_URL')\n",
            "test_x.py": "import os\nos.getenv('TEST_X')\n",
            "app.py": "import os\nos.getenv('LOCALE', 'en')\nos.getenv('PYTHONHASHSEED')\n",
            "pyproject.toml": '[tool.steeringsync]\ndrift-exclude = ["PYTHON*"]\n',
        }
    )
    assert [f.message.split("`")[1] for f in check(root)] == ["LOCALE"]


def test_drift_include_narrows_to_matching_names(write_tree: Tree) -> None:
    root = write_tree(
        {
            "app.py": "import os\nos.getenv('APP_A')\nos.getenv('OTHER')\n",
            "pyproject.toml": '[tool.steeringsync]\ndrift-include = ["APP_*"]\n',
        }
    )
    assert [f.message.split("`")[1] for f in check(root)] == ["APP_A"]


def test_noqa_suppresses(write_tree: Tree) -> None:
    root = write_tree({"app.py": "import os\nos.getenv('K')  # noqa: SS203\n"})
    [finding] = check(root)
    assert finding.suppressed


def test_partial_scan_reports_only_in_the_scanned_files(write_tree: Tree) -> None:
    root = write_tree(
        {"a.py": "import os\nos.getenv('A')\n", "b.py": "import os\nos.getenv('B')\n"}
    )
    assert [f.path.name for f in check(root, root / "b.py")] == ["b.py"]
