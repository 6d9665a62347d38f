"""The pre-filter's byte tests: does a file contain a token, or a token as a whole word?

Every file of a cold run goes through here, so the tokens are searched in one pass (an
Aho-Corasick automaton, from ahocorasick-rs) rather than one pass per token: the cost
stays flat as steering docs declare more deprecated patterns.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any


def contains_trigger(data: bytes, plain: Sequence[bytes], words: Sequence[bytes]) -> bool:
    """Whether ``data`` contains any of ``plain``, or any of ``words`` as a whole word."""
    automaton = _automaton(tuple(plain), tuple(words))
    if automaton is None:
        return _contains_each(data, plain, words)
    # overlapping: a word's match may hide inside a longer one that is not a word
    for index, _, end in automaton.find_matches_as_indexes(data, overlapping=True):
        if index < len(plain) or not _identifier_byte(data, end):
            return True
    return False


def has_word(data: bytes, token: bytes) -> bool:
    """Whether ``token`` occurs in ``data`` with no identifier character right after it."""
    return token in data and _word(token).search(data) is not None


@functools.cache
def _automaton(plain: tuple[bytes, ...], words: tuple[bytes, ...]) -> Any:
    tokens = [*plain, *words]
    if not tokens:
        return None
    try:
        from ahocorasick_rs import BytesAhoCorasick
    except ImportError:  # a platform without its wheel: one search per token
        return None
    return BytesAhoCorasick(tokens)


def _contains_each(data: bytes, plain: Sequence[bytes], words: Sequence[bytes]) -> bool:
    for token in plain:
        if token in data:
            return True
    for token in words:  # noqa: SIM110 - any() over a generator costs more, 10,000 times
        if has_word(data, token):
            return True
    return False


def _identifier_byte(data: bytes, index: int) -> bool:
    """Whether the byte at ``index`` may continue an identifier (out of range: no)."""
    if index >= len(data):
        return False
    byte = data[index]
    # bytes >= 0x80 may start a non-ASCII identifier character: they do not end a word
    return byte >= 0x80 or byte == 0x5F or 0x30 <= byte <= 0x39 or 0x61 <= (byte | 0x20) <= 0x7A


@functools.cache
def _word(token: bytes) -> re.Pattern[bytes]:
    return re.compile(re.escape(token) + rb"(?![A-Za-z0-9_\x80-\xff])")
