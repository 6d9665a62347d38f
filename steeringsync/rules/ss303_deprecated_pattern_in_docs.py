"""SS303: a steering doc recommends a deprecated pattern in an unmarked Python block."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from steeringsync.project import Project
from steeringsync.python.deprecated_calls import DeprecatedCall
from steeringsync.python.deprecated_modules import find_imports
from steeringsync.rules.base import DocRule, Invalid
from steeringsync.steering import declarations, markers
from steeringsync.steering.document import CodeBlock, SteeringDoc
from steeringsync.types import Finding, Location


class DeprecatedPatternInDocs(DocRule):
    """
    ## What it does
    Flags a Python code block in a steering doc that uses the deprecated session pattern
    (`[tool.steeringsync.session-migration] deprecated`, by default
    `unified_session_manager.get_db_session`) or any deprecation a steering doc declares
    (SS1xx), unless the block is marked as the deprecated example. A block is marked when:

    - a comment in it says so: `# Before (Deprecated)`, `# ❌`, `# don't`, `# avoid`,
      `# legacy`, `# wrong`, …;
    - its info string, the heading or paragraph right before it, or its nearest heading
      says so ("Deprecated", "Don't do this", "Avoid", ❌, and the same words in a few
      other languages);
    - it is the Before of a Before/After pair: led by "Before" and followed by a Python
      block led by "After" (or "New", ✅), as migration docs show them.

    Blocks that do not parse are left to SS304. The finding points at the doc line of
    the deprecated call.

    ## Why is this bad?
    Agents and people copy what steering docs show. An unmarked example of the old
    pattern teaches the very code the migration is removing.

    ## Example
    ````markdown
    ## Database access
    ```python
    with unified_session_manager.get_db_session() as session:
        users = session.query(User).all()
    ```
    ````

    ## Use instead
    ````markdown
    ## Database access
    ```python
    session = db_manager.get_session()
    try:
        users = session.query(User).all()
    finally:
        db_manager.close_session(session)
    ```
    ````
    or mark the block: `# Before (Deprecated)`.

    ## Fix safety
    Not fixable automatically: `steeringsync sync` rewrites docs.
    """

    code = "SS303"
    name = "deprecated-pattern-in-docs"
    summary = "Steering doc shows a deprecated pattern without marking it"
    VALID = (
        "```python\nsession = db_manager.get_session()\n```\n",
        "```python\n# Before (Deprecated)\nwith unified_session_manager.get_db_session() as s:\n"
        "    pass\n```\n",
        "## ❌ Don't do this\n\n```python\nunified_session_manager.get_db_session()\n```\n",
        "**Before:**\n\n```python\nwith unified_session_manager.get_db_session() as s:\n"
        "    s.query(M).all()\n```\n\n**After:**\n\n```python\n"
        "s = db_manager.get_session()\n```\n",
        "```text\nunified_session_manager.get_db_session()\n```\n",
        "```python\nwith unified_session_manager.get_db_session() as s\n```\n",
        "```python\n# 非推奨: 使わないでください\nunified_session_manager.get_db_session()\n```\n",
    )
    INVALID = (
        Invalid(
            "## Database access\n\n```python\nwith unified_session_manager.get_db_session()"
            " as s:\n    s.query(M).all()\n```\n"
        ),
        Invalid(
            "---\ndeprecations:\n  - pattern: legacy_cache.get_client\n---\n"
            "Use the cache like this:\n\n```py\nclient = legacy_cache.get_client()\n```\n"
        ),
        Invalid(
            "**Before:**\n\n```python\nx = 1\n```\n\n**Usage:**\n\n```python\n"
            "import app.unified_session_manager as usm\nusm.get_db_session()\n```\n"
        ),
    )

    def check_doc(self, doc: SteeringDoc, project: Project) -> Iterable[Finding]:
        detectors = [(DeprecatedCall.parse(project.config.session_migration.deprecated), "")]
        modules: list[tuple[str, str]] = []
        for decl in declarations.collect(project):
            where = project.relative(decl.doc)
            origin = f" (declared deprecated in {where})"
            if decl.kind == "module":
                modules.append((decl.pattern, origin))
            else:
                detectors.append((decl.call, origin))
        python = [b for b in doc.code_blocks if b.is_python]
        for block, following in zip(python, [*python[1:], None], strict=False):
            tree = _parse(block)
            if tree is None or markers.is_marked(block, following):
                continue
            yield from self._uses(doc, block, tree, detectors)
            for module, origin in modules:
                for node in find_imports(ast.walk(tree), module):
                    line = block.content_line + node.lineno - 1
                    message = (
                        f"the doc imports deprecated module `{module}`{origin} without marking "
                        "it; mark the block (e.g. `# Before (Deprecated)`) or show the replacement"
                    )
                    yield self.finding(doc.path, Location.point(line, node.col_offset + 1), message)

    def _uses(
        self,
        doc: SteeringDoc,
        block: CodeBlock,
        tree: ast.Module,
        detectors: list[tuple[DeprecatedCall, str]],
    ) -> Iterable[Finding]:
        for detector, origin in detectors:
            if detector.method not in block.content:
                continue
            for use in detector.find(tree):
                line = block.content_line + use.node.lineno - 1
                called = f"{use.receiver}.{detector.method}"
                message = (
                    f"the doc shows deprecated `{called}`{origin} without marking it; "
                    "mark the block (e.g. `# Before (Deprecated)`) or show the replacement"
                )
                yield self.finding(doc.path, Location.point(line, use.node.col_offset + 1), message)


def _parse(block: CodeBlock) -> ast.Module | None:
    try:
        return ast.parse(block.content)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
