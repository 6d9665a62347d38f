"""SS301: front matter Kiro cannot read, or reads differently from what the author meant."""

from __future__ import annotations

from collections.abc import Iterable

from steeringsync.project import Project
from steeringsync.rules.base import DocRule, Invalid
from steeringsync.steering import declarations, frontmatter
from steeringsync.steering.document import SteeringDoc
from steeringsync.types import Finding, Location


class InvalidFrontMatter(DocRule):
    """
    ## What it does
    Checks a steering doc's YAML front matter the way Kiro reads it:

    - the YAML must parse (the finding points at the line of the syntax error), and the
      block must be closed by a `---` line; front matter over 64 KiB, or whose aliases
      would expand to more than 10,000 values (an "alias bomb"), is refused unread;
    - `inclusion` must be one of `always`, `fileMatch`, `manual`, `auto` (no front matter,
      or no `inclusion`, means `always`);
    - `inclusion: fileMatch` needs a `fileMatchPattern`: a glob string, a YAML list of
      globs, a comma-separated string or a brace pattern such as `**/*.{ts,tsx}`; a
      `fileMatchPattern` under another mode is ignored by Kiro and reported;
    - `inclusion: auto` needs a `name` and a `description`; both must be strings;
    - a misspelt key (`include:` for `inclusion:`, `pattern:` for `fileMatchPattern:`)
      is reported with the key it most likely meant; unrelated keys are allowed;
    - steeringsync's own `deprecations:` list must hold `{pattern, replacement, message}`
      entries, `pattern` being a dotted `receiver.method`.

    ## Why is this bad?
    Kiro silently falls back when it cannot read the front matter: a doc meant for
    Python files only is loaded into every conversation, or never loaded at all.

    ## Example
    ```markdown
    ---
    include: fileMatch
    pattern: "**/*.py"
    ---
    ```

    ## Use instead
    ```markdown
    ---
    inclusion: fileMatch
    fileMatchPattern: "**/*.py"
    ---
    ```

    ## Fix safety
    Not fixable automatically.
    """

    code = "SS301"
    name = "invalid-front-matter"
    summary = "Steering doc front matter is invalid for Kiro"
    VALID = (
        "# No front matter means always\n",
        "---\ninclusion: always\n---\n# Guide\n",
        "---\ninclusion: fileMatch\nfileMatchPattern: '**/*.{ts,tsx}'\n---\n",
        "---\ninclusion: fileMatch\nfileMatchPattern:\n  - 'src/**/*.py'\n  - 'tests/*.py'\n---\n",
        "---\ninclusion: fileMatch\nfileMatchPattern: 'src/**/*.py, tests/**/*.py'\n---\n",
        "---\ninclusion: auto\nname: api-style\ndescription: REST API conventions\n---\n",
        "---\ninclusion: manual\ntitle_hint: x\nowner: platform-team\n---\n",
        "---\n---\n# empty front matter\n",
        "---\ndeprecations:\n  - pattern: legacy_cache.get_client\n"
        "    replacement: cache_manager.client\n---\n",
    )
    INVALID = (
        Invalid("---\ninclusion: [always\n---\n"),
        Invalid("---\ninclusion: sometimes\n---\n"),
        Invalid("---\ninclusion: FileMatch\nfileMatchPattern: '*.py'\n---\n"),
        Invalid("---\ninclusion: fileMatch\n---\n"),
        Invalid("---\ninclusion: auto\nname: x\n---\n"),
        Invalid("---\ninclude: fileMatch\npattern: '**/*.py'\n---\n", count=2),
        Invalid("---\ninclusion: fileMatch\nfileMatchPattern: 3\n---\n"),
        Invalid("---\ninclusion: always\nfileMatchPattern: '*.py'\n---\n"),
        Invalid("---\n- a\n- b\n---\n"),
        Invalid("---\ninclusion: always\n# never closed\n"),
        Invalid("---\ndeprecations:\n  - pattern: not-dotted\n---\n"),
    )

    def check_doc(self, doc: SteeringDoc, project: Project) -> Iterable[Finding]:
        problems = [*frontmatter.validate(doc), *declarations.front_matter_problems(doc)]
        for problem in problems:
            yield self.finding(doc.path, Location.point(problem.line), problem.message)
