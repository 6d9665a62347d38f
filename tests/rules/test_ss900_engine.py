"""SS900: a file that does not parse, judged against the Python the project declares."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from steeringsync import api
from steeringsync.project import Project
from steeringsync.types import Finding, Severity

Tree = Callable[[dict[str, str]], Path]


def check(root: Path) -> list[Finding]:
    project = Project.discover(root)
    return api.check(project, api.CheckOptions(paths=(root,), select=("SS900", "SS202"))).findings


def test_a_project_requiring_a_newer_python_is_not_called_broken(write_tree: Tree) -> None:
    # Lesson from the development corpus: `requires-python = ">=3.12"` checked on 3.11
    root = write_tree(
        {
            "pyproject.toml": '[project]\nrequires-python = ">=3.99"\n',
            "app.py": "import os\nT = os.getenv('APP_TIMEOUT', '30')\nx = (\n",
            ".kiro/steering/tech.md": "```bash\nAPP_TIMEOUT=30\n```\n",
        }
    )
    [finding] = check(root)
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert finding.code == "SS900" and finding.severity is Severity.WARNING
    assert finding.message.startswith(
        f"cannot check with Python {running}: the project runs on Python >=3.99"
    )
    # the file's settings are still known: APP_TIMEOUT is read, so no SS202


def test_without_a_declared_python_it_is_a_syntax_error(write_tree: Tree) -> None:
    root = write_tree({"app.py": "import os\nT = os.getenv('APP_TIMEOUT', '30')\nx = (\n"})
    [finding] = check(root)
    assert finding.message.startswith("syntax error: ")


def test_an_indentation_error_is_an_error_in_every_python(write_tree: Tree) -> None:
    root = write_tree(
        {
            "pyproject.toml": '[project]\nrequires-python = ">=3.99"\n',
            "app.py": "import os\nif os.getenv('APP_X'):\n# nothing here\nx = 1\n",
        }
    )
    [finding] = check(root)
    assert finding.message.startswith("syntax error: expected an indented block")
