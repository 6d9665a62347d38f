"""SS204: the same setting defaulted differently in two places."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from steeringsync import api
from steeringsync.project import Project
from steeringsync.types import Finding

Tree = Callable[[dict[str, str]], Path]


def check(root: Path) -> list[Finding]:
    project = Project.discover(root)
    return api.check(project, api.CheckOptions(paths=(root,), select=("SS204",))).findings


def test_placed_at_the_second_read_naming_the_first(write_tree: Tree) -> None:
    root = write_tree(
        {
            "app/cache.py": "import os\nTTL = int(os.getenv('CACHE_TTL', '300'))\n",
            "app/views.py": "import os\n\nTTL = int(os.getenv('CACHE_TTL', 600))\n",
        }
    )
    [finding] = check(root)
    assert (finding.path, finding.location.line) == (root / "app/views.py", 3)
    assert finding.message == (
        "`CACHE_TTL` defaults to `600` here (app/views.py:3) but to `300` at app/cache.py:2"
    )


def test_secret_defaults_are_masked(write_tree: Tree) -> None:
    root = write_tree(
        {"a.py": "import os\nos.getenv('API_KEY', 'one')\nos.getenv('API_KEY', 'two')\n"}
    )
    [finding] = check(root)
    assert "one" not in finding.message and "two" not in finding.message


def test_same_value_written_differently_and_computed_defaults_agree(write_tree: Tree) -> None:
    root = write_tree(
        {
            "a.py": "import os\nos.getenv('DEBUG', 'True')\nos.getenv('DEBUG', ' true ')\n"
            "os.getenv('DEBUG', compute())\nos.environ['DEBUG']\n",
            "tests/test_a.py": "import os\nos.getenv('DEBUG', 'false')\n",
        }
    )
    assert check(root) == []
