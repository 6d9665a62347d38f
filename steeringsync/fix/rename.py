"""LibCST codemod: rename a deprecated ``receiver.method`` at the sites SS1xx rules found.

Sites come from the findings' positions (``PositionProvider``), never re-detected. When the
replacement keeps the receiver only the method name changes, so ``self.cache.get()`` and
aliases keep their receiver; otherwise the whole ``receiver.method`` is replaced by the
declared replacement (the rule marks such sites fixable only when its root name is bound
in the module).
"""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from steeringsync.types import Finding

Position = tuple[int, int]  # 1-based line, 1-based column


class _Rename(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, method: str, replacement: str, sites: set[Position], keep: bool) -> None:
        super().__init__()
        self.method = method
        self.new_method = replacement.rpartition(".")[2]
        self.replacement = replacement
        self.keep_receiver = keep
        self.sites = sites
        self.fixed: set[Position] = set()

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        if original_node.attr.value != self.method:
            return updated_node
        start = self.get_metadata(PositionProvider, original_node).start
        site = (start.line, start.column + 1)
        if site not in self.sites:
            return updated_node
        self.fixed.add(site)
        if self.keep_receiver:
            return updated_node.with_changes(attr=cst.Name(self.new_method))
        return cst.parse_expression(self.replacement)


def rename_sites(
    text: str,
    method: str,
    replacement: str,
    findings: Iterable[Finding],
    *,
    keep_receiver: bool,
) -> str:
    """``text`` with each fixable finding's ``…method`` renamed to ``replacement``.

    ``keep_receiver``: the replacement has the same receiver, only the method changes.
    Returns ``text`` unchanged when it does not parse with LibCST.
    """
    sites = {(f.location.line, f.location.column) for f in findings if f.fixable}
    if not sites:
        return text
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return text
    transformer = _Rename(method, replacement, sites, keep_receiver)
    return MetadataWrapper(module).visit(transformer).code
