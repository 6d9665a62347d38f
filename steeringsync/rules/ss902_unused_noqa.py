"""SS902: a noqa comment that names an unknown code, is malformed, or suppresses nothing."""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from steeringsync.python.noqa import Directive, directives
from steeringsync.python.source import UndecodableSource, decode
from steeringsync.rules.base import (
    CODE_RE,
    FactCollector,
    Invalid,
    ProjectRule,
    Rule,
    example_files,
)
from steeringsync.steering.suppress import doc_directives
from steeringsync.types import Applicability, Finding, Location, Severity

if TYPE_CHECKING:
    from steeringsync.project import Project
    from steeringsync.python.source import PythonSource

COLLECTOR = "noqa"
OUR_PREFIX = "SS"  # codes of other tools (E501, B018) on a Python line are theirs to judge


class NoqaCollector(FactCollector):
    """The noqa comments of each Python file: ``[line, start, end, codes|None, malformed]``."""

    name = COLLECTOR

    @property
    def triggers(self) -> tuple[bytes, ...]:
        return (b"noqa", b"NOQA", b"Noqa", b"NoQA")

    def relevant(self, data: bytes) -> bool:
        """Only a file with a directive this rule judges is parsed: most files' noqa
        comments are other tools' (E501, bare), and parsing them for nothing was half of
        a cold run (650 of 1,130 parsed files on the benchmark). Asked of the text the
        parser would read, so no directive is lost to the file's encoding."""
        if not super().relevant(data):
            return False
        try:
            text, _ = decode(data)
        except UndecodableSource:
            return True  # not parsed either: reported (SS900) as any file with a trigger
        return _may_report(text)

    def collect(self, source: PythonSource) -> list[Any]:
        """Comments only: a ``# noqa`` inside a string or docstring is text, not a directive."""
        found: list[Any] = []
        if not _may_report(source.text):
            return found  # no tokenising: most files' noqa comments are other tools'
        for number, column, comment in _comments(source.text):
            for d in directives(comment):
                codes = None if d.codes is None else list(d.codes)
                found.append([number, column + d.start, column + d.end, codes, d.malformed])
        return found


_NOQA = re.compile("noqa", re.IGNORECASE)  # `"noqa" in line.lower()`, as directives() asks


def _may_report(text: str) -> bool:
    """Whether any line holds a directive this rule judges (malformed, or naming an SS
    code), so that the costly tokenising is skipped for the rest (most files' noqa are
    E501 or bare). A comment token is a suffix of its line as the tokenizer reads it (to
    the next \\n; a comment-only line keeps a lone \\r) or of the piece up to the next
    \\r or \\n: the directives of a suffix are those of the whole, so asking both never
    misses one. Only the lines spelling noqa are looked at (a line without it has no
    directive): linear in the file, however many lines it has."""
    for line in _noqa_lines(text):
        for d in directives(line):
            if d.malformed is not None or any(c.startswith(OUR_PREFIX) for c in d.codes or ()):
                return True
    return False


def _noqa_lines(text: str) -> Iterator[str]:
    """Each line (split at \\n) and each piece (split at \\r or \\n) spelling noqa, once."""
    seen: set[tuple[int, int]] = set()
    for at in _noqa_at(text):
        line = (text.rfind("\n", 0, at) + 1, _end(text, at, "\n"))
        start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
        piece = (start, min(_end(text, at, "\n"), _end(text, at, "\r")))
        for span in (line, piece):
            if span not in seen:
                seen.add(span)
                yield text[span[0] : span[1]]


def _noqa_at(text: str) -> Iterator[int]:
    """Where noqa is spelt, in any case: ASCII text lowers in place, four times faster
    than a case-blind regex."""
    if not text.isascii():
        yield from (match.start() for match in _NOQA.finditer(text))
        return
    lower = text.lower()
    at = lower.find("noqa")
    while at != -1:
        yield at
        at = lower.find("noqa", at + 4)


def _end(text: str, at: int, newline: str) -> int:
    end = text.find(newline, at)
    return len(text) if end == -1 else end


def _comments(text: str) -> Iterator[tuple[int, int, str]]:
    """(line, 0-based column, text) of each comment saying noqa (the file parsed already)."""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT and "noqa" in tok.string.lower():
                yield tok.start[0], tok.start[1], tok.string
    except (tokenize.TokenError, SyntaxError):
        return


@dataclass(frozen=True)
class Placed:
    """A directive where it was found; ``ours``: only steeringsync reads it."""

    path: Path
    line: int
    directive: Directive
    ours: bool


