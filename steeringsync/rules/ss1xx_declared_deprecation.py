"""SS101 to SS199: rules declared by steering docs, one per deprecated ``receiver.method``.

A declaration keeps its code when others are added, removed or reordered, so that a
``# noqa: SS1xx`` or a ``select`` entry never comes to mean another rule. The code is the
one the declaration names (``code: SS150`` in a ``deprecations:`` entry), else it is
derived from a stable hash of the pattern (not of the doc, so moving a declaration to
another doc keeps it too). When two patterns hash to one code, the one sorting first
takes it and the other the next free code; naming codes avoids even that.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from steeringsync.project import Project
from steeringsync.python.deprecated_calls import Shape
from steeringsync.python.deprecated_modules import find_imports
from steeringsync.python.source import PythonSource
from steeringsync.rules.base import Invalid, PythonRule
from steeringsync.steering.declarations import Declaration, collect, is_dotted
from steeringsync.types import Applicability, Finding

FIRST_CODE, LAST_CODE = 101, 199

_CALL_HOW = (
    "Calls, `with` items and bound-method references are found through attribute chains and\n"
    "local aliases, exactly as SS001 finds the deprecated session method."
)
_MODULE_HOW = "`import m`, `import m.sub`, `from m import x` and `from parent import m` are found."
_DOC_TEMPLATE = """
## What it does
Flags uses of `{pattern}`, declared deprecated by the steering doc `{doc}` ({source}).
{how}

## Why is this bad?
{reason}

## Example
```python
{example}
```

## Use instead
{instead}

## Fix safety
{safety}
"""


class DeclaredDeprecation(PythonRule):
    """A deprecation declared by a steering doc (this docstring is replaced per rule)."""

    code = "SS1XX"
    name = "declared-deprecation"
    summary = "Use of a deprecation declared by a steering doc"

    def __init__(self, declaration: Declaration) -> None:
        self.declaration = declaration
        self.detector = declaration.call
        self.origin = declaration.doc

    def __reduce__(self) -> tuple[Any, ...]:
        # the per-code subclass is made at run time; rebuild it when sent to a worker
        return (make_rule, (self.declaration, self.code))

    @property
    def rename_keeps_receiver(self) -> bool:
        replacement = self.declaration.replacement or ""
        return replacement.rpartition(".")[0].rpartition(".")[2] == self.detector.receiver

    @property
    def triggers(self) -> tuple[bytes, ...]:
        return (self.detector.trigger,)

    def check_python(self, source: PythonSource) -> Iterable[Finding]:
        decl = self.declaration
        fixable = self.fix_applicability is not Applicability.NONE
        bound = _module_names(source.tree) if fixable else set()
        for use in self.detector.find(source.tree, source.nodes):
            called = f"{use.receiver}.{self.detector.method}"
            message = f"`{called}` is deprecated (declared in {decl.doc.name})"
            if decl.message:
                message += f": {decl.message}"
            if decl.replacement:
                message += f"; use `{decl.replacement}`"
            applicability = Applicability.NONE
            if fixable and self.rename_keeps_receiver:
                applicability = Applicability.SAFE
            elif fixable and use.receiver == self.detector.receiver and _root(decl) in bound:
                # another object, maybe of another type: the doc says so, the code cannot
                applicability = Applicability.UNSAFE
            if use.shape is Shape.REFERENCE:
                message += " (passed as a reference)"
            yield self.finding(
                source.path, source.location(use.node), message, applicability=applicability
            )

    def fix_source(self, text: str, findings: Iterable[Finding]) -> str:
        """``text`` with the given fixable findings of this rule renamed to the replacement."""
        from steeringsync.fix.rename import rename_sites

        replacement = self.declaration.replacement
        mine = [f for f in findings if f.code == self.code and f.fixable]
        if not replacement or not mine:
            return text
        return rename_sites(
            text, self.detector.method, replacement, mine, keep_receiver=self.rename_keeps_receiver
        )


class DeclaredModuleDeprecation(DeclaredDeprecation):
    """An import of a module declared deprecated (``kind: module``); never fixed."""

    def __init__(self, declaration: Declaration) -> None:
        self.declaration = declaration
        self.origin = declaration.doc

    @property
    def triggers(self) -> tuple[bytes, ...]:
        return (self.declaration.pattern.rpartition(".")[2].encode(),)

    def check_python(self, source: PythonSource) -> Iterable[Finding]:
        decl = self.declaration
        for node in find_imports(source.nodes, decl.pattern):
            message = f"module `{decl.pattern}` is deprecated (declared in {decl.doc.name})"
            if decl.message:
                message += f": {decl.message}"
            if decl.replacement:
                message += f"; use `{decl.replacement}`"
            yield self.finding(source.path, source.location(node), message)

    def fix_source(self, text: str, findings: Iterable[Finding]) -> str:
        return text


def _module_rule(declaration: Declaration, code: str) -> DeclaredDeprecation:
    module = declaration.pattern
    where = declaration.doc.name
    instead = f"`{declaration.replacement}`." if declaration.replacement else f"See `{where}`."
    attrs: dict[str, Any] = {
        "__doc__": _DOC_TEMPLATE.format(
            pattern=module,
            doc=where,
            source="front matter `deprecations:` (`kind: module`)",
            reason=declaration.message or f"The team deprecated it in `{where}`.",
            example=f"import {module}",
            instead=instead,
            safety="Not fixable: an import's replacement changes the code that uses it.",
            how=_MODULE_HOW,
        ),
        "code": code,
        "name": "deprecated-module-" + module.replace("_", "-").replace(".", "-").lower(),
        "summary": declaration.message or f"Import of `{module}` (deprecated by a doc)",
        "fix_applicability": Applicability.NONE,
        "VALID": (f"# import {module}\n", "import other_module\n"),
        "INVALID": (Invalid(f"import {module}\n"),),
    }
    cls = type(f"Declared{code}", (DeclaredModuleDeprecation,), attrs)
    rule: DeclaredDeprecation = cls(declaration)
    return rule


def _root(decl: Declaration) -> str:
    return (decl.replacement or "").split(".", 1)[0]


def _module_names(tree: ast.Module) -> set[str]:
    """Names bound at module level: a replacement rooted elsewhere would be undefined."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add(alias.asname or alias.name.split(".", 1)[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def make_rule(declaration: Declaration, code: str) -> DeclaredDeprecation:
    """The rule for one declaration: a subclass carrying its own code, name and docs."""
    if declaration.kind == "module":
        return _module_rule(declaration, code)
    call = declaration.call
    # a replacement equal to the pattern would "fix" forever without changing anything
    fixable = is_dotted(declaration.replacement) and declaration.replacement != declaration.pattern
    example = f"result = {call.receiver}.{call.method}()"
    fixed: str | None = None
    if fixable and declaration.replacement:
        keeps = declaration.replacement.rpartition(".")[0].rpartition(".")[2] == call.receiver
        if keeps:
            fixed = f"result = {call.receiver}.{declaration.replacement.rpartition('.')[2]}()\n"
    where = declaration.doc.name
    source = (
        "front matter `deprecations:`"
        if declaration.source == "front-matter"
        else f"Before/After example at line {declaration.line}"
    )
    instead = f"`{declaration.replacement}`." if declaration.replacement else f"See `{where}`."
    attrs: dict[str, Any] = {
        "__doc__": _DOC_TEMPLATE.format(
            pattern=declaration.pattern,
            doc=where,
            source=source,
            reason=declaration.message or f"The team deprecated it in `{where}`.",
            example=example,
            instead=instead,
            safety=(
                "Safe: a plain rename of the method on the same receiver."
                if fixed is not None
                else "Unsafe (applied only with `--unsafe-fixes`): the replacement is another "
                "object, perhaps of another type, which only the doc vouches for; a site is "
                "fixed only where the replacement's root name is bound in the module."
                if fixable
                else "Not fixable: the replacement is not a plain rename."
            ),
            how=_CALL_HOW,
        ),
        "code": code,
        "name": "deprecated-" + declaration.pattern.replace("_", "-").replace(".", "-").lower(),
        "summary": declaration.message or f"Use of `{declaration.pattern}` (deprecated by a doc)",
        "fix_applicability": (
            Applicability.SAFE
            if fixed is not None
            else Applicability.UNSAFE
            if fixable
            else Applicability.NONE
        ),
        "VALID": (f"# {call.receiver}.{call.method}() in a comment\n", "other.method()\n"),
        "INVALID": (Invalid(example + "\n", fixed=fixed),),
    }
    cls = type(f"Declared{code}", (DeclaredDeprecation,), attrs)
    rule: DeclaredDeprecation = cls(declaration)
    return rule


