"""SS307: a run command in a steering doc that names a file, module, target or script that
is not there."""

from __future__ import annotations

from collections.abc import Iterable

from steeringsync.claims.prefilter import may_claim
from steeringsync.claims.rule import ClaimRule, span
from steeringsync.project import Project
from steeringsync.rules.base import Invalid
from steeringsync.rules.ss306_dead_path import message
from steeringsync.steering.document import SteeringDoc
from steeringsync.types import Finding

_DOC = "==> .kiro/steering/tech.md <==\n"


class DeadCommand(ClaimRule):
    """
    ## What it does
    Checks the commands a doc tells the reader to run, in shell blocks (`bash`, `sh`,
    `console`, …) and in inline code that starts with a command:

    - `python path.py`, `pytest path[::test]`, `bash|sh path`, `./path`, `node path.js`:
      the file must exist (from the folder a preceding `cd dir &&` moved to);
    - `python -m pkg.mod`: a first-party module must exist;
    - `make target`: some Makefile must define the target;
    - `npm|pnpm|yarn run script` (and `yarn script`, `pnpm --filter pkg script`,
      `npm run script -w pkg`, `yarn workspace pkg script`): a package.json (the named
      workspace's, when there is one) must define the script;
    - file arguments such as `--config=playwright.config.js` must name existing files.

    `uv run`, `poetry run`, `pipenv run`, `npx` and `sudo` are looked through.
    Templates (`python <script>.py`), outputs and commands the doc has just created a
    file for are not claims.

    ## Why is this bad?
    An agent runs the commands the docs give it. A renamed config file or a removed
    Makefile target turns every test run into a failure the agent then tries to "fix".

    ## Example
    ```bash
    npx playwright test --config=0830_17_52_playwright.config.js
    ```
    after the config file was renamed.

    ## Use instead
    ```bash
    npx playwright test --config=playwright.config.js
    ```

    ## Fix safety
    `steeringsync sync` rewrites a moved file argument when its new location is
    unambiguous. Targets, scripts and modules are left for you. Suppress a line with
    `<!-- noqa: SS307 -->`.
    """

    code = "SS307"
    name = "dead-command"
    summary = "Run command in a steering doc names a missing file, module, target or script"
    VALID = (
        _DOC + "```bash\ncd web && npm run build\nmake test\npython -m app.main\n"
        "pytest tests/test_app.py::test_ok\n```\n"
        '==> web/package.json <==\n{"scripts": {"build": "vite build"}}\n'
        "==> Makefile <==\ntest:\n\tpytest\n==> app/main.py <==\n==> tests/test_app.py <==\n",
        _DOC + "Run `python -m http.server` or `python <script>.py`.\n",
        _DOC + '```sh\npnpm --filter api dev\n```\n==> package.json <==\n{"workspaces": ["api"]}\n'
        '==> api/package.json <==\n{"name": "api", "scripts": {"dev": "node ."}}\n',
    )
    INVALID = (
        Invalid(_DOC + "```bash\npython scripts/seed.py\n```\n"),
        Invalid(_DOC + "Run `make lint`.\n==> Makefile <==\ntest:\n\tpytest\n"),
        Invalid(
            _DOC + "```bash\nnpx playwright test --config=old.config.js\nnpm run e2e\n```\n"
            '==> package.json <==\n{"scripts": {"test": "jest"}}\n',
            count=2,
        ),
        Invalid(_DOC + "```bash\npython -m app.server\n```\n==> app/main.py <==\n"),
    )

    def check_doc(self, doc: SteeringDoc, project: Project) -> Iterable[Finding]:
        if not may_claim(doc):
            return
        from steeringsync.claims.pynames import Modules
        from steeringsync.claims.resolve import dead_paths
        from steeringsync.claims.scripts import Scripts

        claims, index = self.claims(doc, project)
        for dead in dead_paths(doc, project, commands=True):
            where = span(dead.claim.line, dead.claim.column, dead.claim.text)
            yield self.finding(doc.path, where, message(dead))
        scripts = Scripts.of(index)
        for script in claims.scripts:
            where = span(script.line, script.column, script.name)
            if script.tool == "make" and scripts.has_make_target(script.name) is False:
                yield self.finding(doc.path, where, f"no Makefile defines `{script.name}`")
            elif (
                script.tool == "npm"
                and scripts.has_npm_script(script.name, script.workspace, explicit=script.explicit)
                is False
            ):
                yield self.finding(doc.path, where, _no_script(script.name, script.workspace))
        modules = Modules.of(index)
        for module in claims.modules:
            if not module.run or not modules.first_party(module.module):
                continue  # imports in Python blocks are SS308's
            verdict = modules.judge(module)
            if verdict is not None and verdict.missing_module is not None:
                hint = f"; moved to `{verdict.moved[0]}`?" if len(verdict.moved) == 1 else ""
                yield self.finding(
                    doc.path,
                    span(module.line, module.column, module.module),
                    f"module `{module.module}` does not exist{hint}",
                )


def _no_script(name: str, workspace: str | None) -> str:
    if workspace in (None, "*"):
        return f"no package.json defines a script `{name}`"
    return f"workspace `{workspace}` defines no script `{name}`"
