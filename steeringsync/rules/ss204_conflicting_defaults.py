"""SS204: the code defaults the same setting differently in two places."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from steeringsync.drift.model import DriftModel
from steeringsync.drift.reads import LITERAL
from steeringsync.drift.rule import DriftRule, code_location
from steeringsync.drift.secrets import shown
from steeringsync.drift.values import normalize
from steeringsync.rules.base import Invalid
from steeringsync.types import Finding, Severity


class ConflictingDefaults(DriftRule):
    """
    ## What it does
    Flags a literal default for a setting that differs from the default an earlier read
    of the same setting gives (in file and line order): `os.getenv("TIMEOUT", "30")` in
    one module and `os.getenv("TIMEOUT", "60")` in another. The finding is placed at the
    second read and names the first. Test code and computed defaults are not compared.

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
    )
    INVALID = (
        Invalid(
            "==> a.py <==\nimport os\nT = os.getenv('CACHE_TTL', '300')\n"
            "==> b.py <==\nimport os\nT = os.getenv('CACHE_TTL', '600')\n"
        ),
    )

    def check_drift(self, model: DriftModel) -> Iterable[Finding]:
        for key, reads in sorted(model.by_key().items()):
            literal = [r for r in reads if r.setting.state == LITERAL]
            if not literal:
                continue
            first = literal[0]
            expected = normalize(first.setting.default or "")
            for read in literal[1:]:
                if normalize(read.setting.default or "") == expected:
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
