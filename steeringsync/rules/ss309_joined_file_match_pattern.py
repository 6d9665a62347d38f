"""SS309: a `fileMatchPattern` of several globs joined with commas or `|`, which Kiro reads as
one glob that matches nothing."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence

from steeringsync.project import Project
from steeringsync.rules.base import DocFixError, DocRule, Invalid
from steeringsync.steering import frontmatter_edit
from steeringsync.steering.document import SteeringDoc
from steeringsync.steering.globs import kiro_globs, separators, split_joined
from steeringsync.types import Applicability, Finding, Location, Severity


class JoinedFileMatchPattern(DocRule):
    """
    ## What it does
    Reports a `fileMatchPattern` glob that joins several globs with a comma or a `|` at
    its top level (`"src/**/*.ts,tests/**/*.ts"`, `'*kafka*|*flink*'`), as a string or
    as an element of a list. Commas inside braces
    (`**/*.{ts,tsx}`) and `|` inside an extglob (`+(a|b)`) are glob syntax and are fine.
    Under `inclusion: fileMatch` it is an error; under another mode Kiro ignores the
    pattern (SS301 says so) and the finding is a warning, since the doc breaks the day
    it becomes `fileMatch`.

    ## Why is this bad?
    Kiro's steering loader hands each `fileMatchPattern` string to minimatch as one glob;
    it does not split it. To minimatch, a top-level `,` or `|` is a literal character, so
    the glob matches no file, the doc is never included, and nothing warns. Measured on
    kiro-cli 2.20.0 (`@kiro/agent` 0.53.3), whose loader the IDE embeds too, and
    marked as a bug by a Kiro maintainer: kirodotdev/Kiro issue 11095
    (https://github.com/kirodotdev/Kiro/issues/11095). Kiro's documented way to give
    several patterns is a YAML list: kiro.dev/docs/steering, "Conditional inclusion",
    `fileMatchPattern: ["**/*.ts", "**/*.tsx"]`.

    ## Example
    ```markdown
    ---
    inclusion: fileMatch
    fileMatchPattern: "src/**/*.ts, tests/**/*.ts"
    ---
    ```

    ## Use instead
    ```markdown
    ---
    inclusion: fileMatch
    fileMatchPattern: ["src/**/*.ts", "tests/**/*.ts"]
    ---
    ```

    ## Fix safety
    Safe: `--fix` rewrites the value as a YAML flow list of the same globs (blanks around
    separators and empty parts from a trailing comma dropped) in the same quote style
    (double quotes for an unquoted value), and an element of a list into several
    elements. Every other byte of the doc is kept: key order, comments, line endings and
    a BOM. The new front matter is read back with a YAML parser and must give the same
    keys and the same globs, or nothing is written. A value written over several lines
    is reported but not rewritten.
    """

    code = "SS309"
    name = "joined-file-match-pattern"
    summary = "fileMatchPattern joins globs with `,` or `|`: Kiro reads one glob, matching nothing"
    fix_applicability = Applicability.SAFE
    VALID = (
        "---\ninclusion: fileMatch\nfileMatchPattern: '**/*.{ts,tsx}'\n---\n",
        '---\ninclusion: fileMatch\nfileMatchPattern: ["**/*.ts", "**/*.tsx"]\n---\n',
        "---\ninclusion: fileMatch\nfileMatchPattern: 'src/**/+(a|b).py'\n---\n",
        "---\ninclusion: always\n---\n# joined patterns elsewhere: 'a,b'\n",
    )
    INVALID = (
        Invalid("---\ninclusion: manual\nfileMatchPattern: 'a/*.py,b/*.py'\n---\n"),  # latent
        Invalid(
            '---\ninclusion: fileMatch\nfileMatchPattern: "src/**/*.ts,tests/**/*.ts"\n---\n',
            fixed='---\ninclusion: fileMatch\nfileMatchPattern: ["src/**/*.ts", "tests/**/*.ts"]'
            "\n---\n",
        ),
        Invalid(
            "---\ninclusion: fileMatch\nfileMatchPattern: '*kafka*|*flink*'\n---\n",
            fixed="---\ninclusion: fileMatch\nfileMatchPattern: ['*kafka*', '*flink*']\n---\n",
        ),
        Invalid(
            "---\ninclusion: fileMatch\nfileMatchPattern:\n  - 'a/*.py, b/*.py'\n  - c/*.py\n---\n",
            fixed="---\ninclusion: fileMatch\nfileMatchPattern:\n  - 'a/*.py'\n  - 'b/*.py'\n"
            "  - c/*.py\n---\n",
        ),
    )

    def check_doc(self, doc: SteeringDoc, project: Project) -> Iterable[Finding]:
        fm = doc.front_matter
        globs = kiro_globs(doc.meta.get("fileMatchPattern"))
        if fm is None or not any(separators(g) for g in globs):
            return  # decided from the parsed (or cached) values: YAML is composed only to report
        inclusion = doc.meta.get("inclusion", "always")
        sites = frontmatter_edit.pattern_sites(fm.raw)
        # the doc still loads through a list's other globs (SS305 judges whether they match)
        only_joined = all(site.joined for site in sites)
        for site in (site for site in sites if site.joined):
            parts = json.dumps(split_joined(site.value), ensure_ascii=False)
            glue = "`|`" if "|" in site.value else "commas"
            joined = f"fileMatchPattern `{site.value}` joins globs with {glue}"
            location = Location.point(fm.line + 1 + site.line, site.column + 1)
            if inclusion == "fileMatch":
                if only_joined:
                    effect = "which matches no file, so this doc is never included"
                else:
                    effect = "which matches no file (only the list's other items can load the doc)"
                message = (
                    f"{joined}: Kiro reads it as one glob, {effect}; write a YAML list: {parts}"
                )
                yield self.finding(doc.path, location, message)
                continue
            # ignored under this mode (SS301), but it breaks the doc the day it is fileMatch
            message = (
                f"{joined}: Kiro would read it as one glob matching no file once the doc is "
                f"`inclusion: fileMatch`; write a YAML list: {parts}"
            )
            finding = self.finding(doc.path, location, message)
            yield dataclasses.replace(finding, severity=Severity.WARNING)

    def fix_doc(self, doc: SteeringDoc, data: bytes, findings: Sequence[Finding]) -> bytes:
        fm = doc.front_matter
        if fm is None or not findings:
            return data
        try:
            return frontmatter_edit.unjoin_doc(data, fm.line, fm.end_line)
        except frontmatter_edit.EditError as exc:
            raise DocFixError(str(exc)) from None
