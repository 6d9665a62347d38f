"""SS900 and SS901: files the engine could not check."""

from __future__ import annotations

from steeringsync.rules.base import EngineRule
from steeringsync.types import Severity


class SyntaxErrorRule(EngineRule):
    """
    ## What it does
    Reports a Python file that steeringsync needed to inspect but that does not parse,
    or whose bytes do not decode (as UTF-8, or as its PEP 263 coding cookie declares).

    ## Why is this bad?
    A file that cannot be parsed cannot be checked: a deprecated call in it would go
    unnoticed. Files are parsed only when they can hold something an enabled rule looks
    for (its trigger tokens, and for settings a read's shape: `os.environ.copy()` alone
    is not one), so a syntax error elsewhere is left to your compiler.

    When the project runs on a newer Python than steeringsync does (`requires-python`,
    `.python-version` or the Dockerfile's `FROM python:3.12`), a file that may use the
    newer syntax is a warning that names both versions, not a syntax error; an
    indentation error is an error in every Python and stays one. The names of the file's
    literal settings reads (`os.getenv("K")`) are kept for the drift rules either way.

    ## Example
    ```python
    with unified_session_manager.get_db_session() as session
        ...
    ```

    ## Fix safety
    Not fixable: fix the syntax error.
    """

    code = "SS900"
    name = "syntax-error"
    summary = "Python file does not parse or decode"


class UnreadableFileRule(EngineRule):
    """
    ## What it does
    Reports a file that was skipped: it could not be read, looks binary (contains NUL
    bytes) or is larger than `max-file-size`.

    ## Why is this bad?
    A skipped file was not checked. Exclude it explicitly if that is intended.

    ## Fix safety
    Not fixable.
    """

    code = "SS901"
    name = "unreadable-file"
    summary = "File skipped: unreadable, binary or too large"
    severity = Severity.WARNING
