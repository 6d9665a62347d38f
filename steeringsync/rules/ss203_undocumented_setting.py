"""SS203: a setting the code reads that no steering doc documents."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from steeringsync.drift.model import DriftModel
from steeringsync.drift.rule import DriftRule, code_location
from steeringsync.drift.secrets import shown
from steeringsync.rules.base import Invalid
from steeringsync.types import Finding, Severity

_DOC = "==> .kiro/steering/tech.md <==\n"


class UndocumentedSetting(DriftRule):
    """
    ## What it does
    Flags a setting that application code reads (`os.getenv`, `os.environ.get`,
    `os.environ[…]`, a pydantic-settings field) but that no steering doc documents. It
    is reported once per setting, at its first read. Settings read only by test code
    (files under `tests/`, `test_*.py`, `*_test.py`, `conftest.py`) are not user
    configuration and need no documentation. `drift-include`/`drift-exclude` (globs on
    setting names) narrow the check further.

    ## Why is this bad?
    An undocumented setting is one nobody knows to set: its default silently decides how
    production behaves.

    ## Example
    ```python
    pool_size = int(os.getenv("DB_POOL_SIZE", "10"))
    ```
    while no steering doc mentions `DB_POOL_SIZE`.

    ## Use instead
    Document it, e.g. in `tech.md`:
    ```bash
    DB_POOL_SIZE=10
    ```

    ## Fix safety
    There is no automatic fix: the docs need a sentence on what the setting does.
    """

    code = "SS203"
    severity = Severity.WARNING
    hint = "document them in a steering doc, or keep private ones out with `drift-exclude`"
    name = "undocumented-setting"
    summary = "Setting read by the code that no steering doc documents"
    VALID = (
        _DOC + "```bash\nDB_POOL_SIZE=10\n```\n==> app.py <==\n"
        "import os\nN = int(os.getenv('DB_POOL_SIZE', '10'))\n",
        "==> tests/test_db.py <==\nimport os\nURL = os.environ.get('TEST_POSTGRES_URL')\n",
        "==> app.py <==\nimport os\nos.environ['TZ'] = 'UTC'\n",
    )
    INVALID = (
        Invalid("==> app.py <==\nimport os\nN = int(os.getenv('DB_POOL_SIZE', '10'))\n"),
        Invalid(
            "==> app/config.py <==\nfrom pydantic_settings import BaseSettings\n"
            "class Settings(BaseSettings):\n    redis_url: str = 'redis://localhost'\n"
            "    debug: bool = False\n",
            count=2,
        ),
    )

    def check_drift(self, model: DriftModel) -> Iterable[Finding]:
        documented = {d.key for d in model.documented}
        for key, reads in sorted(model.by_key().items()):
            if key in documented:
                continue
            first = reads[0]
            others = len(reads) - 1
            also = f", read in {others} more place{'s' * (others > 1)}" if others else ""
            default = first.setting.default
            said = f" (default {shown(key, default)})" if default is not None else ""
            finding = self.finding(
                first.path,
                code_location(first),
                # short: what to do about it is the rule's hint, printed once
                f"undocumented setting `{key}`{said}{also}",
            )
            if first.setting.suppresses(self.code):
                finding = dataclasses.replace(finding, suppressed=True)
            yield finding
