"""Parse one ``KEY=VALUE`` line as shells and env files write it: export, quotes, comments."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Setting names look like environment variables: upper-case words joined by `_`. Lower-case
# names in shell snippets are local variables, not configuration.
NAME = r"(?=_*[A-Z])[A-Z_][A-Z0-9_]*"
_LINE = re.compile(
    r"^(?P<lead>[ \t]*(?:>[ \t]?)*[ \t]*(?:\$[ \t]+)?(?:export[ \t]+)?)"
    rf"(?P<key>{NAME})(?P<eq>[ \t]*=(?!=)[ \t]*)"
)
SHELL_STYLE = frozenset({"bash", "sh", "shell", "console", "zsh"})


@dataclass(frozen=True)
class Assignment:
    key: str
    key_start: int  # 0-based offsets into the line
    value: str | None  # None: the value is a shell expansion, not a literal
    value_start: int
    value_end: int
    quote: str  # the quote around the value as written, "" when unquoted


def parse_line(line: str, shell: bool = False) -> Assignment | None:
    """``export KEY="v" # note`` -> key, value and the span of the value's characters.

    ``shell`` ends an unquoted value at the first blank (``KEY=v cmd`` runs a command);
    env and ini files take the rest of the line, minus an inline `` # comment``.
    """
    line = line.rstrip("\r\n")
    match = _LINE.match(line)
    if match is None:
        return None
    key = match.group("key")
    start = match.end()
    rest = line[start:]
    if rest[:1] in ("'", '"'):
        quote = rest[0]
        close = _closing(rest, quote)
        inner_end = start + (close if close is not None else len(rest))
        value = line[start + 1 : inner_end]
        expanded = quote == '"' and ("$" in value or "`" in value)
        return Assignment(
            key, match.start("key"), None if expanded else value, start + 1, inner_end, quote
        )
    if shell:
        token = re.match(r"[^\s]*", rest)
        end = start + (token.end() if token else 0)
        if rest.startswith("#"):
            end = start
    else:
        comment = re.search(r"(?:^|[ \t])[#;]", rest)
        end = start + (comment.start() if comment else len(rest))
        end = start + len(line[start:end].rstrip())
    value = line[start:end]
    expanded = "$" in value or "`" in value
    return Assignment(key, match.start("key"), None if expanded else value, start, end, "")


def _closing(text: str, quote: str) -> int | None:
    """Index of the quote closing ``text[0]``, honouring backslash escapes in double quotes."""
    i = 1
    while i < len(text):
        if text[i] == "\\" and quote == '"':
            i += 2
            continue
        if text[i] == quote:
            return i
        i += 1
    return None
