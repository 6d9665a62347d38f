"""Settings read by Python code: ``os.getenv``/``os.environ`` and pydantic-settings classes."""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from steeringsync.drift.constants import Constants
from steeringsync.drift.reads import (
    COLLECTOR,
    DISPLAY,
    LITERAL,
    NONE,
    OVERRIDE,
    UNKNOWN,
    WRITE,
    CodeSetting,
)
from steeringsync.drift.values import python_literal
from steeringsync.python.noqa import suppressed_codes
from steeringsync.python.pruned_walk import lines_with, statements_near, walk_near
from steeringsync.python.source import PythonSource
from steeringsync.rules.base import FactCollector
from steeringsync.triggers import WORD_END, WORD_START, has_word

_IMPORTS = (ast.Import, ast.ImportFrom)
# every import statement spells this on one of its lines
_IMPORTED = ("import",)
# `os` as a whole word: no identifier character on either side
_OS = re.compile(WORD_START + rb"os" + WORD_END)
# what may stand between a name and what follows it in the same expression (a comment
# runs to the end of its line: one way to match it, so no backtracking blow-up)
_GAP = rb"(?:[ \t\f\r\n)]|\\\r?\n|\\\r|#[^\r\n]*(?![^\r\n]))*"
# after `getenv`: a call; after `environ`: a subscript or .get/.setdefault; after either:
# `as` (an alias); matched only where the name occurs, not scanned for over the file
_AFTER = {
    b"getenv": re.compile(_GAP + rb"(?:\(|as" + WORD_END + rb")"),
    b"environ": re.compile(
        _GAP + rb"(?:\[|\." + _GAP + rb"(?:get|setdefault)" + WORD_END + rb"|as" + WORD_END + rb")"
    ),
}


# fallbacks that only say "nothing is set" in a message: not a default anyone runs with
_DISPLAY_VALUES = frozenset(
    {
        "not set",
        "not_set",
        "(not set)",
        "<not set>",
        "unset",
        "unknown",
        "n/a",
        "none",
        "not configured",
        "not-set",
    }
)
# calls whose arguments are shown, not used: print, logging, click.echo
_SHOWN = frozenset(
    {"print", "debug", "info", "warning", "warn", "error", "exception", "critical", "log",
     "echo", "secho"}
)  # fmt: skip
# django-environ's typed readers: ``env.str("K", default="x")``
_ENV_METHODS = frozenset(
    {"str", "bool", "int", "float", "list", "tuple", "dict", "json", "url", "db", "db_url",
     "cache", "cache_url", "email", "email_url", "search_url", "path", "bytes", "parse_value"}
)  # fmt: skip
# pydantic field types that hold a value, not a nested model
_VALUE_TYPES = frozenset(
    {"Field", "SecretStr", "SecretBytes", "Path", "Decimal", "HttpUrl", "AnyUrl"}
)


def _default(node: ast.expr | None) -> tuple[str, str | None]:
    if node is None:
        return NONE, None
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub | ast.UAdd)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, int | float)
    ):
        value = node.operand.value
        return LITERAL, python_literal(-value if isinstance(node.op, ast.USub) else value)
    if isinstance(node, ast.Constant):
        if node.value is None or node.value is Ellipsis:
            return NONE, None
        text = python_literal(node.value)
        return (LITERAL, text) if text is not None else (UNKNOWN, None)
    return UNKNOWN, None


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _name(node: ast.expr) -> str | None:
    """The last name of ``a.b.C`` or ``C``."""
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


