"""The rule contract: metadata and docs written once, examples that become tests.

A rule's docstring has fixed sections (What it does / Why is this bad? / Example /
Use instead / Fix safety); ``steeringsync rule CODE``, the README table and SARIF help
are all rendered from it.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from steeringsync.triggers import contains_trigger
from steeringsync.types import Applicability, Finding, Location, Severity

if TYPE_CHECKING:
    from steeringsync.project import Project
    from steeringsync.python.source import PythonSource
    from steeringsync.steering.document import SteeringDoc

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")
CODE_RE = re.compile(r"^SS\d{3}$")


@dataclass(frozen=True)
class Invalid:
    """An example the rule must flag ``count`` times; ``fixed`` is the expected fix output."""

    source: str
    count: int = 1
    fixed: str | None = None


class Rule:
    """Base of every rule. Subclasses set the class attributes and one check method."""

    code: ClassVar[str]
    name: ClassVar[str]  # kebab-case, e.g. "deprecated-db-session"
    summary: ClassVar[str]  # one line for `steeringsync rules`
    severity: ClassVar[Severity] = Severity.ERROR
    # how to deal with all of a rule's findings at once; printed once after them
    hint: ClassVar[str] = ""
    fix_applicability: ClassVar[Applicability] = Applicability.NONE
    # a rule still short of the precision bar on the development corpus (benchmarks/
    # precision): it runs only when selected by its exact code, as ruff's preview rules
    preview: ClassVar[bool] = False
    VALID: ClassVar[Sequence[str]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()

    # Where a rule came from when it was declared by a steering doc; None for built-ins.
    origin: Path | None = None

    @classmethod
    def from_project(cls, project: Project) -> Rule:
        """Build the rule for a project; rules with settings read them from its config."""
        return cls()

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or cls.summary)

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        """The docstring split at its ``## Section`` headings (missing sections are absent)."""
        sections: dict[str, str] = {}
        current: str | None = None
        buf: list[str] = []
        for line in cls.documentation().splitlines():
            heading = line.removeprefix("## ").strip() if line.startswith("## ") else None
            if heading in SECTIONS:
                if current is not None:
                    sections[current] = "\n".join(buf).strip()
                current, buf = heading, []
            elif current is not None:
                buf.append(line)
        if current is not None:
            sections[current] = "\n".join(buf).strip()
        return sections

    def check_example(self, text: str) -> list[Finding]:
        """Run the rule on one VALID/INVALID example (the test-suite calls this)."""
        raise NotImplementedError

    def finding(
        self,
        path: Path,
        location: Location,
        message: str,
        *,
        applicability: Applicability | None = None,
        hint: str = "",
    ) -> Finding:
        return Finding(
            hint=hint,
            code=self.code,
            message=message,
            path=path,
            location=location,
            severity=self.severity,
            applicability=self.fix_applicability if applicability is None else applicability,
        )


class Triggered:
    """What a file's bytes must contain for a rule or collector to find anything in it."""

    # True when matching whole names only: then a trigger counts only where no identifier
    # character follows it (`environ`, not `environment`), so fewer files are parsed
    whole_word_triggers: ClassVar[bool] = False

    @property
    def triggers(self) -> tuple[bytes, ...]:
        """Byte strings one of which a file must contain for this to possibly match."""
        raise NotImplementedError

    def relevant(self, data: bytes) -> bool:
        """Whether ``data`` may hold a match; never False for a file with one (exact).

        The engine's pre-filter has already found one of ``triggers`` in ``data``;
        override to demand more that every match needs, and parse fewer files. When
        this says no, the engine asks again with the file's identifiers as Python
        reads them, if they can differ from its bytes (``triggers.identifier_view``).
        """
        if self.whole_word_triggers:
            return contains_trigger(data, (), self.triggers)
        return contains_trigger(data, self.triggers, ())


