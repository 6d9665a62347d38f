"""SS204: the code defaults the same setting differently in two places."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from steeringsync.drift.model import DriftModel, is_default
from steeringsync.drift.platform_vars import is_platform
from steeringsync.drift.reads import CodeRead
from steeringsync.drift.rule import DriftRule, code_location
from steeringsync.drift.secrets import is_secret, shown
from steeringsync.drift.values import meaning
from steeringsync.rules.base import Invalid
from steeringsync.types import Finding, Severity

# set per entry point on purpose (each `manage.py`, `wsgi.py` names its own settings)
NOT_COMPARED = frozenset({"DJANGO_SETTINGS_MODULE"})


class ConflictingDefaults(DriftRule):
    """
    ## What it does
    Flags a literal default for a setting that differs from the default an earlier read
    of the same setting gives (in file and line order): `os.getenv("TIMEOUT", "30")` in
    one module and `os.getenv("TIMEOUT", "60")` in another. The finding is placed at the
    second read and names the first. Reads are compared only within one deployable unit:
    the nearest folder holding `pyproject.toml`, `setup.py`, `requirements.txt`, a
    `Dockerfile`, `package.json` or a function handler; a script under `scripts/`,
    `tools/`, `bin/` or `examples/` is a unit of its own.

    Not compared: test code and vendored code (`vendor/`, `third_party/`, `.kiro/`),
    computed defaults, empty and placeholder defaults, `os.environ.setdefault` (a write),
    fallbacks only printed or logged (`'not set'`, `'unknown'`, a `print` or logging
    argument), the spellings of one flag value (`false` and `0`), fields of a settings
    subclass for one environment (`DevSettings(Settings)`),
    `DJANGO_SETTINGS_MODULE` (each entry point names its own), secrets, and variables the
    platform sets (`AWS_REGION`, `USER`).

    ## Why is this bad?
    The setting's effective default depends on which module happens to read it first;
    no documentation can be right about it, and `steeringsync sync` will not guess.

    ## Example
    ```python
    # app/cache.py
    ttl = int(os.getenv("CACHE_TTL", "300"))
    # app/views.py
    ttl = int(os.getenv("CACHE_TTL", "600"))
    ```

    ## Use instead
    Read each setting in one place (a settings module) and import the value from there.

    ## Fix safety
    There is no automatic fix: only a person knows which default is meant.
    """

    code = "SS204"
    severity = Severity.WARNING
    name = "conflicting-setting-defaults"
    summary = "Same setting defaulted differently in two places in the code"
    VALID = (
        "==> a.py <==\nimport os\nT = os.getenv('CACHE_TTL', '300')\n"
        "==> b.py <==\nimport os\nT = int(os.environ.get('CACHE_TTL', 300))\n",
        "==> a.py <==\nimport os\nT = os.getenv('CACHE_TTL', '300')\nU = os.environ['CACHE_TTL']\n",
        "==> a.py <==\nimport os\nT = os.getenv('CACHE_TTL', '300')\n"
        "==> b.py <==\nimport os\nprint(f\"ttl: {os.getenv('CACHE_TTL', 'not set')}\")\n",
    )
    INVALID = (
        Invalid(
            "==> a.py <==\nimport os\nT = os.getenv('CACHE_TTL', '300')\n"
            "==> b.py <==\nimport os\nT = os.getenv('CACHE_TTL', '600')\n"
        ),
    )

    def check_drift(self, model: DriftModel) -> Iterable[Finding]:
        for key, reads in sorted(model.by_key().items()):
            if key in NOT_COMPARED or is_platform(key) or is_secret(key):
                continue
            units: dict[str, list[CodeRead]] = {}
            for read in reads:
                if is_default(read):
                    units.setdefault(model.deployable(read.path), []).append(read)
            for literal in units.values():
                yield from self._conflicts(model, key, literal)

    def _conflicts(self, model: DriftModel, key: str, literal: list[CodeRead]) -> Iterable[Finding]:
        if literal:
            first = literal[0]
            expected = meaning(first.setting.default or "")
            for read in literal[1:]:
                if meaning(read.setting.default or "") == expected:
                    continue
                there = model.where(first.path, first.setting.line)
                finding = self.finding(
                    read.path,
                    code_location(read),
                    f"`{key}` defaults to {shown(key, read.setting.default)} here "
                    f"({model.where(read.path, read.setting.line)}) but to "
                    f"{shown(key, first.setting.default)} at {there}",
                )
                if read.setting.suppresses(self.code):
                    finding = dataclasses.replace(finding, suppressed=True)
                yield finding
