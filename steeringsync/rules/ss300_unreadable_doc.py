"""SS300: a steering doc that cannot be read as UTF-8 text."""

from __future__ import annotations

from collections.abc import Iterable

from steeringsync.project import Project
from steeringsync.rules.base import DocRule, Invalid
from steeringsync.steering.document import SteeringDoc
from steeringsync.types import Finding, Location


class UnreadableSteeringDoc(DocRule):
    """
    ## What it does
    Reports a steering doc whose bytes are not valid UTF-8 (for example a file saved as
    Latin-1 or Windows-1252 by an old editor), or that cannot be read at all: not a
    regular file, or larger than 1 MiB (such a doc is skipped unparsed, so a hostile
    repository cannot make the check slow). The line of the first bad byte is given.
    The doc's other checks still run on a best-effort decoding, with bad bytes replaced.

    ## Why is this bad?
    Kiro reads steering docs as UTF-8: the bad bytes reach the agent as replacement
    characters, and accented names or symbols in the guidance are garbled.

    ## Example
    A doc containing `caf\\xe9` (Latin-1 for "café").

    ## Use instead
    Re-save the file as UTF-8 (`iconv -f latin1 -t utf-8`).

    ## Fix safety
    Not fixable: only you know the encoding the file was written in.
    """

    code = "SS300"
    name = "unreadable-steering-doc"
    summary = "Steering doc is not valid UTF-8 or cannot be read"
    VALID = ("# Café ☕ 日本語\n", "", "\ufeff# BOM is fine\r\n")
    INVALID = (Invalid("# Caf\udce9 au lait\n"),)

    def check_doc(self, doc: SteeringDoc, project: Project) -> Iterable[Finding]:
        if doc.decode_error is None:
            return
        location = Location.point(doc.decode_error_line)
        yield self.finding(doc.path, location, f"steering doc: {doc.decode_error}")
