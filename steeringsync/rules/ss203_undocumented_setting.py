"""SS203: a setting the code reads that no steering doc documents."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable

from steeringsync.drift.model import DriftModel
from steeringsync.drift.platform_vars import is_platform
from steeringsync.drift.rule import DriftRule, code_location
from steeringsync.drift.secrets import shown
from steeringsync.rules.base import Invalid
from steeringsync.types import Finding, Severity

_DOC = "==> .kiro/steering/tech.md <==\n"


# Docs that name fewer of the code's settings than this do not set out to document settings
MIN_DOCUMENTED = 2


def family(key: str) -> str | None:
    """``REDIS_URL`` -> ``REDIS``: settings of one area share their first word."""
    head, sep, _ = key.partition("_")
    return head if sep and head else None


def undocumented(model: DriftModel) -> set[str]:
    """Application settings no doc names, in an area whose other settings the docs name.

    Docs that name a setting or two in passing are not a settings reference: asking them
    for every variable the code reads is noise. Docs that document `REDIS_URL` and
    `REDIS_TTL` but not `REDIS_PREFIX` have a gap a maintainer closes.
    """
    in_docs = model.doc_names
    settings = set(model.by_key()) | {d.key for d in model.documented} | {e.key for e in model.env}
    named = {k for k in settings if k in in_docs and not is_platform(k)}
    # knobs of stand-alone scripts (`scripts/`, `tools/`) are the developers', not settings
    read = {
        key
        for key, reads in model.by_key().items()
        if not is_platform(key) and not all(model.is_script(r.path) for r in reads)
    }
    if len(named) < MIN_DOCUMENTED:
        return set()
    # an area is documented when the docs name two of its settings, not one in passing
    counts = Counter(f for f in map(family, named) if f is not None)
    families = {f for f, n in counts.items() if n >= MIN_DOCUMENTED}
    known = in_docs | {e.key for e in model.env}
    gaps = {k for k in read - known if family(k) in families}
    # only then the walk of every file, for variables the deployment files wire
    return gaps - model.occurring(gaps).in_infra


class UndocumentedSetting(DriftRule):
    """
    ## What it does
    Flags a setting that application code reads (`os.getenv`, `os.environ.get`,
    `os.environ[…]`, a pydantic-settings field, python-decouple's `config("K")`,
    django-environ's `env("K")`/`env.str("K")`) but that no steering doc names. A setting
    is documented by any mention of its name in a steering doc (a code span, a bullet, a
    table, prose), in a file a steering doc pulls in with `#[[file:…]]`, or in an example
    env file (`.env.example`, `env.example`, …). It is reported once, at its first read.

    It is reported only where the docs set out to document settings: they name at least
    two settings (read by the code, set in an env file or documented with a value), and
    two of the settings they name share the
    undocumented setting's first word (`REDIS_URL` and `REDIS_TTL` documented,
    `REDIS_PREFIX` not); a one-word name (`PORT`, `DEBUG`) belongs to no area. Never
    reported:
    variables the OS, shell, CI or a cloud runtime sets (`USER`, `TERM`, `CI`,
    `AWS_REGION`, `AWS_LAMBDA_*`, `GITHUB_*`); variables the repository's own deployment
    files set (Terraform, CDK, SAM and compose files, workflows, Dockerfiles, scripts);
    nested pydantic models (`aws: AWSConfig = Field(default_factory=AWSConfig)`);
    settings read only by test code (files under `tests/`, `test_*.py`, `*_test.py`,
    `conftest.py`) or only by stand-alone scripts (`scripts/`, `tools/`, `bin/`).
    `drift-include`/`drift-exclude` (globs on setting names) narrow it further.

    ## Why is this bad?
    An undocumented setting in an area the docs cover is one nobody knows to set: its
    default silently decides how production behaves, and the docs look complete.

    ## Example
    ```python
    pool_size = int(os.getenv("DB_POOL_SIZE", "10"))
    ```
    while the docs document `DB_URL` and `DB_TIMEOUT` but never mention `DB_POOL_SIZE`.

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
        _DOC + "Set `DB_URL` and `DB_TIMEOUT`.\n==> app.py <==\nimport os\n"
        "U = os.getenv('DB_URL')\nT = os.getenv('DB_TIMEOUT')\nC = os.getenv('CI')\n",
        "==> tests/test_db.py <==\nimport os\nURL = os.environ.get('TEST_POSTGRES_URL')\n",
        "==> app.py <==\nimport os\nos.environ['TZ'] = 'UTC'\n",
    )
    INVALID = (
        Invalid(
            _DOC + "Set `DB_URL` and `DB_TIMEOUT`.\n==> app.py <==\nimport os\n"
            "U = os.getenv('DB_URL')\nT = os.getenv('DB_TIMEOUT')\n"
            "N = int(os.getenv('DB_POOL_SIZE', '10'))\n"
        ),
        Invalid(
            _DOC + "- `REDIS_HOST`\n- `REDIS_PORT`\n==> app/config.py <==\n"
            "from pydantic_settings import BaseSettings\n"
            "class Settings(BaseSettings):\n    redis_host: str = 'localhost'\n"
            "    redis_port: int = 6379\n    redis_url: str = 'redis://localhost'\n"
            "    redis_db: int = 0\n",
            count=2,
        ),
    )

    def check_drift(self, model: DriftModel) -> Iterable[Finding]:
        missing = undocumented(model)
        for key, reads in sorted(model.by_key().items()):
            if key not in missing:
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
