"""SS308: a first-party Python module or name a steering doc uses that the code lacks."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from steeringsync.claims.prefilter import may_claim
from steeringsync.claims.rule import span
from steeringsync.project import Project
from steeringsync.rules.base import FactCollector, Invalid, ProjectRule, example_files
from steeringsync.steering.document import SteeringDoc
from steeringsync.types import Finding

if TYPE_CHECKING:  # the claim readers load only for docs that may hold a claim
    from steeringsync.claims.extract import DocClaims
    from steeringsync.claims.pynames import Modules
    from steeringsync.claims.repo import RepoIndex

_DOC = "==> .kiro/steering/structure.md <==\n"
# source files of other languages: a name spelled there is not a Python claim
_OTHER_SOURCES = (
    ".ts", ".tsx", ".js", ".jsx", ".mjs", ".vue", ".svelte", ".go", ".rs", ".java", ".kt",
    ".swift", ".rb", ".php", ".cs", ".dart", ".c", ".cc", ".cpp", ".h", ".hpp", ".scala", ".sql",
)  # fmt: skip
MAX_SCAN_BYTES = 512 * 1024
# product and library names docs write in backticks like code
WELL_KNOWN = frozenset(
    {
     "GitHub", "GitLab", "TypeScript", "JavaScript", "PostgreSQL", "MySQL", "MongoDB",
     "DynamoDB", "FastAPI", "OpenAI", "LangChain", "LangGraph", "LlamaIndex", "PyTorch",
     "TensorFlow", "NumPy", "SciPy", "WebSocket", "WebSockets", "GraphQL", "OAuth",
     "CloudFormation", "CloudWatch", "ElastiCache", "LocalStack", "VSCode", "YouTube",
     "LinkedIn", "PowerShell", "MacOS", "DevOps", "NextJS", "NodeJS", "PyPI", "PyCharm",
     "JetBrains", "DataFrame", "BaseModel", "BaseSettings", "FastMCP", "SQLite", "SQLModel",
     "MariaDB", "RabbitMQ", "OpenSearch", "ElasticSearch", "BigQuery", "CircleCI", "TravisCI",
     "DockerHub", "HuggingFace", "ChatGPT", "OpenTelemetry", "PyYAML", "TestClient",
     "AsyncClient", "AsyncSession", "MagicMock", "AsyncMock", "TypedDict", "NamedTuple",
    }
)  # fmt: skip
# modules every run has loaded anyway: asked for their names at no cost
_LOADED_STDLIB = (
    "builtins", "typing", "collections", "collections.abc", "dataclasses", "enum", "pathlib",
    "json", "datetime", "logging", "abc", "contextlib", "functools", "itertools", "io", "os",
    "re", "argparse", "subprocess", "threading",
)  # fmt: skip
# classes of standard-library modules a lint run does not load (importing asyncio or
# unittest.mock to ask would cost more than the whole doc check)
_STDLIB_CLASSES = frozenset(
    {
     "ThreadPoolExecutor", "ProcessPoolExecutor", "Future", "TaskGroup", "Semaphore",
     "BoundedSemaphore", "Event", "Lock", "RLock", "Condition", "Queue", "LifoQueue",
     "PriorityQueue", "AbstractEventLoop", "StreamReader", "StreamWriter", "MagicMock",
     "AsyncMock", "NonCallableMock", "PropertyMock", "TestCase", "IsolatedAsyncioTestCase",
     "HTTPServer", "ThreadingHTTPServer", "BaseHTTPRequestHandler", "SimpleHTTPRequestHandler",
     "HTTPStatus", "HTTPConnection", "HTTPSConnection", "Decimal", "UUID", "Thread", "Timer",
     "Popen", "CompletedProcess", "ArgumentParser", "Namespace", "SequenceMatcher",
     "ElementTree", "TemporaryDirectory", "NamedTemporaryFile", "ZipFile", "TarFile",
     "ConfigParser", "StringIO", "BytesIO", "SimpleNamespace", "ChainMap", "OrderedDict",
     "DefaultDict", "Counter",
    }
)  # fmt: skip


def library_name(name: str) -> bool:
    """Whether the standard library defines ``name`` (`ThreadPoolExecutor`)."""
    if name in _STDLIB_CLASSES:
        return True
    modules = (sys.modules.get(m) for m in _LOADED_STDLIB)
    return any(module is not None and hasattr(module, name) for module in modules)


class DeadPythonName(ProjectRule):
    """
    ## What it does
    Checks the repository's own Python names a doc uses:

    - in Python blocks, `from pkg.mod import Name` and `import pkg.mod`, where `pkg` is a
      package or module of this repository, must resolve to a module that exists and
      a name it defines or re-exports (a star import or a module `__getattr__` counts as
      defining everything);
    - a backticked class, function or method in prose (`RedisSessionManager`,
      `create_user()`, `UserService.create_user()`) must be defined somewhere in the
      repository's Python code.

    Third-party and standard-library names are out of scope: an import from another
    package is not checked, and a prose name the code imports from elsewhere, or that
    any source file of another language spells, is taken as theirs.

    ## Why is this bad?
    Examples are what agents copy. An import of a module that moved or a class that was
    replaced makes every generated file fail at import time.

    ## Example
    ```python
    from app.sessions import UnifiedSessionManager
    ```
    after `UnifiedSessionManager` was replaced by `RedisSessionManager`.

    ## Use instead
    ```python
    from app.sessions import RedisSessionManager
    ```

    ## Fix safety
    Not fixable automatically: a renamed class usually changed its interface too.
    Suppress a line with `<!-- noqa: SS308 -->` (or `# noqa: SS308` in a code block).
    """

    code = "SS308"
    name = "dead-python-name"
    summary = "Steering doc uses a first-party Python module, class or function that is not there"
    VALID = (
        _DOC + "```python\nfrom app.sessions import RedisSessionManager\nimport os\n```\n"
        "Use `RedisSessionManager.get()` and `close_session()`; see `BaseModel`.\n"
        "==> app/sessions.py <==\nfrom pydantic import BaseModel\n"
        "class RedisSessionManager:\n    def get(self): ...\ndef close_session(): ...\n",
        _DOC + "Saving goes through `UserStore.save()`.\n==> app/store.py <==\n"
        "class Base:\n    def save(self): ...\nclass UserStore(Base): ...\n",
        _DOC + "```python\nfrom app import models\nfrom app.api import router\n```\n"
        "==> app/__init__.py <==\n==> app/models.py <==\n"
        "==> app/api/__init__.py <==\nfrom .routes import *\n",
    )
    INVALID = (
        Invalid(
            _DOC + "```python\nfrom app.sessions import UnifiedSessionManager\n```\n"
            "==> app/sessions.py <==\nclass RedisSessionManager: ...\n"
        ),
        Invalid(_DOC + "```python\nimport app.legacy\n```\n==> app/main.py <==\n"),
        Invalid(
            _DOC + "```python\n# ❌ Wrong: guessed path\nfrom app.models import Room\n"
            "# ✅ Right\nfrom app.game import Zone\n```\n==> app/game.py <==\nclass Room: ...\n"
        ),
        Invalid(
            _DOC + "Sessions go through `UnifiedSessionManager` and `UserService.purge()`.\n"
            "==> app/users.py <==\nclass UserService:\n    def create(self): ...\n",
            count=2,
        ),
    )

    def __init__(self, names: tuple[str, ...] = ()) -> None:
        self.names = names

    @classmethod
    def from_project(cls, project: Project) -> ProjectRule:
        return cls(_claimed_names(project.docs))

    def collectors(self) -> Sequence[FactCollector]:
        if not self.names:
            return ()
        from steeringsync.claims.definitions import DefinitionsCollector

        return (DefinitionsCollector(self.names),)

    def check_example(self, text: str) -> list[Finding]:
        from steeringsync.steering.document import parse_text

        docs = [
            parse_text(Path(rel), content)
            for rel, content in example_files(text).items()
            if rel.endswith(".md")
        ]
        rule = DeadPythonName(_claimed_names(docs))
        return ProjectRule.check_example(rule, text)

    def check_project(
        self, project: Project, facts: dict[str, list[tuple[Path, Any]]]
    ) -> Iterable[Finding]:
        docs = [doc for doc in project.docs if may_claim(doc)]
        if not docs:
            return
        from steeringsync.claims.pynames import Modules, read_facts
        from steeringsync.claims.repo import RepoIndex
        from steeringsync.steering.suppress import mark_suppressed

        index = RepoIndex.of(project)
        modules = Modules.of(index)
        known = read_facts(facts)
        other = _OtherSources(index)
        for doc in docs:
            found = list(self._imports(doc, index, modules)) + list(self._names(doc, known, other))
            yield from mark_suppressed(doc, found)

    def _imports(self, doc: SteeringDoc, index: RepoIndex, modules: Modules) -> Iterable[Finding]:
        from steeringsync.claims.extract import claims_of

        for claim in claims_of(doc, index).modules:
            if claim.run or not modules.first_party(claim.module):
                continue
            verdict = modules.judge(claim)
            if verdict is None:
                continue
            where = span(claim.line, claim.column, claim.module)
            if verdict.missing_module is not None:
                hint = f"; moved to `{verdict.moved[0]}`?" if len(verdict.moved) == 1 else ""
                text = f"module `{verdict.missing_module}` does not exist{hint}"
                yield self.finding(doc.path, where, text)
            for name in verdict.missing_names:
                yield self.finding(doc.path, where, f"`{claim.module}` defines no `{name}`")

    def _names(
        self,
        doc: SteeringDoc,
        known: dict[str, set[tuple[str, str | None]]],
        other: _OtherSources,
    ) -> Iterable[Finding]:
        for claim in _prose(doc).names:
            facts = known.get(claim.name, set())
            if not facts:
                if claim.name in WELL_KNOWN or library_name(claim.name):
                    continue
                if not other.has_python or other.spell(claim.name):
                    continue  # no Python code, or another language's name
                shown = claim.name + (f".{claim.attribute}" if claim.attribute else "")
                yield self.finding(
                    doc.path,
                    span(claim.line, claim.column, shown),
                    f"`{claim.name}` is not defined anywhere in the repository's Python code",
                )
            elif claim.attribute is not None and ("def", None) in facts:
                members = known.get(claim.attribute, set())
                inherited = ("based", None) in facts  # a base class may define it
                if ("def", claim.name) not in members and not inherited:
                    yield self.finding(
                        doc.path,
                        span(claim.line, claim.column, f"{claim.name}.{claim.attribute}"),
                        f"`{claim.name}` defines no `{claim.attribute}`",
                    )


def _claimed_names(docs: Iterable[SteeringDoc]) -> tuple[str, ...]:
    """The names the docs' prose uses whose verdict the code decides: the words the
    collector looks for. A well-known or standard-library name used on its own is never
    reported (``_names``), so the files spelling it (`BaseModel`, `Path`) need no parse."""
    names: set[str] = set()
    for doc in docs:
        if not may_claim(doc):
            continue
        for claim in _prose(doc).names:
            plain = claim.attribute is None
            if not (plain and (claim.name in WELL_KNOWN or library_name(claim.name))):
                names.add(claim.name)
    return tuple(sorted(names))


# doc path -> (the parsed doc, its prose claims): building the rule and checking read
# the same doc, so it is read once (a re-parsed doc, as the language server's, afresh)
_PROSE: dict[Path, tuple[SteeringDoc, DocClaims]] = {}


def _prose(doc: SteeringDoc) -> DocClaims:
    known = _PROSE.get(doc.path)
    if known is None or known[0] is not doc:
        from steeringsync.claims.extract import extract

        # names do not depend on which folders exist: no repository walk needed
        known = _PROSE[doc.path] = (doc, extract(doc, "", lambda _: False))
    return known[1]


class _OtherSources:
    """Whether a name is spelled in a source file of another language (TS, Go, …)."""

    def __init__(self, index: RepoIndex) -> None:
        self.index = index
        self._texts: list[str] | None = None

    @cached_property
    def has_python(self) -> bool:
        return any(p.endswith(".py") for p in self.index.files)

    def spell(self, name: str) -> bool:
        if self._texts is None:
            self._texts = []
            # sorted after filtering: on a large Python repository, few paths remain
            for path in sorted(p for p in self.index.files if p.endswith(_OTHER_SOURCES)):
                try:
                    with open(self.index.root / path, "rb") as handle:
                        data = handle.read(MAX_SCAN_BYTES)
                except OSError:
                    continue
                self._texts.append(data.decode("utf-8", "replace"))
        pattern = re.compile(rf"\b{re.escape(name)}\b")
        return any(pattern.search(text) for text in self._texts)
