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


def test_secret_defaults_are_not_compared(write_tree: Tree) -> None:
    # `****` against `****` says nothing a reader can act on; the secrets stay unshown
    root = write_tree(
        {"a.py": "import os\nos.getenv('API_KEY', 'one')\nos.getenv('API_KEY', 'two')\n"}
    )
    assert check(root) == []


def test_same_value_written_differently_and_computed_defaults_agree(write_tree: Tree) -> None:
    root = write_tree(
        {
            "a.py": "import os\nos.getenv('DEBUG', 'True')\nos.getenv('DEBUG', ' true ')\n"
            "os.getenv('DEBUG', compute())\nos.environ['DEBUG']\n",
            "tests/test_a.py": "import os\nos.getenv('DEBUG', 'false')\n",
        }
    )
    assert check(root) == []


# Lessons from the development corpus (benchmarks/precision/): none of these conflict.


def test_writes_display_fallbacks_and_django_settings_module(write_tree: Tree) -> None:
    root = write_tree(
        {
            "app/settings.py": "import os\nTTL = os.getenv('CACHE_TTL', '300')\n",
            "app/boot.py": (
                "import os, logging\n"
                "os.environ.setdefault('CACHE_TTL', '60')\n"
                "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'app.settings')\n"
                "logging.info('ttl=%s', os.getenv('CACHE_TTL', '0'))\n"
                "T = os.getenv('CACHE_TTL', 'unknown')\n"
            ),
            "manage.py": "import os\nM = os.getenv('DJANGO_SETTINGS_MODULE', 'other.settings')\n",
            "wsgi.py": "import os\nM = os.getenv('DJANGO_SETTINGS_MODULE', 'app.settings')\n",
        }
    )
    assert check(root) == []


def test_settings_subclasses_for_one_environment(write_tree: Tree) -> None:
    root = write_tree(
        {
            "config.py": (
                "from pydantic_settings import BaseSettings\n"
                "class Settings(BaseSettings):\n    debug: bool = True\n"
                "class ProdSettings(Settings):\n    debug: bool = False\n"
            )
        }
    )
    assert check(root) == []


def test_vendored_code_empty_placeholder_and_secret_defaults(write_tree: Tree) -> None:
    root = write_tree(
        {
            "app.py": "import os\nT = os.getenv('MODEL', 'gpt4')\nK = os.getenv('API_KEY', '1')\n",
            "vendor/lib/x.py": "import os\nT = os.getenv('MODEL', 'other')\n",
            ".kiro/skills/s.py": "import os\nT = os.getenv('MODEL', 'other')\n",
            "run.py": (
                "import os\nT = os.getenv('MODEL', '')\nU = os.getenv('MODEL', '<your-model>')\n"
                "K = os.getenv('API_KEY', 'b')\n"
            ),
        }
    )
    assert check(root) == []


def test_compared_only_within_one_deployable(write_tree: Tree) -> None:
    root = write_tree(
        {
            "services/a/Dockerfile": "FROM python\n",
            "services/a/main.py": "import os\nP = os.getenv('METRICS_PORT', '8000')\n",
            "services/b/Dockerfile": "FROM python\n",
            "services/b/main.py": "import os\nP = os.getenv('METRICS_PORT', '8001')\n",
            "scripts/backup.py": "import os\nR = os.getenv('CACHE_URL', 'redis://h/4')\n",
            "app/cache.py": "import os\nR = os.getenv('CACHE_URL', 'redis://h/0')\n",
            "app/views.py": "import os\nR = os.getenv('CACHE_URL', 'redis://h/1')\n",
        }
    )
    assert [(f.path.name, f.location.line) for f in check(root)] == [("views.py", 2)]


def test_a_default_in_an_f_string_is_still_a_default(write_tree: Tree) -> None:
    root = write_tree(
        {
            "app/a.py": "import os\nURL = f\"http://{os.getenv('API_HOST', 'localhost')}:8000\"\n",
            "app/b.py": "import os\nHOST = os.getenv('API_HOST', 'api')\n",
        }
    )
    assert [f.path.name for f in check(root)] == ["b.py"]
