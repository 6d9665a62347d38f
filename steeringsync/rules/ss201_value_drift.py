"""SS201: a documented setting value that differs from the code's default or an env file."""

from __future__ import annotations

from collections.abc import Iterable

from steeringsync.drift.model import DriftModel, is_default
from steeringsync.drift.reads import UNKNOWN
from steeringsync.drift.rule import DriftRule, value_location
from steeringsync.drift.secrets import is_secret, shown
from steeringsync.drift.values import is_placeholder, meaning
from steeringsync.rules.base import Invalid
from steeringsync.types import Finding

_DOC = "==> .kiro/steering/tech.md <==\n"


class ValueDrift(DriftRule):
    """
    ## What it does
    Compares every value documented in the steering docs (`KEY=VALUE` lines in shell,
    env, ini and untyped code blocks; settings tables with a default/value column) with
    the literal default the code gives the same setting (`os.getenv("KEY", "3600")`,
    `os.environ.get`, pydantic-settings fields) and with the value in example and
    template env files (`.env.example`, `env.sample`, `app.env.template`). Values are
    compared after stripping quotes and surrounding space, with the spellings of a flag
    merged (`0`/`false`/`no`/`off`), a URL's credentials and its scheme's default port
    dropped. Defaults stated in bullets and prose (`` `DRY_RUN` (default: true) ``) are
    read too; `KEY=VALUE` that prefixes a command (`LIVE_TESTS=1 pytest`) or assigns a
    shell variable (`V=$(…)`, `PATH=…`) is not a documented setting.

    A read with no default compared with a literal (`os.getenv("DRY_RUN") == "1"`) behaves
    as "not that literal" when unset: a doc saying the default is that literal is a mismatch.

    Never a mismatch: a default the code computes anywhere (`os.getenv("K", compute())`),
    reads in stand-alone scripts (`scripts/`, `tools/`), empty, display-only
    (`'not set'`) and placeholder values (`your-key-here`, `<token>`, `sk-xxx`, `...`,
    `changeme`), secrets (documented secrets are examples), and env files for one
    environment (`.env.development`, `.env.docker`): only example and template env files
    (`.env.example`, `env.sample`, `*.env.template`) state the defaults.

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
        examples = model.example_env()
        for doc in model.documented:
            if doc.value is None or is_secret(doc.key) or is_placeholder(doc.value):
                continue
            documented = meaning(doc.value)
            said = f"`{doc.key}` is documented as {shown(doc.key, doc.value)}"
            # one finding per doc line, naming every source it disagrees with
            sources = []
            reads = [r for r in model.reads_of(doc.key) if not model.is_script(r.path)]
            # a default the code computes somewhere is the one that counts: unknown here
            computed = any(r.setting.state == UNKNOWN and not r.setting.use for r in reads)
            defaults = [] if computed else [r for r in reads if is_default(r)]
            values = {meaning(r.setting.default or "") for r in defaults}
            if defaults and documented not in values:
                read = defaults[0]
                there = model.where(read.path, read.setting.line)
                sources.append(
                    f"the code defaults to {shown(doc.key, read.setting.default)} ({there})"
                )
            # `os.getenv("DRY_RUN") == "1"` with `DRY_RUN` documented as defaulting to 1:
            # unset, the code behaves as "not 1", the opposite of what the doc says
            compared = [r for r in reads if r.setting.compared is not None and not computed]
            for read in compared:
                literal = read.setting.compared or ""
                if meaning(literal) == documented:
                    there = model.where(read.path, read.setting.line)
                    sources.append(
                        f"the code reads it with no default and tests it against "
                        f"{shown(doc.key, literal)} ({there}): unset, it is not "
                        f"{shown(doc.key, literal)}"
                    )
                    break
            for env in examples:
                if env.key != doc.key or env.value is None or is_placeholder(env.value):
                    continue
                if meaning(env.value) != documented:
                    there = model.where(env.path, env.line)
                    sources.append(f"{there} sets {shown(doc.key, env.value)}")
            if sources:
                yield self.finding(
                    doc.path, value_location(doc), f"{said} but {' and '.join(sources)}"
                )
