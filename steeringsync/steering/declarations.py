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

ENTRY_KEYS = ("pattern", "replacement", "message", "code", "kind")
KINDS = ("call", "module")
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
    # "call": `receiver.method` calls; "module": imports of the dotted module
    kind: str = "call"

    @property
    def call(self) -> DeprecatedCall:
        return DeprecatedCall.parse(self.pattern)

    @property
    def key(self) -> tuple[str, str]:
        """What the declaration matches: two docs declaring it make one rule."""
        if self.kind == "module":
            return ("module", self.pattern)
        return ("call", f"{self.call.receiver}.{self.call.method}")


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
        kind = entry.get("kind", "call")
        raw = entry.get("pattern")
        short = raw is None or (isinstance(raw, (bool, int, float, str)) and len(str(raw)) < 60)
        got = repr(raw) if short else shown_value(raw)  # never the whole of a huge value
        if kind not in KINDS:
            problems.append(Problem(f"{where}: `kind` must be `call` or `module`", line))
        elif kind == "module":
            if not is_dotted(raw, parts=1):
                problems.append(Problem(f"{where}: `pattern` must be a module, got {got}", line))
        elif not is_dotted(raw):
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
        if not isinstance(entry, dict):
            continue
        kind = entry.get("kind", "call")
        if kind not in KINDS or not is_dotted(entry.get("pattern"), 1 if kind == "module" else 2):
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
            kind=kind,
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


def _calls(tree: ast.Module, lines: set[int] | None = None) -> dict[str, int]:
    """``receiver.method`` of each method call -> first line (receiver: last name component);
    with ``lines``, only the calls on those lines."""
    bound = _bound(tree)
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if lines is not None and node.lineno not in lines:
            continue
        value = node.func.value
        receiver = value.id if isinstance(value, ast.Name) else getattr(value, "attr", None)
        if isinstance(receiver, str) and receiver not in bound and receiver != "self":
            key = f"{receiver}.{node.func.attr}"
            found[key] = min(found.get(key, node.lineno), node.lineno)
    return found


def _binds(tree: ast.Module) -> dict[str, set[str]]:
    """``receiver.method`` -> the names its result is bound to (``x = r.m()``, ``with
    r.m() as x``): a replacement binds what the deprecated call bound."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        pairs: list[tuple[ast.expr, ast.expr | None]] = []
        if isinstance(node, ast.Assign):
            pairs = [(node.value, t) for t in node.targets]
        elif isinstance(node, ast.withitem):
            pairs = [(node.context_expr, node.optional_vars)]
        for value, target in pairs:
            if isinstance(value, ast.Await):
                value = value.value
            if (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Attribute)
                and isinstance(target, ast.Name)
            ):
                inner = value.func.value
                receiver = inner.id if isinstance(inner, ast.Name) else getattr(inner, "attr", "")
                found.setdefault(f"{receiver}.{value.func.attr}", set()).add(target.id)
    return found


def _words(name: str) -> set[str]:
    return {w for w in name.lower().split("_") if len(w) > 2}


def same_role(old: str, new: str, old_binds: set[str], new_binds: set[str]) -> bool:
    """Whether ``new`` reads as the replacement of ``old``: it keeps the receiver or the
    method name, shares a word of the method name (``get_db_session`` ->
    ``get_session``), or binds the same name. ``logger.info`` -> ``app.add_middleware``
    does none of these: an added, unrelated call."""
    old_receiver, _, old_method = old.rpartition(".")
    new_receiver, _, new_method = new.rpartition(".")
    return (
        old_receiver == new_receiver
        or old_method == new_method
        or bool(_words(old_method) & _words(new_method))
        or bool(old_binds & new_binds)
    )


def recommended_calls(doc: SteeringDoc) -> set[str]:
    """Calls the doc shows as the right way (an After block, a ``# ✅`` part of a block):
    never inferred as deprecated."""
    found: set[str] = set()
    for block in doc.code_blocks:
        if not block.is_python:
            continue
        tree = _parse(block)
        if tree is None:
            continue
        if markers.is_after(block) and not markers.says_deprecated(block):
            found.update(_calls(tree))
        else:
            found.update(_calls(tree, markers.recommended_lines(block)))
    return found


def _from_pair(
    doc: SteeringDoc, before: CodeBlock, after: CodeBlock, recommended: set[str]
) -> Iterator[Declaration]:
    old_tree, new_tree = _parse(before), _parse(after)
    if old_tree is None or new_tree is None:
        return
    old, new = _calls(old_tree), _calls(new_tree)
    removed = {k: v for k, v in old.items() if k not in new and k not in recommended}
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
    old_binds, new_binds = _binds(old_tree), _binds(new_tree)
    # "Before:" one call, "After:" another: the writer says it is a migration
    labelled = markers.is_before(before) and len(removed) == 1 and len(added) == 1
    for pattern in sorted(removed, key=lambda k: removed[k]):
        # a migration replaces the call with one in the same role; without one, the
        # pair shows two unrelated things and declares nothing
        matches = [
            k
            for k in added
            if same_role(pattern, k, old_binds.get(pattern, set()), new_binds.get(k, set()))
        ]
        if labelled:
            matches = added
        if not matches:
            continue
        replacement = matches[0] if len(matches) == 1 and len(removed) == 1 else None
        hint = f"see the After example at line {after.line}"
        yield Declaration(pattern, replacement, hint, doc.path, before.line, "example")


def declared_in(doc: SteeringDoc) -> list[Declaration]:
    """The doc's declarations in document order: front matter first, then example pairs."""
    if doc.decode_error is not None:
        return []
    found = list(_from_front_matter(doc))
    recommended = recommended_calls(doc)
    headings = [h.line for h in doc.headings]
    for before, after in markers.pairs(doc.code_blocks, headings):
        found.extend(_from_pair(doc, before, after, recommended))
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
    seen = {("call", f"{session.receiver}.{session.method}")}
    result = []
    for doc in sorted(project.docs, key=lambda d: d.path.as_posix()):
        for declaration in declared_in(doc):
            if declaration.key not in seen:
                seen.add(declaration.key)
                result.append(declaration)
    return tuple(result)
