"""SS202: a documented setting that no code reads and no env file sets."""

from __future__ import annotations

from collections.abc import Iterable

from steeringsync.drift.model import DriftModel
from steeringsync.drift.platform_vars import is_platform
from steeringsync.drift.rule import DriftRule, key_location
from steeringsync.rules.base import Invalid
from steeringsync.types import Finding, Severity

_DOC = "==> .kiro/steering/tech.md <==\n"


class DocumentedUnused(DriftRule):
    """
    ## What it does
    Flags a setting the steering docs document (`KEY=VALUE` in a code block, or a row of
    a settings table) that no Python file reads (through `os.getenv`, `os.environ` or a
    pydantic-settings field) and no example env file sets. Reads in test files count.
    The whole project is searched even when only some files are checked (pre-commit).

    ## Why is this bad?
    A documented setting that nothing reads is a knob that does nothing: it was renamed
    or removed in code, and whoever sets it in production is silently ignored.

    ## Example
    ```bash
    SESSION_BACKEND=redis
    ```
    while no code reads `SESSION_BACKEND`.

    ## Use instead
    Document the setting's current name, or remove it from the docs. Settings read in
    ways steeringsync cannot see can be left out with `drift-exclude = ["SESSION_*"]`.

    ## Fix safety
    There is no automatic fix: only a person knows whether the docs or the code are behind.
    """

    code = "SS202"
    severity = Severity.WARNING
    hint = "document the current name, or leave settings read out of sight to `drift-exclude`"
    name = "documented-setting-unused"
    summary = "Documented setting that no code reads and no env file sets"
    VALID = (
        _DOC + "```bash\nTIMEOUT=30\n```\n==> app.py <==\n"
        "from os import environ\nT = environ['TIMEOUT']\n",
        _DOC + "```sh\nAPI_URL=https://example.org\n```\n"
        "==> .env.example <==\nAPI_URL=https://example.org\n",
        _DOC + "```python\nMAX_ITEMS = 3\n```\n",
    )
    INVALID = (
        Invalid(_DOC + "```bash\nSESSION_BACKEND=redis\n```\n"),
        Invalid(
            _DOC + "| Variable | Default |\n|---|---|\n| `OLD_NAME` | 5 |\n| `NEW_NAME` | 5 |\n"
            "==> app.py <==\nimport os\nN = os.getenv('NEW_NAME', '5')\n"
        ),
    )

    def check_drift(self, model: DriftModel) -> Iterable[Finding]:
        read = model.read_keys() | {e.key for e in model.env}
        unread = [d for d in model.documented if d.key not in read and not is_platform(d.key)]
        # only then the walk of every other file (Go, TS, shell, Terraform use it too)
        elsewhere = model.occurring({d.key for d in unread}).elsewhere
        for doc in unread:
            if doc.key not in elsewhere:
                yield self.finding(
                    doc.path,
                    key_location(doc),
                    f"`{doc.key}` is documented but no code reads it and no env file sets it",
                )
