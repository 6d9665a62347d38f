"""Normalise setting values before comparing them: quotes, surrounding space, boolean case."""

from __future__ import annotations

import re

_BOOLEANS = frozenset({"true", "false"})


def unquote(value: str) -> str:
    """Strip one pair of matching surrounding quotes (``"x"`` or ``'x'``)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def normalize(value: str) -> str:
    """The form two values are compared in; deliberately nothing cleverer than this.

    ``5`` and ``5.0`` stay different: a reader of the docs would notice the difference too.
    """
    text = unquote(value.strip()).strip()
    if text.lower() in _BOOLEANS:
        return text.lower()
    return text


def same(left: str, right: str) -> bool:
    return normalize(left) == normalize(right)


_FALSY = frozenset({"false", "0", "no", "off"})
_TRUTHY = frozenset({"true", "1", "yes", "on"})


# `scheme://user:password@` of a URL: examples in docs, never the point of a comparison
_USERINFO = re.compile(r"(?<=://)[^/@\s]*@")
# a scheme's own port spelled out: `mysql://h:3306/db` is `mysql://h/db`
_DEFAULT_PORT = re.compile(
    r"(?P<my>^(?:mysql|mariadb)[^:]*://[^/:]*):3306\b|(?P<pg>^postgres[^:]*://[^/:]*):5432\b"
    r"|(?P<redis>^rediss?://[^/:]*):6379\b|(?P<http>^http://[^/:]*):80\b"
    r"|(?P<https>^https://[^/:]*):443\b"
)


def meaning(value: str) -> str:
    """``normalize`` with the spellings of a flag merged (``0``/``false``/``no``/``off``
    are one value to a reader and to every flag parser that accepts both) and a URL's
    credentials dropped (``user:password@`` in a doc is an example)."""
    text = normalize(value).lower()
    if text in _FALSY:
        return "false"
    if text in _TRUTHY:
        return "true"
    bare = _USERINFO.sub("", normalize(value))
    return _DEFAULT_PORT.sub(lambda m: m.group(m.lastgroup or 0), bare)


def python_literal(value: object) -> str | None:
    """How a literal Python default reads in an environment variable; None when it has none."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


_PLACEHOLDER = re.compile(
    r"^<.*>$|^\[[A-Za-z][\w .-]*\]$|^\{\{.*\}\}$|\.\.\.|\u2026|\*{3,}|x{3,}|X{3,}|"
    r"(?:^|[-_ ])your(?:[-_ ]|$)|^your|[-_]here$|change[-_ ]?me|replace[-_ ]?(?:me|this|with)|"
    r"placeholder|^todo$|^tbd$|^fill[-_ ]?(?:me|in)",
    re.IGNORECASE,
)


def is_placeholder(value: str) -> bool:
    """``your-key-here``, ``<generated-key>``, ``sk-xxx``, ``...``, ``changeme``, ``****``:
    a stand-in for whatever the reader fills in, never a value to compare."""
    return _PLACEHOLDER.search(unquote(value.strip())) is not None
