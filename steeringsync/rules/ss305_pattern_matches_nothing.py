"""SS305: a fileMatch steering doc whose pattern matches no file in the repository."""

from __future__ import annotations

from collections.abc import Iterable

from steeringsync.project import Project
from steeringsync.rules.base import DocRule, Invalid
from steeringsync.steering import globs
from steeringsync.steering.document import SteeringDoc
from steeringsync.types import Finding, Location, Severity


class PatternMatchesNothing(DocRule):
    """
    ## What it does
    For a doc with `inclusion: fileMatch`, checks that its `fileMatchPattern` matches at
    least one file in the repository. The pattern may be a string, a YAML list, a
    comma-separated string or a brace pattern (`**/*.{ts,tsx}`); each glob is reported
    separately. `**` spans directories, `*` and `?` do not, and a glob without a `/`
    also matches by file name in any directory. Files ignored by `.gitignore`, and
    directories such as `.git`, `.venv` and `node_modules`, do not count.

    ## Why is this bad?
    Kiro includes a fileMatch doc only while a matching file is open: a pattern that
    matches nothing (a renamed directory, a typo such as `**/*.pyy`) means the doc is
    never included and its guidance is silently lost.

    ## Example
    ```markdown
    ---
    inclusion: fileMatch
    fileMatchPattern: "app/sessions/**/*.py"
    ---
    ```

    ## Use instead
    ```markdown
    ---
    inclusion: fileMatch
    fileMatchPattern: "app/session_store/**/*.py"
    ---
    ```

    ## Fix safety
    Not fixable automatically.
    """

    code = "SS305"
    name = "pattern-matches-nothing"
    summary = "fileMatchPattern matches no file in the repository"
    severity = Severity.WARNING
    VALID = (
        "---\ninclusion: fileMatch\nfileMatchPattern: '**/*.md'\n---\n",
        "---\ninclusion: fileMatch\nfileMatchPattern: '.kiro/**/*.{md,txt}'\n---\n",
        "---\ninclusion: fileMatch\nfileMatchPattern: ['*.md']\n---\n",
        "---\ninclusion: always\nfileMatchPattern: 'nothing/*.py'\n---\n",
        "---\ninclusion: fileMatch\nfileMatchPattern: 3\n---\n",
    )
    INVALID = (
        Invalid("---\ninclusion: fileMatch\nfileMatchPattern: 'src/**/*.py'\n---\n"),
        Invalid("---\ninclusion: fileMatch\nfileMatchPattern: '**/*.{ts,tsx}, *.md'\n---\n"),
        Invalid("---\ninclusion: fileMatch\nfileMatchPattern:\n  - a/*.py\n  - b/*.py\n---\n", 2),
    )

    def check_doc(self, doc: SteeringDoc, project: Project) -> Iterable[Finding]:
        fm = doc.front_matter
        if fm is None or doc.meta.get("inclusion") != "fileMatch":
            return
        patterns = globs.split_patterns(doc.meta.get("fileMatchPattern"))
        if not patterns:
            return  # a missing or mistyped pattern is SS301's
        files = globs.repo_files(project)
        line = fm.key_lines.get("fileMatchPattern", fm.line)
        for pattern in patterns:
            if not any(globs.matches(pattern, path) for path in files):
                message = (
                    f"fileMatchPattern `{pattern}` matches no file in the repository: "
                    "Kiro will never include this doc"
                )
                yield self.finding(doc.path, Location.point(line), message)
