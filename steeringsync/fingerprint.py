"""A canonical text for rule and configuration objects, so equal settings give equal cache keys."""

from __future__ import annotations

import dataclasses
import enum
import re
import types
from pathlib import PurePath
from typing import Any

MAX_DEPTH = 24


class Uncacheable(Exception):
    """An object whose state cannot be written down reliably; the run is not cached."""


def canonical(obj: object) -> str | None:
    """Deterministic across processes (no ids, no set order); None when not possible."""
    try:
        return _text(obj, 0, set())
    except (Uncacheable, RecursionError):
        return None


def _name(obj: object) -> str:
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def _text(obj: object, depth: int, active: set[int]) -> str:
    if depth > MAX_DEPTH:
        raise Uncacheable("too deep")
    if obj is None or isinstance(obj, bool | int | float | str | bytes):
        return repr(obj)
    if isinstance(obj, enum.Enum):
        return f"{_name(obj)}.{obj.name}"
    if isinstance(obj, PurePath):
        return f"Path({str(obj)!r})"
    if isinstance(obj, type):
        return f"<class {obj.__module__}.{obj.__qualname__}>"
    if isinstance(obj, re.Pattern):
        return f"re({obj.pattern!r}, {obj.flags})"
    if id(obj) in active:
        raise Uncacheable("cycle")
    active = active | {id(obj)}
    if isinstance(obj, list | tuple):
        items = ", ".join(_text(i, depth + 1, active) for i in obj)
        return f"{type(obj).__name__}[{items}]"
    if isinstance(obj, set | frozenset):
        return "set[" + ", ".join(sorted(_text(i, depth + 1, active) for i in obj)) + "]"
    if isinstance(obj, dict):
        pairs = sorted(
            f"{_text(k, depth + 1, active)}: {_text(v, depth + 1, active)}" for k, v in obj.items()
        )
        return "{" + ", ".join(pairs) + "}"
    if isinstance(obj, types.FunctionType | types.BuiltinFunctionType):
        return f"<function {obj.__module__}.{obj.__qualname__}>"
    state = _state(obj)
    if state is not None:
        fields = ", ".join(f"{k}={_text(v, depth + 1, active)}" for k, v in sorted(state.items()))
        return f"{_name(obj)}({fields})"
    import pickle  # the rare fallback; not loaded on every run

    try:
        return f"{_name(obj)}<{pickle.dumps(obj, protocol=4).hex()}>"
    except Exception as exc:  # pickling raises whatever the object's reducer raises
        raise Uncacheable(_name(obj)) from exc


def _state(obj: object) -> dict[str, Any] | None:
    """Instance attributes from ``__dict__``, ``__slots__`` and dataclass fields."""
    state: dict[str, Any] = {}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        state.update((f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj))
    found = bool(state)
    if hasattr(obj, "__dict__"):
        state.update(vars(obj))
        found = True
    for cls in type(obj).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if hasattr(obj, slot) and not slot.startswith("__"):
                state[slot] = getattr(obj, slot)
                found = True
    return state if found else None
