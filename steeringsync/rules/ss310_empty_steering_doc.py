"""SS310: a steering doc with nothing in it for the agent (empty, blank, or front matter only)."""

from __future__ import annotations

from collections.abc import Iterable

from steeringsync.project import Project
from steeringsync.rules.base import DocRule, Invalid
from steeringsync.steering.document import SteeringDoc
from steeringsync.types import Finding, Location, Severity


def body(doc: SteeringDoc) -> str:
    """The doc's text after its front matter (all of it when there is none)."""
    fm = doc.front_matter
    if fm is None:
        return doc.text
    return "\n".join(doc.text.split("\n")[fm.end_line :])


class EmptySteeringDoc(DocRule):
    """
    ## What it does
    Reports a steering doc that gives the agent nothing: an empty file, a file of blank
    lines, or front matter with no text after it. A doc that is not valid UTF-8 is
    SS300's.

    ## Why is this bad?
    An empty doc steers nothing, and it can cost the others: on Kiro CLI 1.27.0 one
    empty file in `~/.kiro/steering/` stopped every context file from loading, while
    `/context show` still listed them all (kirodotdev/Kiro issues 6165 and 6166,
    https://github.com/kirodotdev/Kiro/issues/6166). The report was closed in a backlog
    review without a fix or a reproduction on later versions, so this is a warning: a
    placeholder left by a generator or a half-finished doc is worth filling or deleting
    either way.

    ## Example
    ```markdown
    ---
    inclusion: always
    ---
    ```

    ## Use instead
    ```markdown
    ---
    inclusion: always
    ---
    # API conventions

    Handlers return `Result` objects; never raise from a route.
    ```

    ## Fix safety
    Not fixable: only you know whether the doc should be written or deleted.
    """

    code = "SS310"
    name = "empty-steering-doc"
    summary = "Steering doc is empty (or front matter only)"
    severity = Severity.WARNING
    VALID = (
        "# Guide\n",
        "---\ninclusion: manual\n---\nUse the pooled client.\n",
        "---\n# not closed, so all of this is text\n",
        "# Caf\udce9\n",
    )
    INVALID = (
        Invalid(""),
        Invalid(" \n\n\t\n"),
        Invalid("---\ninclusion: always\n---\n"),
        Invalid("\ufeff---\r\ninclusion: fileMatch\r\nfileMatchPattern: '*.md'\r\n---\r\n\r\n"),
    )

    def check_doc(self, doc: SteeringDoc, project: Project) -> Iterable[Finding]:
        if doc.decode_error is not None or body(doc).strip():
            return
        if doc.front_matter is None:
            message = "steering doc is empty: write its guidance or delete it"
        else:
            message = "steering doc has front matter but no text: write its guidance or delete it"
        yield self.finding(doc.path, Location.point(1), message)
