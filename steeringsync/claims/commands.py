"""Run commands a doc gives (shell blocks, inline code) and what each claims exists.

`python x.py`, `pytest tests/x.py::t`, `bash x.sh`, `./x.sh`, `node x.js` and `--config=x`
claim files; `python -m pkg.mod` a module; `make t` a Makefile target; `npm run s` (pnpm,
yarn, workspaces too) a package.json script. `uv run`, `poetry run`, `pipenv run`, `npx`
and `sudo` prefixes are looked through; `cd dir &&` moves the folder later commands run in.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

from steeringsync.claims.model import ModuleClaim, PathClaim, ScriptClaim
from steeringsync.claims.shapes import has_file_extension, path_shape

SHELL_LANGS = frozenset({"bash", "sh", "shell", "zsh", "console", "shell-session", "terminal"})
COMMAND_WORDS = frozenset(
    {"python", "python3", "py", "pytest", "bash", "sh", "zsh", "make", "npm", "pnpm", "yarn",
     "uv", "poetry", "pipenv", "node", "ts-node", "tsx", "deno", "bun", "source"}
)  # fmt: skip
_PREFIXES = {("uv", "run"), ("poetry", "run"), ("pipenv", "run"), ("pdm", "run"), ("hatch", "run")}
_FILE_RUNNERS = frozenset({"bash", "sh", "zsh", "source", ".", "node", "ts-node", "tsx", "bun"})
_PY_FLAGS_WITH_VALUE = frozenset({"-W", "-X", "-c"})
_SPLIT_RE = re.compile(r"\s*(?:&&|\|\||;|\|)\s*")
_PROMPT_RE = re.compile(r"^\s*(?:\$|>|PS>|%)\s+")
_RUN_FROM_RE = re.compile(
    r"\b(?:run|execute|work)\s+(?:it\s+|them\s+|this\s+|these\s+)?(?:from|in)\s+(?:the\s+)?"
    r"`?((?:[\w.-]+/)+[\w.-]*)`?",
    re.IGNORECASE,
)
_FILE_OPTION_RE = re.compile(r"^--(?:config|config-file|env-file|file|settings|rcfile|c)=(.+)$")
_FILE_OPTIONS = frozenset({"--config", "--config-file", "-c", "--env-file", "-f", "--file"})
# package-manager commands that are not scripts (`yarn install`, `pnpm add x`)
PM_BUILTINS = frozenset(
    [
        "add",
        "audit",
        "bin",
        "cache",
        "ci",
        "config",
        "create",
        "dedupe",
        "dlx",
        "exec",
        "help",
        "import",
        "info",
        "init",
        "install",
        "i",
        "link",
        "list",
        "ls",
        "login",
        "logout",
        "outdated",
        "pack",
        "prune",
        "publish",
        "rebuild",
        "remove",
        "rm",
        "search",
        "set",
        "setup",
        "store",
        "unlink",
        "up",
        "update",
        "upgrade",
        "version",
        "view",
        "why",
        "workspaces",
        "x",
        "env",
        "doctor",
        "patch",
        "fetch",
        "licenses",
        "owner",
        "explain",
        "fund",
        "query",
        "restart",
        "stop",
        "start",
        "test",
        "t",
    ]
)


@dataclass
class CommandClaims:
    paths: list[PathClaim]
    scripts: list[ScriptClaim]
    modules: list[ModuleClaim]


def starts_with_command(text: str) -> bool:
    words = text.strip().split()
    if not words:
        return False
    first = words[0]
    return first in COMMAND_WORDS or (first.startswith("./") and len(first) > 2)


def from_line(text: str, line: int, column: int, cwd: str, out: CommandClaims) -> str | None:
    """Add the claims of one shell line (``column``: where ``text`` starts on the doc line).

    Returns the folder later lines run in (after `cd`), or None when it is unknown.
    """
    import shlex

    text = _PROMPT_RE.sub("", text)
    if text.lstrip().startswith("#"):
        # `# Always prefix with timeout (run from tests/playwright/)`: where the next
        # commands run, as `cd tests/playwright` would say
        said = _RUN_FROM_RE.search(text)
        if said is not None and path_shape(said.group(1).rstrip("/") + "/") is not None:
            return posixpath.normpath(posixpath.join(cwd, said.group(1))).removeprefix(".")
        return cwd
    position = 0
    for part in _SPLIT_RE.split(text):
        start = text.find(part, position)
        position = start + len(part)
        try:
            words = shlex.split(part, comments=True)
        except ValueError:
            return cwd
        if not words:
            continue
        if words[0] == "cd":
            new = _cd(cwd, words[1:])
            if new is None:
                return None
            cwd = new
            continue
        _command(words, part, line, column + start, cwd, out)
    return cwd


def _cd(cwd: str, args: list[str]) -> str | None:
    if len(args) != 1 or path_shape(args[0].rstrip("/") + "/") is None:
        return None  # `cd ~`, `cd $DIR`, `cd -`: the folder is unknown from here on
    return posixpath.normpath(posixpath.join(cwd, args[0])).removeprefix(".")


def _command(
    words: list[str], text: str, line: int, column: int, cwd: str, out: CommandClaims
) -> None:
    while words and (words[0] in ("sudo", "npx", "exec", "time") or "=" in words[0]):
        words = words[1:]
    while len(words) >= 2 and (words[0], words[1]) in _PREFIXES:
        words = words[2:]
    if not words:
        return
    if "<" in text or "{" in text:
        return  # a template (`python <script>.py`) states no path
    head, args = words[0], words[1:]

    def path(arg: str) -> None:
        shaped = path_shape(arg)
        if shaped is not None and has_file_extension(shaped.rstrip("/").rpartition("/")[2]):
            offset = max(text.find(arg), 0)
            out.paths.append(
                PathClaim(shaped, line, column + offset, (cwd, "") if cwd else ("",), "command")
            )

    for arg in args:  # `--config=playwright.config.js` anywhere on the line
        match = _FILE_OPTION_RE.match(arg)
        if match:
            path(match.group(1))
    for flag, value in itertools.pairwise(args):
        if flag in _FILE_OPTIONS and not value.startswith("-"):
            path(value)
    base = posixpath.basename(head)
    if re.fullmatch(r"python(?:3(?:\.\d+)?)?|py", base):
        _python(args, text, line, column, cwd, out, path)
    elif base == "pytest":
        for arg in _positional(args):
            path(arg)
    elif base in _FILE_RUNNERS and args and not args[0].startswith("-"):
        path(args[0])
    elif head.startswith("./") and len(head) > 2:
        path(head)
    elif base == "make":
        _make(args, text, line, column, cwd, out)
    elif base in ("npm", "pnpm", "yarn"):
        _package_script(base, args, text, line, column, cwd, out)


def _positional(args: list[str]) -> list[str]:
    found, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = arg in ("-k", "-m", "-c", "-p", "--rootdir", "-o", "--junitxml", "-n")
        else:
            found.append(arg)
    return found


def _python(
    args: list[str],
    text: str,
    line: int,
    column: int,
    cwd: str,
    out: CommandClaims,
    path: Callable[[str], None],
) -> None:
    i = 0
    while i < len(args) and args[i].startswith("-"):
        if args[i] == "-m" and i + 1 < len(args):
            module = args[i + 1]
            if module == "pytest":
                for arg in _positional(args[i + 2 :]):
                    path(arg)
            elif re.fullmatch(r"[A-Za-z_][\w.]*", module):
                out.modules.append(
                    ModuleClaim(module, line, column + max(text.find(module), 0), run=True)
                )
            return
        i += 2 if args[i] in _PY_FLAGS_WITH_VALUE else 1
    if i < len(args):
        path(args[i])


def _make(args: list[str], text: str, line: int, column: int, cwd: str, out: CommandClaims) -> None:
    if any(a.startswith("-") for a in args):
        return  # `make -C dir x`, `make -f other.mk`: another Makefile than the one here
    for target in args:
        if "=" in target or not re.fullmatch(r"[\w.-]+", target):
            continue
        out.scripts.append(ScriptClaim("make", target, line, column + text.find(target), cwd))


def _package_script(
    tool: str, args: list[str], text: str, line: int, column: int, cwd: str, out: CommandClaims
) -> None:
    workspace: str | None = None
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-w", "--workspace", "--filter", "-F") and i + 1 < len(args):
            workspace = args[i + 1]
            i += 2
            continue
        if arg.startswith(("--workspace=", "--filter=")):
            workspace = arg.partition("=")[2]
        elif arg in ("-r", "--recursive", "--workspaces", "-ws"):
            workspace = "*"
        elif not arg.startswith("-"):
            rest.append(arg)
        i += 1
    if tool == "yarn" and len(rest) >= 2 and rest[0] == "workspace":
        workspace, rest = rest[1], rest[2:]
    if not rest:
        return
    explicit = rest[0] in ("run", "run-script")
    name = rest[1] if explicit and len(rest) > 1 else rest[0]
    if explicit and len(rest) < 2:
        return
    if not explicit and (tool == "npm" or name in PM_BUILTINS):
        return  # `npm x` is npm's own command; `yarn build` runs the script
    if not re.fullmatch(r"[\w:.@/-]+", name):
        return
    where = column + max(text.find(name), 0)
    out.scripts.append(ScriptClaim("npm", name, line, where, cwd, workspace, explicit))


def from_shell_block(content: str, first_line: int, out: CommandClaims) -> None:
    cwd: str | None = ""
    pending, pending_line = "", first_line
    for offset, text in enumerate(content.split("\n")):
        if cwd is None:
            return
        if not pending:
            pending_line = first_line + offset
        if text.rstrip().endswith("\\"):
            pending += text.rstrip()[:-1] + " "
            continue
        # a continued command is reported at its first line, its columns unknown (0)
        column_text = pending + text
        cwd = from_line(column_text, pending_line, 0, cwd, out)
        pending = ""
