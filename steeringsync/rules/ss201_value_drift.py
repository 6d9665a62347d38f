"""SS201: a documented setting value that differs from the code's default or an env file."""

from __future__ import annotations

from collections.abc import Iterable

from steeringsync.drift.model import DriftModel
from steeringsync.drift.rule import DriftRule, value_location
from steeringsync.drift.secrets import shown
from steeringsync.drift.values import normalize
from steeringsync.rules.base import Invalid
from steeringsync.types import Finding

_DOC = "==> .kiro/steering/tech.md <==\n"


class ValueDrift(DriftRule):
    """
    ## What it does
    Compares every value documented in the steering docs (`KEY=VALUE` lines in shell,
    env, ini and untyped code blocks; settings tables with a default/value column) with
    the literal default the code gives the same setting (`os.getenv("KEY", "3600")`,
    `os.environ.get`, pydantic-settings fields) and with the value in example env files
    (`.env.example`, `.env.sample`, `.env.template`, `*.env`, `.env.*`). Values are
    compared after stripping quotes and surrounding space and lower-casing `true`/`false`.
    Defaults the code computes (`os.getenv("K", compute())`) are never a mismatch. Values
    of secret-looking settings are masked in the message.

    ## Why is this bad?
    `REDIS_SESSION_TIMEOUT=7200` in the docs while the code defaults to `3600` is the
    drift that bites in production: whoever reads the docs plans for the wrong value, and
    nobody notices in review.

    ## Example
    ```bash
    REDIS_SESSION_TIMEOUT=7200
    ```
    while `settings.py` reads `int(os.getenv("REDIS_SESSION_TIMEOUT", "3600"))`.

    ## Use instead
    ```bash
    REDIS_SESSION_TIMEOUT=3600
    ```

    ## Fix safety
    `steeringsync sync` rewrites the documented value to the code's default (or, with
    `--from env-file PATH`, to that file's value), touching only the value's characters.
    It leaves a value alone when the code's default is computed or the code defaults the
    same setting differently in two places (SS204).
    """

    code = "SS201"
    hint = "`steeringsync sync` rewrites the documented values (`sync --diff` to review first)"
    name = "setting-value-drift"
    summary = "Documented setting value differs from the code default or an env file"
    VALID = (
        _DOC + "```bash\nTIMEOUT=3600\n```\n==> app.py <==\n"
        "import os\nT = int(os.getenv('TIMEOUT', '3600'))\n",
        _DOC + "```env\nDEBUG=True\n```\n==> app.py <==\n"
        "import os\nD = os.environ.get('DEBUG', 'true')\n",
        _DOC + "```bash\nTIMEOUT=10\n```\n==> app.py <==\n"
        "import os\nT = os.getenv('TIMEOUT', str(5 * 60))\n",
    )
    INVALID = (
        Invalid(
            _DOC + "```bash\nexport TIMEOUT=7200  # seconds\n```\n==> app.py <==\n"
            "import os\nT = int(os.getenv('TIMEOUT', '3600'))\n"
        ),
        Invalid(
            _DOC + "| Setting | Default |\n|---|---|\n| `PORT` | `80` |\n"
            "==> .env.example <==\nPORT=8080\n"
        ),
    )

    def check_drift(self, model: DriftModel) -> Iterable[Finding]:
        for doc in model.documented:
            if doc.value is None:
                continue
            documented = normalize(doc.value)
            said = f"`{doc.key}` is documented as {shown(doc.key, doc.value)}"
            # one finding per doc line, naming every source it disagrees with
            sources = []
            defaults = model.literal_defaults(doc.key)
            values = {normalize(r.setting.default or "") for r in defaults}
            if defaults and documented not in values:
                read = defaults[0]
                there = model.where(read.path, read.setting.line)
                sources.append(
                    f"the code defaults to {shown(doc.key, read.setting.default)} ({there})"
                )
            for env in model.env:
                if env.key != doc.key or env.value is None:
                    continue
                if normalize(env.value) != documented:
                    there = model.where(env.path, env.line)
                    sources.append(f"{there} sets {shown(doc.key, env.value)}")
            if sources:
                yield self.finding(
                    doc.path, value_location(doc), f"{said} but {' and '.join(sources)}"
                )