class PythonRule(Triggered, Rule):
    """A rule over one Python file's stdlib ``ast``; runs only on files containing a trigger.

    A rule whose findings depend on the whole repository (SS001 learns how the project
    obtains the replacement) names the ``collectors`` it needs; after every file is
    checked, ``learned`` returns it informed by their facts, and the files it flagged are
    checked (and fixed) again with that rule.
    """

    def check_python(self, source: PythonSource) -> Iterable[Finding]:
        raise NotImplementedError

    def collectors(self) -> Sequence[FactCollector]:
        return ()

    def learned(self, project: Project, facts: Mapping[str, list[tuple[Path, Any]]]) -> PythonRule:
        """This rule with what ``facts`` teach it; itself when they change nothing."""
        return self

    def check_example(self, text: str) -> list[Finding]:
        from steeringsync.python.source import PythonSource

        source = PythonSource(Path("example.py"), text.encode(), text)
        return list(self.check_python(source))


class DocFixError(Exception):
    """A doc fix that cannot be made exactly; the doc is left as it was."""


class DocRule(Rule):
    """A rule over one parsed steering document."""

    def check_doc(self, doc: SteeringDoc, project: Project) -> Iterable[Finding]:
        raise NotImplementedError

    def fix_doc(self, doc: SteeringDoc, data: bytes, findings: Sequence[Finding]) -> bytes:
        """``data`` (the doc's bytes, ``doc`` parsed from them) with ``findings`` fixed.

        Rules whose ``fix_applicability`` is not NONE override this; raises DocFixError
        when the fix cannot be made exactly.
        """
        return data

    def check_example(self, text: str) -> list[Finding]:
        """Run the rule on the example as the only steering doc of an empty project."""
        import tempfile

        from steeringsync.config import Config
        from steeringsync.project import Project

        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp).resolve()
            (root / ".git").mkdir()
            doc_path = root / Config().steering_dir / "example.md"
            doc_path.parent.mkdir(parents=True)
            # surrogate escapes let an example hold raw bytes (e.g. "caf\udce9" for Latin-1)
            doc_path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
            project = Project(root, Config())
            return [f for doc in project.docs for f in self.check_doc(doc, project)]


class FactCollector(Triggered):
    """Collects JSON-safe facts from each Python file for project rules (cached per file)."""

    name: ClassVar[str]

    def collect(self, source: PythonSource) -> list[Any]:
        raise NotImplementedError

    def collect_unparsed(self, data: bytes) -> list[Any]:
        """What can still be told of a file that does not parse (newer syntax than this
        interpreter's, say); nothing by default."""
        return []


class ProjectRule(Rule):
    """A rule over the whole project: steering docs plus facts collected from every file."""

    def collectors(self) -> Sequence[FactCollector]:
        return ()

    def check_project(
        self, project: Project, facts: dict[str, list[tuple[Path, Any]]]
    ) -> Iterable[Finding]:
        raise NotImplementedError

    def check_example(self, text: str) -> list[Finding]:
        """Run the rule on a small project written from the example (see ``example_files``)."""
        import tempfile

        from steeringsync.config import Config
        from steeringsync.project import Project
        from steeringsync.python.source import PythonSource

        with tempfile.TemporaryDirectory() as tmp:
            root = write_example(Path(tmp).resolve(), text)
            project = Project(root, Config())
            facts: dict[str, list[tuple[Path, Any]]] = {}
            # each collector on each parsed file, as the engine runs it (the engine is
            # above the rules: an example is run without it)
            for path in sorted(root.rglob("*.py")):
                source = PythonSource.from_bytes(path, path.read_bytes())
                source.tree  # noqa: B018 - examples are valid Python
                for collector in self.collectors():
                    found = collector.collect(source)
                    if found:
                        facts.setdefault(collector.name, []).extend((path, f) for f in found)
            return list(self.check_project(project, facts))


EXAMPLE_FILE_RE = re.compile(r"^==> (?P<path>\S+) <==\n", re.MULTILINE)


def example_files(text: str) -> dict[str, str]:
    """Split a project-rule example into files at ``==> path <==`` lines."""
    parts = EXAMPLE_FILE_RE.split(text)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def write_example(root: Path, text: str) -> Path:
    """Write an example's files under ``root`` (a project root: it gets a ``.git``)."""
    (root / ".git").mkdir()
    for rel, content in example_files(text).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    return root


class EngineRule(Rule):
    """A rule the engine itself reports (unparsable or unreadable files); documented only."""
