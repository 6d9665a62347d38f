"""Whether a doc can hold a claim at all, decided without loading the claim readers.

Most docs name some path or command; a doc that does not (only settings, prose and
plain names like `db_manager`) is skipped before the extractors' patterns are compiled,
so a run over such docs pays nothing for the dead-claim rules.
"""

from __future__ import annotations

import re

from steeringsync.steering.document import SteeringDoc

# a code span that may be a path (`/`, `.`), a call `f()`, a CamelCase name or a command
_SPAN_RE = re.compile(
    r"`[^`\n]*(?:[/.(]|\b[A-Z][a-z0-9]+[A-Z])[^`\n]*`"
    r"|`\s*(?:python3?|py|pytest|make|npm|pnpm|yarn|uv|poetry|pipenv|bash|sh|zsh|node|bun)\s"
)
_CLAIM_LANGS = frozenset(
    {"", "text", "txt", "plaintext", "plain", "tree", "bash", "sh", "shell", "console", "zsh",
     "shell-session", "terminal", "markdown", "md", "none", "ascii", "dir", "directory",
     "filetree", "python", "py", "python3", "py3"}
)  # fmt: skip


def may_claim(doc: SteeringDoc) -> bool:
    if any(block.lang in _CLAIM_LANGS for block in doc.code_blocks):
        return True
    return _SPAN_RE.search(doc.text) is not None
