"""Escapes for repository-controlled text in every output: no control sequence gets out.

Paths, messages, doc text and config values come from the repository being checked. Raw,
an ESC sequence in a file name can rewrite the terminal ("All checks passed."), a newline
can start a GitHub Actions workflow command (``::add-mask::``, ``::stop-commands::``), and
a non-UTF-8 file name can crash the run on output. Every reporter, and the CLI for
stderr, routes such text through these functions:

- :func:`clean_text` for one-line text (a path, a message, a value);
- :func:`clean_block` for multi-line text shown as such (rule documentation);
- :func:`safe_line` for each finished output line (a line that would read as a
  workflow command is defused);
- :func:`workflow_data` / :func:`workflow_property` for the two fields of a GitHub
  workflow command;
- :func:`uri_path` for a path in a URI (SARIF ``artifactLocation.uri``).
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote

# C0 and C1 controls, DEL, the bidi overrides and isolates ("Trojan Source") and the
# Unicode line separators, plus lone surrogates (undecodable bytes of a file name)
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufeff]"
)
# tabs, line feeds and the CR of a CRLF stay: a diff must still apply
_UNSAFE_KEEP_LINES = re.compile(
    _UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x08\x0b\x0c\x0e-\x1f") + "|\r(?!\n)"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# how GitHub Actions spells workflow commands at the start of a line (v2 and v1)
_COMMAND_START = re.compile(r"^[ \t]*(?:::|##\[)")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the original byte, as Python shows it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def clean_text(text: str) -> str:
    """One line of repository text, every control character, line break, bidi control
    and undecodable byte written as a visible backslash escape (``\\x1b``, ``\\n``)."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def clean_block(text: str) -> str:
    """Like :func:`clean_text` but keeps line breaks; each line is made :func:`safe_line`."""
    if not _UNSAFE_KEEP_LINES.search(text) and "::" not in text and "##[" not in text:
        return text
    cleaned = _UNSAFE_KEEP_LINES.sub(_escape, text)
    return "\n".join(safe_line(line) for line in cleaned.split("\n"))


def safe_line(line: str) -> str:
    """A finished output line that cannot be read as a workflow command (a path may
    start with ``::``): the leading colon is escaped as ``\\:``."""
    match = _COMMAND_START.match(line)
    if match is None:
        return line
    return line[: match.end() - 2] + "\\" + line[match.end() - 2 :]


def workflow_data(text: str) -> str:
    """The message of a GitHub workflow command (after the second ``::``)."""
    return clean_text(text).replace("%", "%25")


def workflow_property(text: str) -> str:
    """A ``key=value`` property of a GitHub workflow command."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


def uri_path(path: str) -> str:
    """A relative posix path as a URI reference: its bytes (the original ones for an
    undecodable name) percent-encoded, so any name gives a valid, lossless URI."""
    return quote(os.fsencode(path), safe="/")
