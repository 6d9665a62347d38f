"""The pre-filter's byte tests: does a file contain a token, or a token as a whole word?"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence


def contains_trigger(data: bytes, plain: Sequence[bytes], words: Sequence[bytes]) -> bool:
    """Whether ``data`` contains any of ``plain``, or any of ``words`` as a whole word."""
    if any(token in data for token in plain):
        return True
    return any(has_word(data, token) for token in words)


def has_word(data: bytes, token: bytes) -> bool:
    """Whether ``token`` occurs in ``data`` with no identifier character right after it."""
    return token in data and _word(token).search(data) is not None


@functools.cache
def _word(token: bytes) -> re.Pattern[bytes]:
    # bytes >= 0x80 may start a non-ASCII identifier character: they do not end a word
    return re.compile(re.escape(token) + rb"(?![A-Za-z0-9_\x80-\xff])")
