"""SS203: settings the code reads that no steering doc documents."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from steeringsync import api
from steeringsync.project import Project
from steeringsync.types import Finding

DOC = ".kiro/steering/tech.md"
Tree = Callable[[dict[str, str]], Path]
# docs that document settings of the `APP_` area, and the code that reads them
DOCUMENTED = "## Configuration\n\n- `APP_NAME`: shown in the title\n- `APP_MODE`: dev or prod\n"
READS = "import os\nN = os.getenv('APP_NAME')\nM = os.getenv('APP_MODE')\n"


def check(root: Path, *paths: Path) -> list[Finding]:
    project = Project.discover(root)
    options = api.CheckOptions(paths=paths or (root,), select=("SS203",))
    return api.check(project, options).findings


def keys(root: Path) -> list[str]:
    return [f.message.split("`")[1] for f in check(root)]


def test_reported_once_at_the_first_read(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: DOCUMENTED,
            "app/settings.py": READS,
            "app/a.py": "import os\nA = os.getenv('APP_POOL', '10')\n",
            "app/b.py": "import os\n\nB = os.environ['APP_POOL']\n",
        }
    )
    [finding] = check(root)
    assert (finding.path, finding.location.line, finding.location.column) == (
        root / "app/a.py",
        2,
        5,
    )
    assert finding.message == "undocumented setting `APP_POOL` (default `10`), read in 1 more place"


def test_test_code_and_configured_scope(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: DOCUMENTED,
            "settings.py": READS,
            "tests/conftest.py": "import os\nos.environ.get('TEST_POSTGRES_URL')\n",
            "test_x.py": "import os\nos.getenv('APP_X')\n",
            "app.py": "import os\nos.getenv('APP_LOCALE', 'en')\nos.getenv('APP_SEED')\n",
            "pyproject.toml": '[tool.steeringsync]\ndrift-exclude = ["APP_SEED"]\n',
        }
    )
    assert keys(root) == ["APP_LOCALE"]


def test_drift_include_narrows_to_matching_names(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: DOCUMENTED + "- `OTHER_A`: x\n- `OTHER_B`: y\n",
            "settings.py": READS + "os.getenv('OTHER_A')\nos.getenv('OTHER_B')\n",
            "app.py": "import os\nos.getenv('APP_A')\nos.getenv('OTHER_C')\n",
            "pyproject.toml": '[tool.steeringsync]\ndrift-include = ["APP_*"]\n',
        }
    )
    assert keys(root) == ["APP_A"]


def test_noqa_suppresses(write_tree: Tree) -> None:
    root = write_tree(
        {DOC: DOCUMENTED, "s.py": READS, "app.py": "import os\nos.getenv('APP_K')  # noqa: SS203\n"}
    )
    [finding] = check(root)
    assert finding.suppressed


def test_partial_scan_reports_only_in_the_scanned_files(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: DOCUMENTED,
            "s.py": READS,
            "a.py": "import os\nos.getenv('APP_A')\n",
            "b.py": "import os\nos.getenv('APP_B')\n",
        }
    )
    assert [f.path.name for f in check(root, root / "b.py")] == ["b.py"]


# Lessons from the development corpus (benchmarks/precision/): each a minimal reproduction.


def test_any_mention_in_a_doc_documents_a_setting(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: DOCUMENTED + "The pool grows to APP_POOL connections.\n\n"
            "| Name | Meaning |\n|---|---|\n| `APP_TTL` | cache lifetime |\n",
            "s.py": READS + "os.getenv('APP_POOL')\nos.getenv('APP_TTL')\n",
        }
    )
    assert keys(root) == []


def test_a_file_the_docs_pull_in_and_env_examples_document(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: DOCUMENTED + "All settings: #[[file:docs/config.md]]\n",
            "docs/config.md": "- `APP_POOL`: pool size\n",
            "backend/env.example": "APP_TTL=60\n",
            "s.py": READS + "os.getenv('APP_POOL')\nos.getenv('APP_TTL')\nos.getenv('APP_NEW')\n",
        }
    )
    assert keys(root) == ["APP_NEW"]


def test_not_reported_when_the_docs_document_no_settings(write_tree: Tree) -> None:
    # the docs name one setting in passing: they are not a settings reference
    root = write_tree(
        {
            DOC: "# Tech\n\nSet `APP_NAME` to brand the UI.\n",
            "s.py": READS + "os.getenv('APP_POOL')\nos.getenv('APP_TTL')\n",
        }
    )
    assert keys(root) == []


def test_only_in_an_area_the_docs_document(write_tree: Tree) -> None:
    # one `SENTRY_` name in passing does not document the Sentry settings
    root = write_tree(
        {
            DOC: DOCUMENTED + "Errors go to Sentry (`SENTRY_URL`).\n",
            "s.py": READS
            + "os.getenv('APP_TTL')\nos.getenv('SENTRY_URL')\nos.getenv('SENTRY_DSN')\n",
        }
    )
    assert keys(root) == ["APP_TTL"]


def test_os_shell_ci_and_cloud_runtime_variables(write_tree: Tree) -> None:
    reads = "".join(
        f"os.getenv('{k}')\n"
        for k in ("USER", "TERM", "COLORTERM", "CI", "AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME")
    )
    root = write_tree({DOC: DOCUMENTED + "- `AWS_TABLE`: x\n- `AWS_X`: y\n", "s.py": READS + reads})
    assert keys(root) == []


def test_nested_pydantic_models_are_not_variables(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: "- `APP_NAME`: x\n- `APP_MODE`: y\n- `AWS`: no\n",
            "s.py": (
                "from pydantic import BaseModel, Field\n"
                "from pydantic_settings import BaseSettings\n"
                "from app.aws import AWSConfig\n"
                "class Db(BaseModel):\n    url: str = 'x'\n"
                "class Settings(BaseSettings):\n"
                "    app_name: str = 'a'\n    app_mode: str = 'dev'\n"
                "    aws: AWSConfig = Field(default_factory=AWSConfig)\n"
                "    app_db: Db = Db()\n    app_other: Db\n    app_level: int = 3\n"
            ),
        }
    )
    assert keys(root) == ["APP_LEVEL"]


def test_variables_the_repositorys_infrastructure_sets(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: DOCUMENTED,
            "s.py": READS + "os.getenv('APP_TABLE')\nos.getenv('APP_QUEUE')\nos.getenv('APP_X')\n",
            "template.yaml": "Environment:\n  Variables:\n    APP_TABLE: !Ref Table\n",
            "infra/main.tf": 'environment { variables = { APP_QUEUE = "q" } }\n',
        }
    )
    assert keys(root) == ["APP_X"]


def test_decouple_and_django_environ_reads(write_tree: Tree) -> None:
    root = write_tree(
        {
            DOC: DOCUMENTED,
            "s.py": READS,
            "a.py": "from decouple import config\nA = config('APP_A', default=3, cast=int)\n",
            "b.py": (
                "import environ\nenv = environ.Env()\nB = env('APP_B')\nC = env.str('APP_C', 'x')\n"
            ),
        }
    )
    assert keys(root) == ["APP_A", "APP_B", "APP_C"]


def test_a_renamed_setting_is_reported_on_both_sides(write_tree: Tree) -> None:
    # the docs still say SESSION_TIMEOUT; the code was renamed to SESSION_TTL
    root = write_tree(
        {
            DOC: "```bash\nSESSION_TIMEOUT=3600\nSESSION_PREFIX=s:\n```\n",
            "app.py": (
                "import os\nT = os.getenv('SESSION_TTL', '3600')\nP = os.getenv('SESSION_PREFIX')\n"
            ),
        }
    )
    project = Project.discover(root)
    report = api.check(project, api.CheckOptions(paths=(root,), select=("SS202", "SS203")))
    assert [(f.code, f.message.split("`")[1]) for f in report.findings] == [
        ("SS202", "SESSION_TIMEOUT"),
        ("SS203", "SESSION_TTL"),
    ]
