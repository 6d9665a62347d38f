"""SS201: documented values against code defaults and env files."""

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
    options = api.CheckOptions(paths=paths or (root,), select=("SS201",))
    return api.check(project, options).active


def test_message_names_both_locations_and_values(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: "# Config\n\n```bash\nREDIS_SESSION_TIMEOUT=7200\n```\n",
            "app/settings.py": "import os\n\nT = int(os.getenv('REDIS_SESSION_TIMEOUT', '3600'))\n",
        }
    )
    [finding] = check(root)
    assert finding.path == root / DOC
    assert (finding.location.line, finding.location.column) == (4, 23)
    assert finding.message == (
        # the doc's place is the finding's own: the message names the other one
        "`REDIS_SESSION_TIMEOUT` is documented as `7200` "
        "but the code defaults to `3600` (app/settings.py:3)"
    )


def test_env_file_values_are_compared_too(write_tree: Tree) -> None:
    root = write_tree(
        {DOC: "| Key | Value |\n|---|---|\n| `QUEUE` | `jobs` |\n", ".env.example": "QUEUE=tasks\n"}
    )
    [finding] = check(root)
    assert finding.location.line == 3
    assert "but .env.example:1 sets `tasks`" in finding.message


def test_secret_values_are_masked(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: "```env\nDB_PASSWORD=s3cret\nDATABASE_URL=postgres://app:pw1@db/app\n```\n",
            "app.py": "import os\nos.getenv('DB_PASSWORD', 'dev')\n"
            "os.getenv('DATABASE_URL', 'postgres://app:pw2@localhost/app')\n",
        }
    )
    messages = " ".join(f.message for f in check(root))
    assert "s3cret" not in messages and "dev" not in messages
    assert "pw1" not in messages and "pw2" not in messages
    assert "postgres://app:****@db/app" in messages


def test_conflicting_code_defaults_are_left_to_ss204(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: "```bash\nTTL=300\n```\n",
            "a.py": "import os\nos.getenv('TTL', '300')\n",
            "b.py": "import os\nos.getenv('TTL', '600')\n",
        }
    )
    assert check(root) == []


def test_test_code_defaults_are_not_compared(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: "```bash\nTTL=300\n```\n",
            "tests/test_ttl.py": "import os\nos.getenv('TTL', '1')\n",
        }
    )
    assert check(root) == []


def test_one_doc_line_against_several_sources_is_reported_once(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: "```bash\nTIMEOUT=10\n```\n",
            "app/settings.py": "import os\n\nT = os.getenv('TIMEOUT', '30')\n",
            ".env.example": "TIMEOUT=20\n",
            "deploy/prod.env": "TIMEOUT=40\n",
        }
    )
    [finding] = check(root)
    assert finding.message == (
        "`TIMEOUT` is documented as `10` but the code defaults to `30` (app/settings.py:3) "
        "and .env.example:1 sets `20` and deploy/prod.env:1 sets `40`"
    )
