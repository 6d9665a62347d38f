"""Where each `fileMatchPattern` glob is written, and the byte-preserving rewrite of a joined
one (``"a/*.ts,b/*.ts"``) into the YAML list Kiro reads as several globs.

Only the characters of the joined value change: quote style, key order, comments, line
endings and a BOM stay as they were, and the result is read back with PyYAML before it is
accepted.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from steeringsync.steering.document import YamlTooBig, load_yaml_bounded
from steeringsync.steering.globs import kiro_globs, separators, split_joined

KEY = "fileMatchPattern"
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")  # as markdown-it counts lines
_BLOCK_ITEM_PREFIX_RE = re.compile(r"[ \t]*-[ \t]+\Z")
Container = Literal["value", "flow", "block"]


class EditError(Exception):
    """The joined pattern cannot be rewritten exactly; the doc is left as it was."""


@dataclass(frozen=True)
class PatternSite:
    """One glob string of ``fileMatchPattern`` as it is written in the front matter."""

    value: str
    line: int  # 0-based line and column within the front matter
    column: int
    start: int  # character offsets of the scalar (quotes included) in the front matter
    end: int
    style: str | None  # None (plain), "'", '"', or "|" / ">" for block scalars
    container: Container  # the key's own value, or an element of a flow / block list
    one_line: bool

    @property
    def joined(self) -> bool:
        return bool(separators(self.value))


def pattern_sites(front_matter: str) -> list[PatternSite]:
    """Every string glob of the last top-level ``fileMatchPattern`` key (the one PyYAML
    keeps); empty when the YAML does not compose or has no such key."""
    import yaml

    try:
        node = yaml.compose(front_matter, Loader=yaml.SafeLoader)
    except Exception:  # a YAML error is SS301's finding, not ours
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    values = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == KEY]
    if not values:
        return []
    value = values[-1]
    if isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:str":
        return [_site(value, "value")]
    if isinstance(value, yaml.SequenceNode):
        container: Container = "flow" if value.flow_style else "block"
        return [
            _site(item, container)
            for item in value.value
            if isinstance(item, yaml.ScalarNode) and item.tag == "tag:yaml.org,2002:str"
        ]
    return []


def _site(node: Any, container: Container) -> PatternSite:
    start, end = node.start_mark, node.end_mark
    return PatternSite(
        value=str(node.value),
        line=start.line,
        column=start.column,
        start=start.index,
        end=end.index,
        style=node.style,
        container=container,
        one_line=start.line == end.line,
    )


def quote(glob: str, style: str | None) -> str:
    """A glob as a YAML flow scalar in the author's quote style (double quotes for plain
    scalars: a plain `*.ts` would read as an alias inside a list)."""
    if style == "'":
        return "'" + glob.replace("'", "''") + "'"
    if any(ord(ch) < 0x20 or ch == "\x7f" for ch in glob):
        raise EditError("the pattern holds a control character")
    return '"' + glob.replace("\\", "\\\\").replace('"', '\\"') + '"'


def split_front_matter(text: str, line: int, end_line: int) -> tuple[str, str, str]:
    """``text`` cut into (before, front matter, after), the front matter being the lines
    between the opening `---` (doc line ``line``) and the closing one, its breaks as written."""
    starts = [0, *(m.end() for m in _LINE_BREAK_RE.finditer(text))]
    if end_line > len(starts):
        raise EditError("the front matter is not where the parse put it")
    begin = starts[line]  # the line after the opening marker
    closing = starts[end_line - 1]
    previous_break = _LINE_BREAK_RE.search(text, starts[end_line - 2], closing)
    stop = previous_break.start() if previous_break and begin < closing else begin
    return text[:begin], text[begin:stop], text[stop:]


def unjoin(front_matter: str) -> str:
    """The front matter with every joined glob of ``fileMatchPattern`` split into list
    elements; unchanged when there is none. Raises EditError when a site cannot be
    rewritten exactly or the result would not read back as the same patterns."""
    sites = [s for s in pattern_sites(front_matter) if s.joined]
    if not sites:
        return front_matter
    new = front_matter
    for site in sorted(sites, key=lambda s: s.start, reverse=True):  # later edits first
        new = _rewrite(new, site)
    _verify(front_matter, new)
    return new


def _rewrite(text: str, site: PatternSite) -> str:
    if not site.one_line or site.style not in (None, "'", '"'):
        raise EditError("the pattern is written over several lines")
    parts = [quote(glob, site.style) for glob in split_joined(site.value)]
    if not parts:
        raise EditError("the pattern holds separators only")
    before, after = text[: site.start], text[site.end :]
    if site.container == "value":
        return before + "[" + ", ".join(parts) + "]" + after
    if site.container == "flow":
        return before + ", ".join(parts) + after
    # a block list item: the first glob stays on its line, the others follow as items
    line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    prefix = before[line_start:]
    if not _BLOCK_ITEM_PREFIX_RE.match(prefix):
        raise EditError("the list item shares its line with other YAML")
    line_end = _LINE_BREAK_RE.search(text, site.end)
    any_break = line_end or _LINE_BREAK_RE.search(text)
    newline = any_break.group() if any_break else "\n"  # the item's own line ending
    stop = line_end.start() if line_end else len(text)
    rest = text[site.end : stop]
    if rest.strip() and not rest.strip().startswith("#"):
        raise EditError("the list item shares its line with other YAML")
    extra = "".join(newline + prefix + part for part in parts[1:])
    return before + parts[0] + rest + extra + text[stop:]


def _verify(old: str, new: str) -> None:
    """PyYAML must read ``new`` as ``old`` with each joined glob split in place."""
    import yaml

    try:
        before, after = load_yaml_bounded(old), load_yaml_bounded(new)
    except YamlTooBig as exc:
        raise EditError(str(exc)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - quoting above keeps YAML valid
        raise EditError(f"the rewritten front matter is not valid YAML: {exc}") from None
    if not isinstance(before, dict) or not isinstance(after, dict):
        raise EditError("the front matter is not a mapping")
    expected = dict(before)
    value = before.get(KEY)
    globs = value if isinstance(value, list) else [value]
    flat: list[Any] = []
    for glob in globs:
        flat.extend(split_joined(glob) if isinstance(glob, str) and separators(glob) else [glob])
    expected[KEY] = flat
    if after != expected or list(after) != list(expected):
        raise EditError("the rewritten front matter would not read back as the same patterns")
    if not all(isinstance(g, str) and not separators(g) for g in kiro_globs(after[KEY])):
        raise EditError("a pattern is still joined after the rewrite")  # pragma: no cover


def unjoin_doc(data: bytes, line: int, end_line: int) -> bytes:
    """The doc's bytes with its joined ``fileMatchPattern`` globs split into a YAML list;
    everything else, a BOM and CRLF line endings included, byte for byte as it was."""
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    try:
        text = data[len(bom) :].decode("utf-8")
    except UnicodeDecodeError:
        raise EditError("the doc is not valid UTF-8") from None
    before, front_matter, after = split_front_matter(text, line, end_line)
    return bom + (before + unjoin(front_matter) + after).encode("utf-8")


def joined_sites(front_matter: str) -> Sequence[PatternSite]:
    """The globs of ``fileMatchPattern`` that Kiro reads as one glob but were meant as several."""
    return [site for site in pattern_sites(front_matter) if site.joined]
