"""Read a Python file as a user's editor would: PEP 263 cookie, BOM, size and binary checks."""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from steeringsync.types import Location

BINARY_SNIFF = 8192


class UnreadableSource(Exception):
    """The file cannot be checked at all (I/O error, binary, too large); reported as SS901."""


class UndecodableSource(Exception):
    """The bytes do not decode with the declared or default encoding; reported as SS900."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def read_bytes(path: Path, max_size: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_size:
            raise UnreadableSource(f"file is larger than max-file-size ({size} > {max_size} bytes)")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableSource(f"cannot read file: {exc.strerror or exc}") from None
    if b"\0" in data[:BINARY_SNIFF]:
        raise UnreadableSource("file looks binary (contains NUL bytes)")
    return data


def decode(data: bytes) -> tuple[str, str]:
    """Decode source bytes; returns (text without BOM, encoding name as declared)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # bad cookie or BOM/cookie conflict
        raise UndecodableSource(str(exc.msg if hasattr(exc, "msg") else exc), 1) from None
    try:
        text = data.decode(encoding)
    except (UnicodeError, LookupError) as exc:  # some codecs raise plain UnicodeError
        line = data[: getattr(exc, "start", 0)].count(b"\n") + 1
        raise UndecodableSource(
            f"cannot decode as {encoding} (add a PEP 263 coding cookie): {exc}", line
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


@dataclass
class PythonSource:
    """One decoded Python file, with its stdlib ``ast`` parsed on first use."""

    path: Path
    raw: bytes
    text: str
    encoding: str = "utf-8"

    @classmethod
    def from_bytes(cls, path: Path, raw: bytes) -> PythonSource:
        text, encoding = decode(raw)
        return cls(path, raw, text, encoding)

    @cached_property
    def tree(self) -> ast.Module:
        """Raises SyntaxError, ValueError or RecursionError for source that cannot parse."""
        return ast.parse(self.text, filename=str(self.path))

    @cached_property
    def nodes(self) -> list[ast.AST]:
        """Every node of ``tree`` in ``ast.walk`` order, walked once for all rules."""
        return walk(self.tree)

    @cached_property
    def lines(self) -> list[str]:
        # as the parser counts them: str.splitlines() also breaks at \x0c, \x1c, U+2028...
        return self.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def line(self, lineno: int) -> str:
        return self.lines[lineno - 1] if 0 < lineno <= len(self.lines) else ""

    def _column(self, lineno: int, byte_offset: int) -> int:
        # ast reports UTF-8 byte offsets; users and editors count characters
        line = self.line(lineno)
        if line.isascii():
            return byte_offset + 1
        return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="replace")) + 1

    def location(self, node: ast.expr | ast.stmt) -> Location:
        end_line = node.end_lineno or node.lineno
        end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return Location(
            node.lineno,
            self._column(node.lineno, node.col_offset),
            end_line,
            self._column(end_line, end_col),
        )


def walk(tree: ast.AST) -> list[ast.AST]:
    """``list(ast.walk(tree))``, same breadth-first order, ~1.4x faster (no generators)."""
    nodes = [tree]
    for node in nodes:  # the list grows while it is iterated: that is the queue
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                nodes.extend([v for v in value if isinstance(v, ast.AST)])
            elif isinstance(value, ast.AST):
                nodes.append(value)
    return nodes