def home_code(pattern: str) -> int:
    """The code a pattern takes when it is free: a hash that no Python run salts."""
    digest = hashlib.sha256(pattern.encode("utf-8")).digest()
    return FIRST_CODE + int.from_bytes(digest[:8], "big") % (LAST_CODE - FIRST_CODE + 1)


def assign_codes(declarations: Sequence[Declaration]) -> list[tuple[Declaration, str]]:
    """Each declaration with its stable code, named codes first; those past the 99th are
    left out. In the declarations' order."""
    taken: dict[int, Declaration] = {}
    for decl in declarations:
        if decl.code is not None and int(decl.code[2:]) not in taken:
            taken[int(decl.code[2:])] = decl
    named = {id(d) for d in taken.values()}
    size = LAST_CODE - FIRST_CODE + 1
    for decl in sorted(declarations, key=lambda d: d.pattern):
        if id(decl) in named or len(taken) >= size:
            continue
        code = home_code(decl.pattern)
        while code in taken:
            code = FIRST_CODE + (code - FIRST_CODE + 1) % size
        taken[code] = decl
    codes = {id(d): f"SS{n}" for n, d in taken.items()}
    return [(d, codes[id(d)]) for d in declarations if id(d) in codes]


def declared_rules(project: Project) -> list[DeclaredDeprecation]:
    """One rule per doc-declared deprecation, with a stable code in SS101-SS199."""
    declarations = collect(project)
    assigned = assign_codes(declarations)
    if len(assigned) < len(declarations):
        project.notices.append(
            f"{len(declarations) - len(assigned)} doc-declared deprecations beyond the "
            f"{LAST_CODE - FIRST_CODE + 1} codes SS{FIRST_CODE}-SS{LAST_CODE} ignored"
        )
    return [make_rule(decl, code) for decl, code in assigned]
