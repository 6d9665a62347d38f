"""Settings read by code: every os.getenv/os.environ form and pydantic-settings fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from steeringsync.drift.code_settings import SettingsCollector
from steeringsync.python.source import PythonSource


def reads(code: str) -> list[tuple[str, str, str | None]]:
    source = PythonSource(Path("app.py"), code.encode(), code)
    facts = SettingsCollector().collect(source)
    json.dumps(facts)  # facts are cached per file: they must be JSON-safe
    return sorted((f["key"], f["state"], f["default"]) for f in facts)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import os\nos.getenv('K', '3')\n", ("K", "literal", "3")),
        ("import os\nos.getenv('K')\n", ("K", "none", None)),
        ("import os\nos.getenv('K', None)\n", ("K", "none", None)),
        ("import os\nos.environ.get('K', 5)\n", ("K", "literal", "5")),
        ("import os\nos.environ['K']\n", ("K", "none", None)),
        ("import os\nos.environ.setdefault('K', 'v')\n", ("K", "literal", "v")),
        ("from os import getenv\ngetenv('K', '1')\n", ("K", "literal", "1")),
        ("from os import getenv as ge\nge('K', '1')\n", ("K", "literal", "1")),
        ("from os import environ\nenviron.get('K', '1')\n", ("K", "literal", "1")),
        ("import os as o\no.environ['K']\n", ("K", "none", None)),
        ("import os\nint(os.getenv('K', '30'))\n", ("K", "literal", "30")),
        ("import os\nfloat(os.environ.get('K', 0.25))\n", ("K", "literal", "0.25")),
        ("import os\nos.getenv('K', 'False').lower() == 'true'\n", ("K", "literal", "False")),
        ("import os\nos.getenv('K', -1)\n", ("K", "literal", "-1")),
        ("import os\nos.getenv('K') or 'fallback'\n", ("K", "literal", "fallback")),
        ("import os\nos.getenv('K', compute())\n", ("K", "unknown", None)),
        ("import os\nos.getenv('K', f'{x}')\n", ("K", "unknown", None)),
    ],
)
def test_read_forms(code: str, expected: tuple[str, str, str | None]) -> None:
    assert reads(code) == [expected]


@pytest.mark.parametrize(
    "code",
    [
        "import os\nos.environ['K'] = '1'\n",  # a write, not a read
        "import os\nos.getenv(name, '1')\n",  # the name is not known
        "getenv('K', '1')\n",  # not os.getenv
        "import os\nconfig.get('K', '1')\n",
        'text = \'os.getenv("K", "1")\'\n',
    ],
)
def test_not_reads(code: str) -> None:
    assert reads(code) == []


def test_pydantic_settings_fields_prefix_aliases_and_config_styles() -> None:
    code = (
        "from pydantic import AliasChoices, Field\n"
        "from pydantic_settings import BaseSettings, SettingsConfigDict\n"
        "class App(BaseSettings):\n"
        "    model_config = SettingsConfigDict(env_prefix='app_')\n"
        "    redis_url: str = 'redis://localhost'\n"
        "    port: int = Field(8080, description='HTTP')\n"
        "    debug: bool = Field(default=False)\n"
        "    token: str = Field(alias='API_TOKEN')\n"
        "    hosts: list[str] = Field(default_factory=list)\n"
        "    region: str = Field('eu', validation_alias=AliasChoices('REGION', 'AWS_REGION'))\n"
        "    required: str\n"
        "    _private: int = 1\n"
        "class Legacy(BaseSettings):\n"
        "    timeout: int = 30\n"
        "    class Config:\n"
        "        env_prefix = 'OLD_'\n"
    )
    assert reads(code) == [
        ("API_TOKEN", "none", None),
        ("APP_DEBUG", "literal", "false"),
        ("APP_HOSTS", "unknown", None),
        ("APP_PORT", "literal", "8080"),
        ("APP_REDIS_URL", "literal", "redis://localhost"),
        ("APP_REQUIRED", "none", None),
        ("AWS_REGION", "literal", "eu"),
        ("OLD_TIMEOUT", "literal", "30"),
        ("REGION", "literal", "eu"),
    ]


def test_case_sensitive_settings_keep_the_field_name() -> None:
    code = (
        "from pydantic_settings import BaseSettings\n"
        "class S(BaseSettings):\n"
        "    model_config = {'case_sensitive': True}\n"
        "    redis_url: str = 'x'\n"
    )
    assert reads(code) == [("redis_url", "literal", "x")]


def test_location_and_noqa_are_recorded() -> None:
    code = "import os\n\nX = os.getenv('K', '1')  # noqa: SS203\n"
    source = PythonSource(Path("app.py"), code.encode(), code)
    [fact] = SettingsCollector().collect(source)
    assert (fact["line"], fact["column"], fact["noqa"]) == (3, 5, ["SS203"])


def test_collectors_compare_equal_so_the_engine_runs_one() -> None:
    assert SettingsCollector() == SettingsCollector()
    assert b"getenv" in SettingsCollector().triggers


def test_base_settings_imported_under_another_name() -> None:
    code = (
        "from pydantic_settings import BaseSettings as Base\n"
        "class S(Base):\n"
        "    port: int = 80\n"
        "class T(S):\n"
        "    host: str = 'h'\n"
    )
    assert reads(code) == [("HOST", "literal", "h"), ("PORT", "literal", "80")]


@pytest.mark.parametrize(
    "code",
    [
        "import os\nfor name in ('A', 'B'):\n    os.getenv(name, '1')\n",
        "import os\nNAMES = ['A', 'B']\nvalues = [os.environ.get(n, '1') for n in NAMES]\n",
        "import os\nENV = {'a': 'A', 'b': 'B'}\nfor kind, var in ENV.items():\n"
        "    os.getenv(var, '1')\n",
        "import os\nENV = {'a': 'A', 'b': 'B'}\ndef f(kind):\n"
        "    return os.getenv(ENV[kind], '1')\n",
    ],
)
def test_names_from_literal_collections(code: str) -> None:
    assert reads(code) == [("A", "literal", "1"), ("B", "literal", "1")]


def test_unresolvable_names_are_not_guessed() -> None:
    assert reads("import os\nfor name in load():\n    os.getenv(name)\n") == []
