"""LibCST codemod: rewrite the deprecated session ``with`` sites found by SS001, exactly.

Sites are located by the finding positions (``PositionProvider``), never re-detected. The
deprecated manager commits when the block ends normally (also via return/break/continue),
rolls back on any escaping exception (``BaseException``, also when ``commit()`` fails) and
always closes. With ``commit-on-exit = true`` a block that cannot be left early becomes::

    NAME = RECV.get_session()
    try:
        BODY
        NAME.commit()
    except BaseException:
        NAME.rollback()
        raise
    finally:
        RECV.close_session(NAME)

When the block's only way out is its final ``return VALUE``, the value is computed in
the ``try`` (``result = VALUE``), committed, and ``return result`` follows the statement.

Otherwise a commit placed after BODY (or in an ``else:``) is skipped by ``return``/
``break``/``continue``, and committing before each exit would evaluate a returned
expression after the commit. Only a ``finally`` sees every way out, so such a block
records in a flag whether an exception escaped and commits in the inner ``finally``::

    NAME = RECV.get_session()
    NAME_failed = False
    try:
        try:
            BODY
        except BaseException:
            NAME_failed = True
            raise
        finally:
            if not NAME_failed:
                NAME.commit()
    except BaseException:
        NAME.rollback()
        raise
    finally:
        RECV.close_session(NAME)

With ``commit-on-exit = false`` the plain ``try``/``finally`` is exact on every path. With
``replacement-style = "with"`` only the call is replaced. ``with a, OLD() as s, b:`` is
split into the nested statements it means (``with a:`` / rewrite / ``with b:``).

A site's plan may also carry edits outside its statement (``fix/acquire.py``): a binding
put before it, the acquisition of a local alias rebound or dropped, guards renamed.
Imports that only the replaced code used are handed to ``RemoveImportsVisitor``, which
removes them only when its scope analysis finds them unused (function-level ones too).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import MetadataWrapper, PositionProvider

from steeringsync.fix.scope import SitePlan

Position = tuple[int, int]  # finding line, 1-based column


def rewrite(
    module: cst.Module, plans: Mapping[Position, SitePlan], *, style: str, commit_on_exit: bool
) -> tuple[cst.Module, set[Position]]:
    """Rewrite the planned sites, then let LibCST add and remove the imports they need."""
    # the module was parsed for this call only, so the wrapper need not copy it
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    context = CodemodContext(wrapper=wrapper)  # scope lookups for removed code's imports
    codemod = SessionCodemod(context, plans, style=style, commit_on_exit=commit_on_exit)
    new = wrapper.visit(codemod)
    if AddImportsVisitor.CONTEXT_KEY in context.scratch:
        new = new.visit(_TopLevelAddImports(context))
    if RemoveImportsVisitor.CONTEXT_KEY in context.scratch:
        new = RemoveImportsVisitor(context).transform_module(new)
    return new, codemod.fixed


class _TopLevelAddImports(AddImportsVisitor):
    """AddImportsVisitor without descending into defs: imports go at module level."""

    def visit_Module(self, node: cst.Module) -> None:
        # its gatherer walks the whole tree; defs hold no top-level import, so it is
        # shown the module with each def as a placeholder statement in its place
        placeholder = cst.SimpleStatementLine(body=[cst.Pass()])
        body = [
            placeholder if isinstance(s, (cst.FunctionDef, cst.ClassDef)) else s for s in node.body
        ]
        super().visit_Module(node.with_changes(body=body))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


class SessionCodemod(cst.CSTTransformer):
    """Rewrites the planned sites; ``fixed`` holds the positions actually rewritten."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(
        self,
        context: CodemodContext,
        plans: Mapping[Position, SitePlan],
        *,
        style: str,
        commit_on_exit: bool,
    ) -> None:
        super().__init__()
        self.context = context  # where imports to add or remove are scheduled
        self.plans = plans
        self.lines = {line for line, _ in plans}
        self.style = style
        self.commit_on_exit = commit_on_exit
        self.matched: dict[int, tuple[Position, SitePlan]] = {}  # id(original Call) -> plan
        self.receivers: dict[Position, cst.BaseExpression] = {}  # the replaced receivers
        self.fixed: set[Position] = set()
        # edits outside the sites' statements; an edit shared by several sites is one edit
        self.renames: dict[Position, str] = {}
        self.rebinds: dict[Position, str] = {}
        self.drops: set[Position] = set()
        for plan in plans.values():
            acq = plan.acquisition
            new_name = plan.receiver.partition(".")[0]
            self.renames.update(dict.fromkeys(acq.renames, new_name))
            if acq.rebind is not None:
                self.rebinds[acq.rebind[0]] = acq.rebind[1]
            self.drops.update(acq.drops)
        edited = [*self.renames, *self.rebinds, *self.drops]
        self.lines.update(line for line, _ in edited)
        self.config = cst.PartialParserConfig()
        self.indent, self.newline = "    ", "\n"

    def on_visit(self, node: cst.CSTNode) -> bool:
        # skip statements that hold no site: most of a large file
        if isinstance(node, (cst.BaseCompoundStatement, cst.SimpleStatementLine)):
            where = self.get_metadata(PositionProvider, node)
            if not any(where.start.line <= line <= where.end.line for line in self.lines):
                return False
        return super().on_visit(node)

    def visit_Module(self, node: cst.Module) -> None:
        self.config = node.config_for_parsing
        # templates are written with these, so new blocks carry no explicit indent
        self.indent, self.newline = node.default_indent, node.default_newline

    def visit_Call(self, node: cst.Call) -> None:
        start = self.get_metadata(PositionProvider, node.func).start
        key = (start.line, start.column + 1)
        plan = self.plans.get(key)
        if plan is not None and plan.fixable:
            self.matched[id(node)] = (key, plan)
            if isinstance(node.func, cst.Attribute):
                self.receivers[key] = node.func.value

    def _at(self, node: cst.CSTNode) -> Position:
        start = self.get_metadata(PositionProvider, node).start
        return (start.line, start.column + 1)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if self.renames and self._at(original_node) in self.renames:
            return updated_node.with_changes(value=self.renames[self._at(original_node)])
        return updated_node

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if not self.rebinds:
            return updated_node
        expression = self.rebinds.get(self._at(original_node.value))
        if expression is None:
            return updated_node
        RemoveImportsVisitor.remove_unused_import_by_node(self.context, original_node.value)
        value = cst.parse_expression(expression, self.config)
        return updated_node.with_changes(value=value)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if len(original_node.body) != 1 or self._at(original_node.body[0]) not in self.drops:
            return updated_node
        _remove_imports_of(self.context, original_node)
        return cst.RemoveFromParent()

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if self.style != "with" or id(original_node) not in self.matched:
            return updated_node
        key, plan = self.matched[id(original_node)]
        func = updated_node.func
        if not isinstance(func, cst.Attribute):
            return updated_node
        self._done(key, plan)
        receiver = cst.parse_expression(plan.receiver, self.config)
        return updated_node.with_changes(
            func=func.with_changes(value=receiver, attr=cst.Name("get_session"))
        )

    def leave_With(
        self, original_node: cst.With, updated_node: cst.With
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if updated_node.asynchronous is not None:
            return updated_node
        marks = {
            k: self.matched[id(item.item)]
            for k, item in enumerate(original_node.items)
            if id(item.item) in self.matched
        }
        if not marks:
            return updated_node
        texts = {plan.acquisition.prelude for _, plan in marks.values()} - {None}
        preludes = [self._parse(text) for text in sorted(t for t in texts if t)]
        if self.style == "with":
            if not preludes:
                return updated_node
            # the binding takes the statement's place, comments above it included
            head = preludes[0].with_changes(leading_lines=updated_node.leading_lines)
            rest = [*preludes[1:], updated_node.with_changes(leading_lines=())]
            return cst.FlattenSentinel([head, *rest])
        stmts = self._split(updated_node, list(updated_node.items), updated_node.body, marks)
        stmts = [*preludes, *stmts]
        first = stmts[0]
        kept = list(updated_node.leading_lines)
        if len(marks) == len(updated_node.items):  # the parentheses go too
            parens = (updated_node.lpar, updated_node.rpar)
            kept += _comment_lines([p for p in parens if isinstance(p, cst.CSTNode)])
        if isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            first = first.with_changes(leading_lines=[*kept, *first.leading_lines])
        return cst.FlattenSentinel([first, *stmts[1:]])

    def _done(self, key: Position, plan: SitePlan) -> None:
        self.fixed.add(key)
        if key in self.receivers:  # e.g. a function-level import of the old manager
            _remove_imports_of(self.context, self.receivers[key])
        if plan.add_import is not None:
            spec = plan.add_import
            AddImportsVisitor.add_needed_import(
                self.context, spec.module, spec.obj, spec.asname, spec.relative
            )
        if plan.remove_import is not None and not plan.remove_import.relative:
            old = plan.remove_import
            RemoveImportsVisitor.remove_unused_import(self.context, old.module, old.obj, old.asname)

    def _split(
        self,
        node: cst.With,
        items: Sequence[cst.WithItem],
        body: cst.BaseSuite,
        marks: Mapping[int, tuple[Position, SitePlan]],
    ) -> list[cst.BaseStatement]:
        """The statements meaning ``with items: body`` with the marked items rewritten."""
        if not marks:
            return [_with(node, items, body)]
        k = min(marks)
        key, plan = marks[k]
        self._done(key, plan)
        after = {i - k - 1: m for i, m in marks.items() if i > k}
        if k + 1 < len(items):
            inner = self._split(node, items[k + 1 :], body, after)
            footer: Sequence[cst.EmptyLine] = ()
        else:
            inner, footer = _statements(body)
        header = body.header if isinstance(body, cst.IndentedBlock) else None
        rewrite = self._rewrite(plan, inner, footer)
        # comments written inside the removed item move above its replacement
        notes = _comment_lines([items[k]])
        if notes:
            head = rewrite[0]
            assert isinstance(head, cst.SimpleStatementLine)
            rewrite[0] = head.with_changes(leading_lines=[*notes, *head.leading_lines])
        if k > 0:  # the `with` line stays, and so does its comment
            block = cst.IndentedBlock(body=rewrite, header=header or cst.TrailingWhitespace())
            return [_with(node, items[:k], block)]
        if header is not None and header.comment is not None:
            first = rewrite[0]
            assert isinstance(first, cst.SimpleStatementLine)
            rewrite[0] = first.with_changes(trailing_whitespace=header)
        return rewrite

    def _parse(self, code: str) -> cst.BaseStatement:
        code = code.replace("    ", self.indent).replace("\n", self.newline)
        return cst.parse_statement(code, self.config)

    def _rewrite(
        self, plan: SitePlan, body: list[cst.BaseStatement], footer: Sequence[cst.EmptyLine]
    ) -> list[cst.BaseStatement]:
        name, recv = plan.name, plan.receiver
        assign = self._parse(f"{name} = {recv}.get_session()\n")
        close = f"finally:\n    {recv}.close_session({name})\n"
        rollback = f"except BaseException:\n    {name}.rollback()\n    raise\n"
        if not self.commit_on_exit:
            outer = self._parse(f"try:\n    pass\n{close}")
            return [assign, _with_body(outer, body or [self._parse("pass\n")], footer)]
        if plan.flag is None:
            outer = self._parse(f"try:\n    pass\n{rollback}{close}")
            if _ends_with_raise(body):  # a commit after it could never run
                return [assign, _with_body(outer, body, footer)]
            after: list[cst.BaseStatement] = []
            if plan.result is not None:
                body, footer, ret = self._take_return(body, footer, plan.result)
                after.append(ret)
            commit = self._parse(f"{name}.commit()\n").with_changes(leading_lines=footer)
            return [assign, _with_body(outer, [*body, commit], ()), *after]
        flag = plan.flag
        inner = self._parse(
            f"try:\n    pass\nexcept BaseException:\n    {flag} = True\n    raise\n"
            f"finally:\n    if not {flag}:\n        {name}.commit()\n"
        )
        outer = self._parse(f"try:\n    pass\n{rollback}{close}")
        inner = _with_body(inner, body, footer)
        return [assign, self._parse(f"{flag} = False\n"), _with_body(outer, [inner], ())]

    def _take_return(
        self, body: list[cst.BaseStatement], footer: Sequence[cst.EmptyLine], result: str
    ) -> tuple[list[cst.BaseStatement], Sequence[cst.EmptyLine], cst.BaseStatement]:
        """Split a final ``return VALUE`` into ``result = VALUE`` and a ``return result``."""
        line = body[-1]
        assert isinstance(line, cst.SimpleStatementLine)
        ret = line.body[-1]
        assert isinstance(ret, cst.Return)
        if ret.value is None:
            final = self._parse("return\n").with_changes(
                trailing_whitespace=line.trailing_whitespace
            )
            if len(line.body) == 1:  # the line goes; its comments stay before the commit
                return body[:-1], [*line.leading_lines, *footer], final
            return [*body[:-1], line.with_changes(body=line.body[:-1])], footer, final
        keep = cst.Assign(targets=[cst.AssignTarget(cst.Name(result))], value=ret.value)
        line = line.with_changes(body=[*line.body[:-1], keep])
        return [*body[:-1], line], footer, self._parse(f"return {result}\n")


def _remove_imports_of(context: CodemodContext, node: cst.CSTNode) -> None:
    """Schedule the imports ``node`` reads for removal where nothing else reads them."""
    # a relative import, whose package we do not know, raises ValueError: left alone
    with contextlib.suppress(ValueError):
        RemoveImportsVisitor.remove_unused_import_by_node(context, node)


def _statements(body: cst.BaseSuite) -> tuple[list[cst.BaseStatement], Sequence[cst.EmptyLine]]:
    if isinstance(body, cst.IndentedBlock):
        if _only_pass(body):  # the commit now fills the block
            return [], body.footer
        return list(body.body), body.footer
    assert isinstance(body, cst.SimpleStatementSuite)
    line = cst.SimpleStatementLine(body=body.body, trailing_whitespace=body.trailing_whitespace)
    return [line], ()


def _comment_lines(nodes: Sequence[cst.CSTNode]) -> list[cst.EmptyLine]:
    """Every comment under ``nodes``, as own-line comments."""
    found: list[cst.Comment] = []

    class Collect(cst.CSTVisitor):
        def visit_Comment(self, node: cst.Comment) -> None:
            found.append(node)

    for node in nodes:
        node.visit(Collect())
    return [cst.EmptyLine(comment=c) for c in found]


def _ends_with_raise(body: Sequence[cst.BaseStatement]) -> bool:
    last = body[-1] if body else None
    return isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], cst.Raise)


def _only_pass(body: cst.IndentedBlock) -> bool:
    line = body.body[0] if len(body.body) == 1 else None
    return (
        isinstance(line, cst.SimpleStatementLine)
        and not line.leading_lines
        and len(line.body) == 1
        and isinstance(line.body[0], cst.Pass)
        and line.trailing_whitespace.comment is None
    )


def _with_body(
    stmt: cst.BaseStatement, body: list[cst.BaseStatement], footer: Sequence[cst.EmptyLine]
) -> cst.BaseStatement:
    assert isinstance(stmt, cst.Try) and isinstance(stmt.body, cst.IndentedBlock)
    return stmt.with_changes(body=stmt.body.with_changes(body=body, footer=footer))


def _with(node: cst.With, items: Sequence[cst.WithItem], body: cst.BaseSuite) -> cst.With:
    """A ``with`` over a subset of ``node``'s items, keeping its parentheses and spacing."""
    last = items[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return node.with_changes(items=[*items[:-1], last], body=body, leading_lines=())
