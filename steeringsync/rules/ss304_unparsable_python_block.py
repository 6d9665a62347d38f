"""SS304: a ```python block in a steering doc that is not valid Python."""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Iterable

from steeringsync.project import Project
from steeringsync.rules.base import DocRule, Invalid
from steeringsync.steering.document import CodeBlock, SteeringDoc
from steeringsync.types import Finding, Location, Severity

# Each pattern marks a block as a fragment or as something other than a Python module.
_FRAGMENT_RES = (
    re.compile(r"\.\.\.|…"),  # `...` / `…` placeholders ("rest of the function")
    re.compile(r"^\s*(?:>>>|\.\.\.)(?: |$)", re.MULTILINE),  # doctest / REPL prompts
    re.compile(r"^\s*(?:\$|%|!)\S?", re.MULTILINE),  # shell prompts, IPython magics
    re.compile(r"<[A-Za-z_][\w .\-]*>"),  # <placeholder>, <your code here>
    re.compile(r"\{\{.*?\}\}|\{%.*?%\}"),  # Jinja / template placeholders
    re.compile(r"^Traceback \(most recent call last\)", re.MULTILINE),  # output, not code
)


def is_fragment(source: str) -> bool:
    return any(pattern.search(source) for pattern in _FRAGMENT_RES)


class UnparsablePythonBlock(DocRule):
    """
    ## What it does
    Reports a code block tagged `python` (or `py`, `python3`) whose content is not valid
    Python for the interpreter running steeringsync, at the doc line of the error. A
    block indented as a whole is dedented first. A fence that is never closed is
    reported at its opening line: the rest of the doc has become code.

    Blocks that are clearly fragments are skipped when they do not parse, namely blocks
    containing any of:

    - `...` or `…` (a placeholder for elided code);
    - a `>>>` or `...` prompt at the start of a line (doctest / REPL sessions);
    - a line starting with `$`, `%` or `!` (shell prompts, IPython magics);
    - a `<placeholder>` such as `<your code here>`, or `{{ … }}` / `{% … %}` templates;
    - a `Traceback (most recent call last)` line (output, not code).

    ## Why is this bad?
    A block that does not parse is either broken guidance (an agent copies it and the
    code fails) or not Python at all (a shell session tagged `python`), which also
    keeps SS303 from checking it.

    ## Example
    ````markdown
    ```python
    with db_manager.get_session() as session
        session.query(User).all()
    ```
    ````

    ## Use instead
    ````markdown
    ```python
    with db_manager.get_session() as session:
        session.query(User).all()
    ```
    ````

    ## Fix safety
    Not fixable automatically.
    """

    code = "SS304"
    severity = Severity.WARNING
    name = "unparsable-python-block"
    summary = "Python code block in a steering doc does not parse"
    VALID = (
        "```python\nx = 1\n```\n",
        "```python\n    def method(self):\n        return 1\n```\n",
        "```python\ndef handler(request):\n    ...\n    return response\n```\n",
        "```python\ndef handler(request:\n    ...\n```\n",
        "```python\n>>> 1 +\n```\n",
        "```python\n$ pip install steeringsync\n```\n",
        "```python\nconfig = <your config here>\n```\n",
        "```bash\nif [ -f x ]; then\n```\n",
        "```python\n```\n",
    )
    INVALID = (
        Invalid("```python\nwith db_manager.get_session() as session\n    pass\n```\n"),
        Invalid("```py\nprint 'hello'\n```\n"),
        Invalid("# Guide\n\n```python\nx = (\n"),
    )

    def check_doc(self, doc: SteeringDoc, project: Project) -> Iterable[Finding]:
        for block in doc.code_blocks:
            if not block.is_python:
                continue
            if not block.closed:
                message = "```python fence is never closed: the rest of the doc is a code block"
                yield self.finding(doc.path, Location.point(block.line), message)
                continue
            error = _syntax_error(block)
            if error is not None:
                line, column, message = error
                yield self.finding(doc.path, Location.point(line, column), message)


def _syntax_error(block: CodeBlock) -> tuple[int, int, str] | None:
    source = textwrap.dedent(block.content)
    try:
        ast.parse(source)
    except SyntaxError as exc:
        if is_fragment(source):
            return None
        line = block.content_line + max((exc.lineno or 1) - 1, 0)
        return line, max(exc.offset or 1, 1), f"python block does not parse: {exc.msg}"
    except (ValueError, RecursionError, MemoryError) as exc:
        return block.content_line, 1, f"python block cannot be parsed: {type(exc).__name__}"
    return None