class _Finder:
    def __init__(self, source: PythonSource) -> None:
        self.source = source
        self.os_names: set[str] = set()
        self.getenv_names: set[str] = set()
        self.environ_names: set[str] = set()
        self.base_names: set[str] = {"BaseSettings"}
        # `getenv("K") or "default"`: the call's id -> the fallback expression
        self.fallbacks: dict[int, ast.expr] = {}
        self.constants: dict[str, Constants] = {}  # by the key's variable name
        self.shown: set[int] = set()  # ids of calls whose value is only printed or logged
        # `os.getenv("K") == "1"`: the call's id -> the literal an unset value never equals
        self.compares: dict[int, str] = {}
        # python-decouple: `config` functions; django-environ: `Env` classes and instances
        self.decouple_names: set[str] = set()
        self.decouple_classes: set[str] = set()
        self.environ_modules: set[str] = set()
        self.env_classes: set[str] = set()
        self.env_names: set[str] = set()

    def keys(self, node: ast.expr | None) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        name = node.id if isinstance(node, ast.Name) else None
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            name = node.value.id
        if name is None:
            return []
        constants = self.constants.get(name)
        if constants is None:  # rare: a key that is not a literal
            constants = Constants.for_name(self.source.tree, self.source.text, name)
            self.constants[name] = constants
        return constants.keys(node)

    def find(self) -> Iterator[CodeSetting]:
        # Every node that matters spells a name, so only the lines holding one are walked:
        # first the imports that bind the names, then the reads through them.
        tree, text = self.source.tree, self.source.text
        for stmt in statements_near(tree, lines_with(text, _IMPORTED)):
            if isinstance(stmt, _IMPORTS):
                self._imports(stmt)
        if self.decouple_classes or self.env_classes or self.environ_modules:
            self._instances()
        words = {
            "getenv", "environ", *self.getenv_names, *self.environ_names,
            *self.decouple_names, *self.env_names,
        }  # fmt: skip
        nodes = walk_near(tree, lines_with(text, words))
        for node in nodes:
            if _is_shown(node):
                self.shown.update(id(n) for n in ast.walk(node) if isinstance(n, ast.Call))
            if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
                first = node.values[0]
                if isinstance(first, ast.Call) and len(node.values) == 2:
                    self.fallbacks[id(first)] = node.values[1]
            elif isinstance(node, ast.Compare) and len(node.ops) == 1:
                self._compared(node)
        for node in nodes:
            if isinstance(node, ast.Call):
                yield from self._call(node)
            elif (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Load)
                and self._is_environ(node.value)
            ):
                for key in self.keys(node.slice):
                    yield self._setting(key, NONE, None, node)
        yield from _SettingsClasses(self).find()

    def _imports(self, node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "os" or alias.name.startswith("os."):
                    self.os_names.add(alias.asname or "os")
                elif alias.name == "environ":
                    self.environ_modules.add(alias.asname or "environ")
                elif alias.name == "decouple":
                    self.decouple_classes.add(f"{alias.asname or 'decouple'}.AutoConfig")
                    self.decouple_names.add(alias.asname or "decouple")
        elif isinstance(node, ast.ImportFrom) and node.module in ("decouple", "environ"):
            for alias in node.names:
                local = alias.asname or alias.name
                if alias.name == "config":
                    self.decouple_names.add(local)
                elif alias.name in ("AutoConfig", "Config", "RepositoryEnv"):
                    self.decouple_classes.add(local)
                elif alias.name in ("Env", "FileAwareEnv"):
                    self.env_classes.add(local)
        elif isinstance(node, ast.ImportFrom) and node.module != "os":
            for alias in node.names:
                if alias.name == "BaseSettings" and alias.asname:
                    self.base_names.add(alias.asname)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "getenv":
                    self.getenv_names.add(alias.asname or alias.name)
                elif alias.name == "environ":
                    self.environ_names.add(alias.asname or alias.name)

    def _compared(self, node: ast.Compare) -> None:
        """Record ``read == "1"`` (also ``read.lower() == "true"``, either side)."""
        if not isinstance(node.ops[0], ast.Eq | ast.NotEq):
            return
        for read, other in ((node.left, node.comparators[0]), (node.comparators[0], node.left)):
            literal = _string(other)
            if literal is None:
                continue
            if (
                isinstance(read, ast.Call)
                and isinstance(read.func, ast.Attribute)
                and read.func.attr in ("lower", "upper", "strip", "casefold")
            ):
                read = read.func.value
            if isinstance(read, ast.Call):
                self.compares[id(read)] = literal

    def _instances(self) -> None:
        """``config = AutoConfig(...)``, ``env = environ.Env(...)``: names that read settings."""
        for node in ast.walk(self.source.tree):
            if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
                continue
            made = ast.unparse(node.value.func)
            head, _, last = made.rpartition(".")
            is_env = made in self.env_classes or (
                head in self.environ_modules and last in ("Env", "FileAwareEnv")
            )
            is_config = made in self.decouple_classes
            is_config |= last in ("AutoConfig", "Config") and head in self.decouple_names
            for target in node.targets:
                if isinstance(target, ast.Name) and is_env:
                    self.env_names.add(target.id)
                elif isinstance(target, ast.Name) and is_config:
                    self.decouple_names.add(target.id)

    def _library_read(self, call: ast.Call) -> Iterator[CodeSetting]:
        """python-decouple's ``config("K", default=…)``; django-environ's ``env("K")``,
        ``env.str("K", "default")``."""
        func = call.func
        owner = _name(func.value) if isinstance(func, ast.Attribute) else None
        if isinstance(func, ast.Name) and func.id in self.env_names:
            default = _keyword(call, "default")  # the second argument is the cast
        elif (
            (isinstance(func, ast.Name) and func.id in self.decouple_names)
            or (owner in self.decouple_names and _name(func) == "config")
            or (owner in self.env_names and _name(func) in _ENV_METHODS)
        ):
            default = call.args[1] if len(call.args) > 1 else _keyword(call, "default")
        else:
            return
        key = _string(call.args[0] if call.args else _keyword(call, "var"))
        if key is None:
            key = _string(_keyword(call, "option"))
        if key is not None:
            state, value = _default(default)
            yield self._setting(key, state, value, call, self._use(call, value))

    def _use(self, call: ast.Call, value: str | None) -> str:
        shown = id(call) in self.shown
        if shown or (value is not None and value.strip().lower() in _DISPLAY_VALUES):
            return DISPLAY
        return ""

    def _is_os(self, node: ast.expr, attr: str) -> bool:
        return (
            isinstance(node, ast.Attribute)
            and node.attr == attr
            and isinstance(node.value, ast.Name)
            and node.value.id in self.os_names
        )

    def _is_environ(self, node: ast.expr) -> bool:
        named = isinstance(node, ast.Name) and node.id in self.environ_names
        return named or self._is_os(node, "environ")

    def _call(self, call: ast.Call) -> Iterator[CodeSetting]:
        func = call.func
        is_getenv = self._is_os(func, "getenv") or (
            isinstance(func, ast.Name) and func.id in self.getenv_names
        )
        is_environ_get = (
            isinstance(func, ast.Attribute)
            and func.attr in ("get", "setdefault")
            and self._is_environ(func.value)
        )
        if not (is_getenv or is_environ_get):
            yield from self._library_read(call)
            return
        key_node = call.args[0] if call.args else _keyword(call, "key")
        keys = self.keys(key_node)
        default = call.args[1] if len(call.args) > 1 else _keyword(call, "default")
        if default is None or (isinstance(default, ast.Constant) and default.value is None):
            default = self.fallbacks.get(id(call), default)
        state, value = _default(default)
        write = isinstance(func, ast.Attribute) and func.attr == "setdefault"
        use = WRITE if write else self._use(call, value)
        compared = self.compares.get(id(call)) if state == NONE else None
        for key in keys:
            setting = self._setting(key, state, value, call, use)
            yield dataclasses.replace(setting, compared=compared) if compared else setting

    def _setting(
        self, key: str, state: str, value: str | None, node: ast.expr, use: str = ""
    ) -> CodeSetting:
        loc = self.source.location(node)
        codes = suppressed_codes(self.source.line(loc.line))
        noqa = None if codes is None else sorted(codes)
        return CodeSetting(
            key, state, value, loc.line, loc.column, loc.end_line, loc.end_column, noqa, use
        )


class _SettingsClasses:
    """pydantic-settings ``BaseSettings`` subclasses: each field is an environment variable."""

    def __init__(self, finder: _Finder) -> None:
        self.finder = finder
        # local settings class -> (env_prefix, case_sensitive), inherited by subclasses
        self.known: dict[str, tuple[str, bool]] = {}
        # classes of the module deriving from pydantic's BaseModel or a settings class:
        # a field typed with one is a nested model, not a variable
        self.models = {
            n.name
            for n in finder.source.tree.body
            if isinstance(n, ast.ClassDef)
            and any(_name(b) in ("BaseModel", "BaseSettings") for b in n.bases)
        }

    def find(self) -> Iterator[CodeSetting]:
        """Settings classes in line order, each inheriting its base's options."""
        source = self.finder.source
        names = set(self.finder.base_names)
        while True:
            # A settings class spells a base name or an earlier settings class's name: look
            # at the classes on those lines, until no new settings class turns up.
            near = statements_near(source.tree, lines_with(source.text, names))
            classes = sorted((n for n in near if isinstance(n, ast.ClassDef)), key=_line)
            self.known = {}
            found = [(cls, self._settings(cls)) for cls in classes]
            if self.known.keys() <= names:
                break
            names.update(self.known)
        for cls, options in found:
            if options is not None:
                # `DevSettings(Settings)`: one environment's values, not the defaults
                override = not any(_name(b) in self.finder.base_names for b in cls.bases)
                yield from self._fields(cls, *options, OVERRIDE if override else "")

    def _settings(self, cls: ast.ClassDef) -> tuple[str, bool] | None:
        inherited = self._inherited(cls)
        if inherited is None:
            return None
        self.known[cls.name] = options = self._config(cls, inherited)
        return options

    def _inherited(self, cls: ast.ClassDef) -> tuple[str, bool] | None:
        for base in cls.bases:
            name = _name(base)
            if name in self.finder.base_names:
                return "", False
            if name in self.known:
                return self.known[name]
        return None

    def _config(self, cls: ast.ClassDef, inherited: tuple[str, bool]) -> tuple[str, bool]:
        options: dict[str, ast.expr] = {}
        for stmt in cls.body:
            if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
                for inner in stmt.body:
                    if isinstance(inner, ast.Assign) and len(inner.targets) == 1:
                        target = _name(inner.targets[0])
                        if target:
                            options[target] = inner.value
            value = _assigned(stmt, "model_config")
            if isinstance(value, ast.Call):
                options.update({kw.arg: kw.value for kw in value.keywords if kw.arg})
            elif isinstance(value, ast.Dict):
                for k, v in zip(value.keys, value.values, strict=True):
                    if _string(k) is not None:
                        options[str(_string(k))] = v
        prefix = _string(options.get("env_prefix"))
        sensitive = options.get("case_sensitive")
        return (
            inherited[0] if prefix is None else prefix,
            sensitive.value is True if isinstance(sensitive, ast.Constant) else inherited[1],
        )

    def _fields(
        self, cls: ast.ClassDef, prefix: str, sensitive: bool, use: str
    ) -> Iterator[CodeSetting]:
        for stmt in cls.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            name = stmt.target.id
            annotation = ast.unparse(stmt.annotation)
            if name.startswith("_") or name == "model_config" or "ClassVar" in annotation:
                continue
            if self._nested(stmt):
                continue
            value = stmt.value
            names = [prefix + name]
            if isinstance(value, ast.Call) and _name(value.func) == "Field":
                aliases = _aliases(value)
                names = aliases or names
                if _keyword(value, "default_factory") is not None:
                    state, default = UNKNOWN, None
                else:
                    given = value.args[0] if value.args else _keyword(value, "default")
                    state, default = _default(given)
            else:
                state, default = _default(value)
            for env in names:
                key = env if sensitive else env.upper()
                yield self.finder._setting(key, state, default, stmt.target, use)

    def _nested(self, stmt: ast.AnnAssign) -> bool:
        """``aws: AWSConfig = Field(default_factory=AWSConfig)``: a sub-model, not ``AWS``."""
        value = stmt.value
        made: ast.expr | None = None
        if isinstance(value, ast.Call) and _name(value.func) == "Field":
            made = _keyword(value, "default_factory")
        elif isinstance(value, ast.Call):
            made = value.func
        made_name = _name(made) if made is not None else None
        if made_name and made_name[:1].isupper() and made_name not in _VALUE_TYPES:
            return True
        typed = {n.id for n in ast.walk(stmt.annotation) if isinstance(n, ast.Name)}
        return bool(typed & self.models)


_TEXT_READ = re.compile(
    rb"\b(?:getenv|environ\s*\.\s*get|environ\s*\[)\s*\(?\s*[\"'](?P<key>[A-Z_][A-Z0-9_]*)[\"']"
)


def _is_shown(node: ast.AST) -> bool:
    # an f-string alone may build a URL; printed or logged, its values are only shown
    return isinstance(node, ast.Call) and _name(node.func) in _SHOWN


def _may_read(data: bytes) -> bool:
    if has_word(data, b"BaseSettings") or has_word(data, b"decouple"):
        return True
    if has_word(data, b"environ") and has_word(data, b"Env"):
        return True
    return _reads_a_name(data) and _OS.search(data) is not None


def _reads_a_name(data: bytes) -> bool:
    for name, after in _AFTER.items():
        start = data.find(name)
        while start != -1:
            end = start + len(name)
            if after.match(data, end) is not None:
                return True
            start = data.find(name, end)
    return False


def _line(node: ast.stmt) -> int:
    return node.lineno


def _assigned(stmt: ast.stmt, name: str) -> ast.expr | None:
    if isinstance(stmt, ast.Assign) and any(_name(t) == name for t in stmt.targets):
        return stmt.value
    if isinstance(stmt, ast.AnnAssign) and _name(stmt.target) == name:
        return stmt.value
    return None


def _aliases(field: ast.Call) -> list[str]:
    for arg in ("validation_alias", "alias"):
        node = _keyword(field, arg)
        if node is None:
            continue
        if isinstance(node, ast.Call) and _name(node.func) == "AliasChoices":
            return [s for s in (_string(a) for a in node.args) if s is not None]
        text = _string(node)
        if text is not None:
            return [text]
    return []


@dataclass(frozen=True)
class SettingsCollector(FactCollector):
    """Collects every setting a file reads; equal instances are merged by the engine."""

    name: ClassVar[str] = COLLECTOR
    # Every match needs the name itself (`os.environ`, `from os import getenv as g`, a
    # base class named BaseSettings or imported as it), so `environment` cannot match:
    # 60% fewer stdlib files parsed for `environ`.
    whole_word_triggers: ClassVar[bool] = True

    @property
    def triggers(self) -> tuple[bytes, ...]:
        return (b"getenv", b"environ", b"BaseSettings", b"decouple")

    def relevant(self, data: bytes) -> bool:
        # A read goes through `import os…` or `from os import…`, which spell `os`, and
        # spells `getenv(`, `environ[`, `environ.get`/`.setdefault`, or binds an alias
        # (`environ as e`); only whitespace, comments, line continuations and closing
        # parentheses can come between. So `env = os.environ.copy()` or WSGI's
        # `environ` argument alone is not parsed.
        return _may_read(data)

    def collect(self, source: PythonSource) -> list[Any]:
        return [setting.to_fact() for setting in _Finder(source).find()]

    def collect_unparsed(self, data: bytes) -> list[Any]:
        """The keys of literal ``getenv("K")``/``environ["K"]`` reads, found in the text of a
        file that does not parse: their defaults are unknown, the names are not."""
        facts = []
        for match in _TEXT_READ.finditer(data):
            line = data.count(b"\n", 0, match.start()) + 1
            key = match.group("key").decode("ascii")
            facts.append(CodeSetting(key, UNKNOWN, None, line, 1, line, 1).to_fact())
        return facts
