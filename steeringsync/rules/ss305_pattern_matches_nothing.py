"""SS305: a fileMatch steering doc whose pattern matches no file in the repository."""

from __future__ import annotations

from collections.abc import Iterable

from steeringsync.project import Project
from steeringsync.rules.base import DocRule, Invalid
from steeringsync.sandbox import read_text, within
from steeringsync.steering import frontmatter_edit, globs
from steeringsync.steering.document import SteeringDoc
from steeringsync.types import Finding, Location, Severity


class PatternMatchesNothing(DocRule):
    """
    ## What it does
    For a doc with `inclusion: fileMatch`, checks each glob of its `fileMatchPattern`
    against the files in the repository, reading the value as Kiro's loader does: a
    string is one glob, a YAML list is several, and a brace pattern (`**/*.{ts,tsx}`) is
    one glob with alternatives. `**` spans directories, `*` and `?` do not, and a glob
    without a `/` also matches by file name in any directory. Files ignored by
    `.gitignore`, and directories such as `.git`, `.venv` and `node_modules`, do not count.

    - When no glob matches, each is reported with "Kiro will never include this doc".
    - When some glob of a list matches, the doc loads: a glob that matches nothing is
      reported only when it names a directory the repository does not have (`lib/**`,
      `app/api/*.py`: renamed or removed), as a dead alternative. A file-name or
      extension glob with nothing to match yet (`*.bash`, `**/*.spec.ts`) is a choice
      the author made, and a directory the root `.gitignore` names (`css/style.css`, a
      build output) exists in the author's workspace: neither is reported.
    - A string joined with commas or `|` is one glob to Kiro that matches nothing; SS309
      reports and fixes it, so it is not reported here as well.

    ## Why is this bad?
    Kiro includes a fileMatch doc only while a matching file is open: a pattern that
    matches nothing (a renamed directory, a typo such as `**/*.pyy`) means the doc is
    never included and its guidance is silently lost. A dead alternative in a list does
    not stop the doc from loading, but it says the doc covers files it no longer does.

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
        "---\ninclusion: fileMatch\nfileMatchPattern: 'src/*.py,*.md'\n---\n",  # SS309's
        "---\ninclusion: fileMatch\n"
        "fileMatchPattern: ['*.md', '**/*.spec.ts', '.kiro/**/*.txt']\n---\n",
    )
    INVALID = (
        Invalid("---\ninclusion: fileMatch\nfileMatchPattern: 'src/**/*.py'\n---\n"),
        Invalid(
            "---\ninclusion: fileMatch\nfileMatchPattern: ['**/*.{ts,tsx}', '*.xyz']\n---\n", 2
        ),
        Invalid("---\ninclusion: fileMatch\nfileMatchPattern: ['old_docs/**', '*.md']\n---\n"),
        Invalid("---\ninclusion: fileMatch\nfileMatchPattern:\n  - a/*.py\n  - b/*.py\n---\n", 2),
    )

    def check_doc(self, doc: SteeringDoc, project: Project) -> Iterable[Finding]:
        fm = doc.front_matter
        if fm is None or doc.meta.get("inclusion") != "fileMatch":
            return
        # a joined glob is one glob to Kiro that matches nothing: SS309 reports (and fixes) it
        patterns = [
            g for g in globs.kiro_globs(doc.meta.get("fileMatchPattern")) if not globs.separators(g)
        ]
        if not patterns:
            return  # a missing or mistyped pattern is SS301's, a joined one SS309's
        files = globs.repo_files(project)
        dead = [p for p in patterns if not any(globs.matches(p, path) for path in files)]
        live = [p for p in patterns if p not in dead]
        if live:
            # a dead alternative matters when it names a directory the repository lacks (a
            # rename); a kind of file not there yet (`*.bash`, `**/*.spec.ts`) is a choice,
            # and a directory .gitignore names (`css/style.css`) is one a build creates
            built = _gitignored_prefixes(project)
            dead = [
                p
                for p in dead
                if (d := _missing_directory(p, files)) and not any(_under(d, b) for b in built)
            ]
        if not dead:
            return
        key_line = fm.key_lines.get("fileMatchPattern", fm.line)
        lines = {
            s.value.strip(): fm.line + 1 + s.line for s in frontmatter_edit.pattern_sites(fm.raw)
        }
        for pattern in dead:
            if live:
                message = (
                    f"fileMatchPattern `{pattern}` matches no file: the repository has no "
                    f"`{_missing_directory(pattern, files)}/` directory; the doc still loads "
                    f"through `{live[0]}`: fix or remove this dead alternative"
                )
            elif len(patterns) > 1:
                message = (
                    f"fileMatchPattern `{pattern}` matches no file in the repository, nor does "
                    "any other glob of the list: Kiro will never include this doc"
                )
            else:
                message = (
                    f"fileMatchPattern `{pattern}` matches no file in the repository: "
                    "Kiro will never include this doc"
                )
            location = Location.point(lines.get(pattern, key_line))
            yield self.finding(doc.path, location, message)


def _missing_directory(pattern: str, files: list[str]) -> str | None:
    """The directory ``pattern`` names when no repository file is under it."""
    directory = globs.literal_directory(pattern)
    if directory is None:
        return None
    prefix = directory + "/"
    return None if any(path.startswith(prefix) for path in files) else directory


def _gitignored_prefixes(project: Project) -> list[str]:
    """The paths the root .gitignore names (anchoring and globs left as written)."""
    path = project.root / ".gitignore"
    try:
        if not path.is_file() or not within(project.root, path):
            return []
        text = read_text(path)  # a regular file, bounded
    except OSError:
        return []
    lines = (line.strip() for line in text.splitlines())
    return [line.strip("/") for line in lines if line and not line.startswith(("#", "!"))]


def _under(directory: str, ignored: str) -> bool:
    """Whether a .gitignore entry names ``directory`` or something inside it."""
    return ignored == directory or ignored.startswith(directory + "/")
