"""The pre-filter's byte tests: does a file contain a token, or a token as a whole word?

Every file of a cold run goes through here, so the tokens are searched in one pass (an
Aho-Corasick automaton, from ahocorasick-rs) rather than one pass per token: the cost
stays flat as steering docs declare more deprecated patterns.

Tokens are matched as bytes. Python reads identifiers NFKC-normalised and in the file's
declared encoding, so a trigger spelled only in compatibility characters (a fullwidth
``getenv``) or through an encoding such as UTF-7 is not seen; ``--no-prefilter`` parses
such a file. Making every non-ASCII file pay for that would cost a tenth of a cold run.
Once a file has a trigger, though, rules are asked again with its identifiers as parsed
(:func:`identifier_view`): a fullwidth ``os`` import beside a plain ``getenv`` counts.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from steeringsync.python.source import UndecodableSource, decode


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


def contains_name(data: bytes, names: Sequence[bytes]) -> bool:
    """Whether one of ``names`` occurs with no ASCII identifier character on either side:
    every place Python or a ``\\b`` search over the decoded text can see the name (a
    non-ASCII neighbour may be a letter or a dash: it counts, so nothing is missed),
    and not inside a longer ASCII word (`main` in `domain`)."""
    automaton = _automaton(tuple(names), ())
    if automaton is None:
        return any(_bounded(token).search(data) is not None for token in names)
    for _, start, end in automaton.find_matches_as_indexes(data, overlapping=True):
        if not _ascii_identifier_byte(data, start - 1) and not _ascii_identifier_byte(data, end):
            return True
    return False


def _ascii_identifier_byte(data: bytes, index: int) -> bool:
    if index < 0 or index >= len(data):
        return False
    byte = data[index]
    return byte == 0x5F or 0x30 <= byte <= 0x39 or 0x61 <= (byte | 0x20) <= 0x7A


@functools.cache
def _bounded(token: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"(?<![A-Za-z0-9_])" + re.escape(token) + rb"(?![A-Za-z0-9_])")


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


_NON_ASCII = bytes(range(128, 256))


# Where a word starts / ends: no identifier byte before / after it (bytes >= 0x80 may
# start a non-ASCII identifier character, so they do not end a word); the regex form of
# _identifier_byte.
WORD_START = rb"(?<![A-Za-z0-9_\x80-\xff])"
WORD_END = rb"(?![A-Za-z0-9_\x80-\xff])"


@functools.cache
def _word(token: bytes) -> re.Pattern[bytes]:
    return re.compile(re.escape(token) + WORD_END)


def identifier_view(data: bytes) -> bytes | None:
    """``data`` as Python reads its identifiers (in the declared encoding, NFKC-normalised:
    a fullwidth ``getenv`` is ``getenv``) when that can differ from the bytes, else None.

    Only a file with a coding cookie or with a character that NFKC turns into an ASCII
    letter, digit or ``_`` can spell a trigger its bytes do not contain.
    """
    if data.isascii() and b"coding" not in _first_two_lines(data):
        return None
    try:
        text, encoding = decode(data)
    except UndecodableSource:
        return None  # nothing parses either
    # the ASCII the parser sees is the ASCII in the bytes (not so in UTF-7, say)
    same_ascii = encoding in ("utf-8", "utf-8-sig") or (
        text.encode("ascii", "ignore") == data.translate(None, _NON_ASCII)
    )
    # a character NFKC turns into ASCII is not NFKC-stable: the quick check rules most
    # files out, the characters themselves the rest
    if same_ascii and (unicodedata.is_normalized("NFKC", text) or not _spells_ascii(text)):
        return None
    view = unicodedata.normalize("NFKC", text).encode("utf-8", "surrogatepass")
    return None if view == data else view


def _first_two_lines(data: bytes) -> bytes:
    """Where a coding cookie may stand (PEP 263: the first two lines)."""
    end = data.find(b"\n")
    if end != -1:
        end = data.find(b"\n", end + 1)
    return data if end == -1 else data[:end]


def _spells_ascii(text: str) -> bool:
    """Whether NFKC turns a character of ``text`` into an ASCII letter, digit or ``_``."""
    runs = set(_NON_ASCII_RUN.findall(text))
    return any(_becomes_ascii_word(char) for run in runs for char in run)


@functools.cache
def _becomes_ascii_word(char: str) -> bool:
    return not _ASCII_WORD.isdisjoint(unicodedata.normalize("NFKC", char))


_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")
