"""SS302: a file reference or relative link in a steering doc that points nowhere."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

from steeringsync.project import Project
from steeringsync.rules.base import DocRule, Invalid
from steeringsync.sandbox import within
from steeringsync.steering import document
from steeringsync.steering.document import Reference, SteeringDoc, slugify
from steeringsync.types import Finding, Location

_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
_HTML_ANCHOR_RE = re.compile(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""")
_MARKDOWN_SUFFIXES = (".md", ".markdown")


class BrokenReference(DocRule):
    """
    ## What it does
    Checks every reference a steering doc makes to the repository:

    - `#[[file:path]]` references, resolved from the repository root as Kiro does;
    - relative Markdown links and images (`[schema](../../db/schema.sql)`), resolved
      from the doc's own directory (a leading `/` means the repository root);
    - heading anchors: `#anchor` against the doc's own headings and `other.md#anchor`
      against the other doc's, using GitHub's slugs (`## Session Store` is
      `#session-store`; a repeated heading gets `-1`, `-2`; `id=`/`name=` HTML anchors
      count too).

    Links with a scheme (`https:`, `mailto:`, `vscode:`) and references inside code
    blocks are not checked.

    ## Why is this bad?
    Kiro inlines `#[[file:…]]` targets into the agent's context; a missing file means the
    agent works without the schema or spec the doc promised. A dead link sends a new team
    member nowhere. Both usually mean the file moved and the doc did not follow.

    ## Example
    ```markdown
    The session API is in #[[file:app/sessions/legacy.py]].
    ```

    ## Use instead
    ```markdown
    The session API is in #[[file:app/sessions/store.py]].
    ```

    ## Fix safety
    Not fixable automatically: only you know where the file went.
    """

    code = "SS302"
    name = "broken-reference"
    summary = "File reference or relative link points to a missing file or heading"
    VALID = (
        "# Guide\n\nSee [the guide](#guide) and [docs](https://kiro.dev/docs).\n",
        "# A\n## A\nSee [second](#a-1) and <mailto:x@example.com>.\n",
        "Mail [us](mailto:team@example.com). Link in code: `[x](missing.md)`\n",
        "```markdown\n#[[file:missing.py]]\n```\n",
        "See [this doc](example.md) and [its top](./example.md#top).\n\n# Top\n",
    )
    INVALID = (
        Invalid("Schema: #[[file:db/schema.sql]]\n"),
        Invalid("See [the spec](../specs/missing.md).\n"),
        Invalid("# Guide\n\nJump to [setup](#setup).\n"),
        Invalid("See [top](example.md#no-such-heading).\n\n# Top\n"),
        Invalid("| File | Why |\n|---|---|\n| [a](gone.py) | x |\n"),
        Invalid("#[[file:]]\n"),
    )

    def check_doc(self, doc: SteeringDoc, project: Project) -> Iterable[Finding]:
        anchors = _Anchors(doc, project)
        for ref in doc.references:
            problem = self._problem(ref, doc, project, anchors)
            if problem is not None:
                yield self.finding(doc.path, Location.point(ref.line, ref.column), problem)

    def _problem(
        self, ref: Reference, doc: SteeringDoc, project: Project, anchors: _Anchors
    ) -> str | None:
        target = ref.target.strip()
        if ref.kind == "file":
            if not target:
                return "empty `#[[file:]]` reference"
            if not within(project.root, project.root / target.lstrip("/")):
                return f"`#[[file:{target}]]` points outside the repository"
            if not _exists(project.root / target.lstrip("/")):
                return f"`#[[file:{target}]]` does not exist (resolved from the repository root)"
            return None
        if not target or _SCHEME_RE.match(target) or target.startswith("//"):
            return None
        path_part, _, fragment = target.partition("#")
        path_part = unquote(path_part.split("?", 1)[0])
        fragment = unquote(fragment)
        if not path_part:
            return _missing_anchor(fragment, anchors.of(doc.path), "this doc")
        base = project.root if path_part.startswith("/") else doc.path.parent
        resolved = base / path_part.lstrip("/")
        if not within(project.root, resolved):
            return None  # outside the repository: not ours to read, nor to probe
        if not _exists(resolved):
            return f"link target `{path_part}` does not exist"
        if fragment and resolved.suffix.lower() in _MARKDOWN_SUFFIXES and resolved.is_file():
            return _missing_anchor(fragment, anchors.of(resolved), f"`{path_part}`")
        return None


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # names too long or with NUL bytes cannot exist
        return False


class _Anchors:
    """Anchor sets of the docs one doc links to, each computed once (long docs link a lot)."""

    def __init__(self, doc: SteeringDoc, project: Project) -> None:
        self.doc = doc
        self.project = project
        self.cache: dict[Path, set[str]] = {}

    def of(self, path: Path) -> set[str]:
        known = self.cache.get(path)  # a long doc links to the same few docs many times
        if known is not None:
            return known
        key = path.resolve()
        if key not in self.cache:
            target = self._load(key)
            anchors = {a.lower() for a in target.anchors}
            anchors.update(m.group(1).lower() for m in _HTML_ANCHOR_RE.finditer(target.text))
            self.cache[key] = anchors
        self.cache[path] = self.cache[key]
        return self.cache[key]

    def _load(self, path: Path) -> SteeringDoc:
        for known in (self.doc, *self.project.docs):
            if known.path.resolve() == path:
                return known
        try:
            return document.load(path)
        except OSError:
            return document.parse_text(path, "")


def _missing_anchor(fragment: str, anchors: set[str], where: str) -> str | None:
    if not fragment:
        return None
    # emoji variation selectors and the like: writers copy them into fragments, slugs drop them
    if fragment.lower() in anchors or slugify(fragment) in anchors:
        return None
    return f"no heading `#{fragment}` in {where}"
