"""Parsed steering docs kept between runs, keyed by their bytes: a warm run parses none.

A doc's model is a pure function of its bytes (and this tool's code, in the key), so a
hit can never be stale. Parsing is cheap; loading markdown-it and PyYAML to do it is a
fifth of a warm run, which this avoids. A doc whose front matter holds values JSON
cannot give back exactly (YAML dates, integer keys) is simply parsed every time.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
from pathlib import Path
from typing import Any

from steeringsync.cache import cache_dir, digest, read_blob, run_key, write_blob
from steeringsync.steering import document
from steeringsync.steering.document import (
    CodeBlock,
    FrontMatter,
    Heading,
    Reference,
    SteeringDoc,
    Table,
    TableRow,
)

FILE_NAME = "steering-docs.dat"  # not *.bin: those are run configurations, pruned by age
PARSERS = ("markdown_it", "mdit_py_plugins", "yaml")


class DocCache:
    """Load docs through the cache; ``save`` once after loading them all."""

    def __init__(self, root: Path, base: Path | None = None) -> None:
        self.file = cache_dir(root, base) / FILE_NAME
        # the model is also what these libraries make of the bytes: an upgrade re-parses
        self.key = run_key(("steering docs", *map(_library_stamp, PARSERS))) or ""
        stored = read_blob(self.file, self.key)
        self.stored: dict[str, Any] = stored if isinstance(stored, dict) else {}
        self.used: dict[str, Any] = {}

    def load(self, path: Path) -> SteeringDoc:
        """Like :func:`document.load` (raises OSError only)."""
        data = document.read_doc_bytes(path)
        sha = digest(data).hex()
        encoded = self.stored.get(sha)
        if encoded is not None:
            try:
                doc = decode(path, encoded)
            except (TypeError, ValueError, IndexError, AttributeError):
                pass  # malformed: parse instead
            else:
                self.used[sha] = encoded
                return doc
        doc = document.parse_bytes(path, data)
        fm = doc.front_matter
        if fm is None or _exact_json(fm.data):
            self.used[sha] = encode(doc)
        return doc

    def save(self) -> None:
        """Keep the docs this run loaded; write only when that changed anything."""
        if self.used != self.stored:
            write_blob(self.file, self.key, self.used)


def _library_stamp(name: str) -> str:
    """Where a library is installed and when its files were written (found, not imported:
    a warm run never loads the parsers)."""
    spec = importlib.util.find_spec(name)
    origin = spec.origin if spec is not None else None
    if origin is None:
        return f"{name}: missing"
    try:
        st = os.stat(origin)
    except OSError:
        return f"{name}: {origin}"
    return f"{name}: {origin}:{st.st_size}:{st.st_mtime_ns}"


def _exact_json(value: Any, depth: int = 0) -> bool:
    """Whether JSON gives ``value`` back unchanged (front matter is any YAML value)."""
    if depth > 64:
        return False
    if value is None or type(value) in (str, int, bool):
        return True
    if type(value) is float:
        return value == value and value not in (float("inf"), float("-inf"))
    if type(value) is list:
        return all(_exact_json(v, depth + 1) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _exact_json(v, depth + 1) for k, v in value.items())
    return False


def _fields(item: Any) -> list[Any]:
    """The dataclass's fields as JSON gives them back (tuples as lists)."""
    return [
        list(v) if type(v) is tuple else v
        for v in (getattr(item, f.name) for f in dataclasses.fields(item))
    ]


def encode(doc: SteeringDoc) -> list[Any]:
    """The doc as plain tuples (its path is not stored: the same bytes may live anywhere)."""
    fm = doc.front_matter
    return [
        doc.text,
        None if fm is None else _fields(fm),
        [_fields(h) for h in doc.headings],
        [_fields(b) for b in doc.code_blocks],
        [[list(t.header), [_fields(r) for r in t.rows], t.line] for t in doc.tables],
        [_fields(r) for r in doc.references],
        doc.decode_error,
        doc.decode_error_line,
        doc.unclosed_front_matter,
    ]


def decode(path: Path, data: list[Any]) -> SteeringDoc:
    """The doc ``encode`` gave, at ``path``; raises TypeError/ValueError when malformed."""
    text, fm, headings, blocks, tables, refs, error, error_line, unclosed = data
    return SteeringDoc(
        path,
        text,
        front_matter=None if fm is None else FrontMatter(*fm),
        headings=[Heading(*h) for h in headings],
        code_blocks=[CodeBlock(*b) for b in blocks],
        tables=[
            Table(tuple(header), tuple(TableRow(tuple(c), line) for c, line in rows), line)
            for header, rows, line in tables
        ],
        references=[Reference(*r) for r in refs],
        decode_error=error,
        decode_error_line=error_line,
        unclosed_front_matter=unclosed,
    )
