"""The pre-filter's byte tests: does a file contain a token, or a token as a whole word?"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence


def contains_trigger(data: bytes, plain: Sequence[bytes], words: Sequence[bytes]) -> bool:
    """Whether ``data`` contains any of ``plain``, or any of ``words`` as a whole word."""
    for token in plain:  # plain loops: this runs for every file of a cold run
        if token in data:
            return True
    for token in words:  # noqa: SIM110 - any() over a generator costs more, 10,000 times
        if token in data and _word(token).search(data) is not None:
            return True
    return False


def has_word(data: bytes, token: bytes) -> bool:
    """Whether ``token`` occurs in ``data`` with no identifier character right after it."""
    return token in data and _word(token).search(data) is not None


@functools.cache
def _word(token: bytes) -> re.Pattern[bytes]:
    # bytes >= 0x80 may start a non-ASCII identifier character: they do not end a word
    return re.compile(re.escape(token) + rb"(?![A-Za-z0-9_\x80-\xff])")
