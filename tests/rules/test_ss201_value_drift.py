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
            "deploy/prod.env": "TIMEOUT=40\n",  # one environment's override: not compared
            "deploy/app.env.example": "TIMEOUT=40\n",
        }
    )
    [finding] = check(root)
    assert finding.message == (
        "`TIMEOUT` is documented as `10` but the code defaults to `30` (app/settings.py:3) "
        "and .env.example:1 sets `20` and deploy/app.env.example:1 sets `40`"
    )


# Lessons from the development corpus (benchmarks/precision/).


def test_the_real_drift_is_still_found(write_tree: Tree) -> None:
    # a documented port that the env example and the code both set differently,
    # and a default stated in a bullet that the code contradicts
    root = write_tree(
        {
            DOC: "```bash\nPORT=8000\n```\n- `BATCH_SIZE` - items per batch (default: 1)\n",
            ".env.example": "PORT=8080\n",
            "app.py": (
                "import os\nP = os.getenv('PORT', '5000')\nB = os.getenv('BATCH_SIZE', '10')\n"
            ),
        }
    )
    found = sorted((f.location.line, f.message.split(" but ")[1]) for f in check(root))
    assert found == [
        (2, "the code defaults to `5000` (app.py:2) and .env.example:1 sets `8080`"),
        (4, "the code defaults to `10` (app.py:3)"),
    ]


def test_command_prefixes_and_shell_variables_are_not_documented_values(
    write_tree: Tree,
) -> None:
    root = write_tree(
        {
            DOC: "```bash\nLIVE_TESTS=1 pytest\nJAVA_VERSION=$(java -version)\n```\n",
            "app.py": (
                "import os\nL = os.getenv('LIVE_TESTS', '0')\nJ = os.getenv('JAVA_VERSION', '21')\n"
            ),
        }
    )
    assert check(root) == []


def test_placeholders_secrets_and_environment_overrides(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: (
                "```bash\nOPENAI_API_KEY=sk-xxx\nSECRET_KEY=abc\nGITHUB_USER=your-username\n"
                "DATABASE_URL=postgresql://user:password@localhost/app\nLOG_LEVEL=INFO\n"
                "DEBUG=0\n```\n"
            ),
            ".env.example": "SECRET_KEY=def\nGITHUB_USER=<your user>\nLOG_LEVEL=INFO\n",
            ".env.development": "LOG_LEVEL=DEBUG\n",
            "deploy/.env.docker": "LOG_LEVEL=WARNING\n",
            "app.py": (
                "import os\nK = os.getenv('OPENAI_API_KEY', 'none')\n"
                "U = os.getenv('GITHUB_USER', '')\n"
                "D = os.getenv('DATABASE_URL', 'postgresql://app:s3cret@localhost/app')\n"
                "G = os.getenv('DEBUG', 'false')\n"
                "print(os.getenv('LOG_LEVEL', 'unknown'))\n"
            ),
            "scripts/one_off.py": "import os\nL = os.getenv('LOG_LEVEL', 'ERROR')\n",
        }
    )
    assert check(root) == []


def test_computed_defaults_default_ports_and_flag_spellings(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: "```bash\nDATABASE_URL=mysql://localhost/app\nDEBUG=0\n```\n",
            ".env.example": "DATABASE_URL=mysql://app:pw@localhost:3306/app\nDEBUG=false\n",
            "config.py": "import os\nD = os.getenv('DATABASE_URL', build_url())\n",
            "health.py": "import os\nD = os.getenv('DATABASE_URL', 'MySQL database')\n",
        }
    )
    assert check(root) == []


def test_a_read_without_default_compared_with_a_literal(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: "- `DRY_RUN` (default: 1)\n- `VERBOSE` (default: false)\n",
            "app.py": (
                "import os\nD = os.getenv('DRY_RUN') == '1'\n"
                "V = os.environ.get('VERBOSE', '').lower() == 'true'\n"
            ),
        }
    )
    [finding] = check(root)
    assert finding.location.line == 1
    assert finding.message.endswith(
        "but the code reads it with no default and tests it against `1` (app.py:2): "
        "unset, it is not `1`"
    )
