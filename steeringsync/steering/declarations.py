"""Deprecations a steering doc declares: a ``deprecations:`` front-matter list or a
Before (Deprecated) / After pair of Python blocks, each of which becomes an SS1xx rule.

From a pair, the deprecated call is a ``receiver.method(...)`` call the Before block makes
and the After block does not. When the Before block drops several calls, only those on a
line marked by a comment (``# ❌``, ``# deprecated``) count, so that incidental calls
(logging, say) never become rules. The replacement is the one call the After block adds;
with several, the declaration has no replacement and is not fixable.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from steeringsync.config import Config
from steeringsync.python.deprecated_calls import DeprecatedCall
from steeringsync.steering import markers
from steeringsync.steering.document import CodeBlock, SteeringDoc
from steeringsync.steering.frontmatter import Problem, shown_value

ENTRY_KEYS = ("pattern", "replacement", "message", "code")
DECLARED_CODE_RE = re.compile(r"^SS1(?:0[1-9]|[1-9][0-9])$")  # SS101 to SS199


@dataclass(frozen=True)
class Declaration:
    pattern: str  # dotted, `receiver.method` at least
    replacement: str | None  # dotted name when the migration is a rename
    message: str
    doc: Path
    line: int  # doc line of the front-matter key or of the Before block
    source: str  # "front-matter" or "example"
    code: str | None = None  # the code the declaration names (`code: SS150`), if any

    @property
    def call(self) -> DeprecatedCall:
        return DeprecatedCall.parse(self.pattern)


def is_dotted(text: Any, parts: int = 2) -> bool:
    return (
        isinstance(text, str)
        and len(text.split(".")) >= parts
        and all(p.isidentifier() for p in text.split("."))
    )


def front_matter_problems(doc: SteeringDoc) -> list[Problem]:
    """What is wrong with the doc's ``deprecations:`` list (reported by SS301)."""
    if doc.front_matter is None or "deprecations" not in doc.meta:
        return []
    line = doc.front_matter.key_lines.get("deprecations", doc.front_matter.line)
    entries = doc.meta["deprecations"]
    if not isinstance(entries, list):
        return [Problem("`deprecations` must be a list of {pattern, replacement, message}", line)]
    problems = []
    for n, entry in enumerate(entries, start=1):
        where = f"`deprecations` entry {n}"
        if not isinstance(entry, dict):
            problems.append(Problem(f"{where} must be a mapping with a `pattern` key", line))
            continue
        unknown = sorted(str(k) for k in entry if k not in ENTRY_KEYS)
        if unknown:
            problems.append(Problem(f"{where}: unknown key `{unknown[0]}`", line))
        if not is_dotted(entry.get("pattern")):
            raw = entry.get("pattern")
            short = raw is None or (isinstance(raw, (bool, int, float, str)) and len(str(raw)) < 60)
            got = repr(raw) if short else shown_value(raw)  # never the whole of a huge value
            problems.append(
                Problem(f"{where}: `pattern` must be `receiver.method`, got {got}", line)
            )
        for key in ("replacement", "message"):
            if key in entry and not isinstance(entry[key], str):
                problems.append(Problem(f"{where}: `{key}` must be a string", line))
        code = entry.get("code")
        if code is not None and not (isinstance(code, str) and DECLARED_CODE_RE.match(code)):
            problems.append(Problem(f"{where}: `code` must be SS101 to SS199, got {code!r}", line))
    return problems


def _from_front_matter(doc: SteeringDoc) -> Iterator[Declaration]:
    entries = doc.meta.get("deprecations")
    if doc.front_matter is None or not isinstance(entries, list):
        return
    line = doc.front_matter.key_lines.get("deprecations", doc.front_matter.line)
    for entry in entries:
        if not isinstance(entry, dict) or not is_dotted(entry.get("pattern")):
            continue
        replacement = entry.get("replacement")
        message = entry.get("message")
        code = entry.get("code")
        yield Declaration(
            pattern=entry["pattern"],
            replacement=replacement.strip() if isinstance(replacement, str) else None,
            message=message.strip() if isinstance(message, str) else "",
            doc=doc.path,
            line=line,
            source="front-matter",
            code=code if isinstance(code, str) and DECLARED_CODE_RE.match(code) else None,
        )


def _parse(block: CodeBlock) -> ast.Module | None:
    try:
        return ast.parse(block.content)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _bound(tree: ast.Module) -> set[str]:
    """Names the block binds itself (locals such as ``session``): never the deprecated API."""
    names = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    names.update(a.arg for a in ast.walk(tree) if isinstance(a, ast.arg))
    return names


def _calls(tree: ast.Module) -> dict[str, int]:
    """``receiver.method`` of each method call -> first line (receiver: last name component)."""
    bound = _bound(tree)
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        value = node.func.value
        receiver = value.id if isinstance(value, ast.Name) else getattr(value, "attr", None)
        if isinstance(receiver, str) and receiver not in bound and receiver != "self":
            key = f"{receiver}.{node.func.attr}"
            found[key] = min(found.get(key, node.lineno), node.lineno)
    return found


def _from_pair(doc: SteeringDoc, before: CodeBlock, after: CodeBlock) -> Iterator[Declaration]:
    old_tree, new_tree = _parse(before), _parse(after)
    if old_tree is None or new_tree is None:
        return
    old, new = _calls(old_tree), _calls(new_tree)
    removed = {k: v for k, v in old.items() if k not in new}
    added = [k for k in new if k not in old]
    if len(removed) > 1:
        lines = before.content.split("\n")
        removed = {
            k: v
            for k, v in removed.items()
            if v <= len(lines)
            and "#" in lines[v - 1]
            and markers.says_deprecated_text(lines[v - 1].partition("#")[2])
        }
    replacement = added[0] if len(added) == 1 and len(removed) == 1 else None
    for pattern in sorted(removed, key=lambda k: removed[k]):
        hint = f"see the After example at line {after.line}"
        yield Declaration(pattern, replacement, hint, doc.path, before.line, "example")


def declared_in(doc: SteeringDoc) -> list[Declaration]:
    """The doc's declarations in document order: front matter first, then example pairs."""
    if doc.decode_error is not None:
        return []
    found = list(_from_front_matter(doc))
    for before, after in markers.pairs(doc.code_blocks):
        found.extend(_from_pair(doc, before, after))
    return found


class DocsOfProject(Protocol):
    """What the scan reads of a project (``steeringsync.project.Project`` is one): the
    project model sits above this parser, so it is described here, not imported."""

    @property
    def config(self) -> Config: ...

    @property
    def docs(self) -> list[SteeringDoc]: ...


class DeclaringProject(Protocol):
    @property
    def declarations(self) -> tuple[Declaration, ...]: ...


def collect(project: DeclaringProject) -> list[Declaration]:
    """Every doc-declared deprecation, once per call pattern, in doc-path order.

    The configured session pattern is left out (SS001 covers it). Computed once per
    project (``Project.declarations``).
    """
    return list(project.declarations)


def scan_declarations(project: DocsOfProject) -> tuple[Declaration, ...]:
    session = DeprecatedCall.parse(project.config.session_migration.deprecated)
    seen = {session}
    result = []
    for doc in sorted(project.docs, key=lambda d: d.path.as_posix()):
        for declaration in declared_in(doc):
            if declaration.call not in seen:
                seen.add(declaration.call)
                result.append(declaration)
    return tuple(result)