class UnusedNoqa(ProjectRule):
    """
    ## What it does
    Reports a suppression comment (`# noqa: …` in Python, `<!-- noqa: … -->` or `# noqa: …`
    in a steering doc) that names a steeringsync code no rule has, that is malformed
    (`# noqa: whatever` names no code at all), or that suppresses nothing on its line,
    like ruff's RUF100. Codes of other tools (`E501`, `B018`) and bare `# noqa` in Python
    are left to those tools; a code whose rule is not enabled in this run is not judged.

    ## Why is this bad?
    A misspelt code suppresses nothing, so the finding it was meant for stays, or worse,
    the comment looks as if it silenced something it does not. A `noqa` left behind after
    the problem was fixed hides the next, unrelated finding on that line.

    ## Example
    ```python
    result = compute()  # noqa: SS01
    ```

    ## Use instead
    ```python
    result = compute()
    ```

    ## Fix safety
    Safe: `--fix` removes the unused codes, or the whole comment when none is left.
    """

    code = "SS902"
    name = "unused-noqa"
    summary = "noqa comment with an unknown code, malformed, or suppressing nothing"
    severity = Severity.WARNING
    fix_applicability = Applicability.SAFE
    hint = "`steeringsync check --fix` removes them"
    # codes that exist although no rule object stands for them in every run
    VALID: ClassVar[Sequence[str]] = (
        "==> app.py <==\nx = 1  # noqa: E501\n",
        "==> app.py <==\nx = 1  # noqa\n",
        "==> .kiro/steering/a.md <==\n# A\n\n```python\nx = 1  # noqa: E501\n```\n",
    )
    INVALID: ClassVar[Sequence[Invalid]] = (
        Invalid("==> app.py <==\nx = 1  # noqa: SS999\n"),
        Invalid("==> app.py <==\nx = 1  # noqa: whatever\n"),
        Invalid("==> app.py <==\nx = 1  # noqa: SS001, E501\n"),
        Invalid("==> .kiro/steering/a.md <==\n# A\n\nText. <!-- noqa: SS302 -->\n"),
        Invalid("==> .kiro/steering/a.md <==\n# A\n\nText. <!-- noqa: bogus -->\n"),
    )

    def __init__(self) -> None:
        # (path, line, start column) -> the codes the fix drops from that directive
        self.removals: dict[tuple[str, int, int], set[str]] = {}

    def collectors(self) -> Sequence[FactCollector]:
        return (NoqaCollector(),)

    def check_project(
        self, project: Project, facts: dict[str, list[tuple[Path, Any]]]
    ) -> Iterable[Finding]:
        return ()  # judged by check_directives, once every other finding is known

    def check_directives(
        self,
        project: Project,
        facts: dict[str, list[tuple[Path, Any]]],
        findings: Iterable[Finding],
        known: Collection[str],
        enabled: Collection[str],
    ) -> Iterator[Finding]:
        """Findings for the directives in ``facts`` and the docs, given every finding of
        the run (suppressed ones mark what a directive is used for)."""
        used: dict[tuple[str, int], set[str]] = {}
        for finding in findings:
            if finding.suppressed:
                key = (str(finding.path), finding.location.line)
                used.setdefault(key, set()).add(finding.code)
        every_rule = set(known) <= set(enabled)
        for placed in _placed(project, facts):
            yield from self._judge(placed, used, known, enabled, every_rule)

    def _judge(
        self,
        placed: Placed,
        used: dict[tuple[str, int], set[str]],
        known: Collection[str],
        enabled: Collection[str],
        every_rule: bool,
    ) -> Iterator[Finding]:
        d = placed.directive
        here = used.get((str(placed.path), placed.line), set())
        location = Location(placed.line, d.start + 1, placed.line, d.end + 1)
        if d.malformed is not None:
            text = (d.malformed.split() or ["nothing"])[0][:40]
            yield self.finding(
                placed.path,
                location,
                f"malformed noqa: `{text}` is no rule code, so it suppresses nothing",
            )
            return
        if d.codes is None:
            if placed.ours and every_rule and not here:
                yield self.finding(placed.path, location, "unused noqa: nothing to suppress")
            return
        unknown = [
            c for c in d.codes if c not in known and (placed.ours or c.startswith(OUR_PREFIX))
        ]
        unused = [c for c in d.codes if c in known and c in enabled and c not in here]
        parts = []
        if unknown:
            parts.append(f"unknown code{'s' * (len(unknown) > 1)} {', '.join(unknown)}")
        if unused:
            parts.append(f"unused code{'s' * (len(unused) > 1)} {', '.join(unused)}")
        if parts:
            self.removals[(str(placed.path), placed.line, d.start)] = {*unknown, *unused}
            yield self.finding(placed.path, location, f"noqa with {'; '.join(parts)}")

    def check_example(self, text: str) -> list[Finding]:
        """The example's directives judged with no other finding and every rule enabled."""
        import tempfile

        from steeringsync.config import Config
        from steeringsync.project import Project
        from steeringsync.python.source import PythonSource

        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp).resolve()
            (root / ".git").mkdir()
            facts: dict[str, list[tuple[Path, Any]]] = {}
            for rel, content in example_files(text).items():
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_text(content, encoding="utf-8")
                if rel.endswith(".py"):
                    source = PythonSource(root / rel, content.encode(), content)
                    items = NoqaCollector().collect(source)
                    facts.setdefault(COLLECTOR, []).extend((root / rel, i) for i in items)
            codes = registered_codes()
            project = Project(root, Config())
            return list(self.check_directives(project, facts, [], codes, codes))


def _placed(project: Project, facts: dict[str, list[tuple[Path, Any]]]) -> Iterator[Placed]:
    for path, (line, start, end, codes, malformed) in facts.get(COLLECTOR, []):
        codes = None if codes is None else tuple(codes)
        yield Placed(path, line, Directive(start, end, codes, malformed), ours=False)
    for doc in project.docs:
        if "noqa" not in doc.text.lower():
            continue
        for number, line in enumerate(doc.text.split("\n"), start=1):
            for found in doc_directives(line):
                yield Placed(doc.path, number, found.directive, ours=found.html)


def registered_codes() -> list[str]:
    """The built-in rules' codes, from the loaded Rule classes: importing the registry
    (``steeringsync.rules``, which imports this module) would close an import cycle.
    Doc-declared rules, made at run time, are not built-in."""
    found: set[str] = set()
    stack: list[type[Rule]] = [Rule]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        code = cls.__dict__.get("code")
        declared = cls.__module__.endswith("ss1xx_declared_deprecation")
        if isinstance(code, str) and CODE_RE.match(code) and not declared:
            found.add(code)
    return sorted(found)
