"""Which strings a reader takes for repository paths, and which are not claims at all.

Placeholders, globs, URLs, paths outside the repository and generated outputs are never
claims; a string is a path only when it looks like one (a known file extension, or a
slash with a folder a reader would recognise).
"""

from __future__ import annotations

import re

# extensions of files teams keep in repositories; `Node.js`-style names are excluded below
FILE_EXTENSIONS = frozenset(
    [
        "py",
        "pyi",
        "ipynb",
        "js",
        "jsx",
        "ts",
        "tsx",
        "mjs",
        "cjs",
        "vue",
        "svelte",
        "json",
        "jsonc",
        "toml",
        "yaml",
        "yml",
        "ini",
        "cfg",
        "conf",
        "env",
        "md",
        "mdx",
        "rst",
        "txt",
        "csv",
        "sql",
        "sh",
        "bash",
        "zsh",
        "ps1",
        "bat",
        "html",
        "htm",
        "css",
        "scss",
        "sass",
        "less",
        "go",
        "rs",
        "java",
        "kt",
        "swift",
        "rb",
        "php",
        "c",
        "h",
        "cc",
        "cpp",
        "hpp",
        "cs",
        "tf",
        "tfvars",
        "hcl",
        "dockerfile",
        "lock",
        "xml",
        "proto",
        "graphql",
        "gql",
        "prisma",
        "ejs",
        "j2",
        "jinja",
        "jinja2",
        "tpl",
        "properties",
        "gradle",
        "dart",
        "lua",
        "r",
        "ex",
        "exs",
        "erl",
        "scala",
    ]
)
# a final component without extension that is still clearly a file
BARE_FILES = frozenset(
    {"Makefile", "Dockerfile", "Procfile", "Justfile", "Gemfile", "Rakefile", "LICENSE"}
)
_PLACEHOLDER_RE = re.compile(
    r"[<>{}\[\]$%*?|\\]|\.\.\.|…|(?:^|[/_.-])(?:x{3,}|X{3,}|Y{4}|N{3,}|foo|bar|baz)(?:$|[/_.-])"
    r"|(?:^|/)(?:your|my)[_-]|(?:^|/)(?:example|sample|some)[_-]|[_-](?:name|here)(?:$|[/.])"
    r"|(?:^|/)(?:project|repo|app)[_-]root(?:$|/)"
    # `path/to/x`, `script.py`, a content hash as file name
    r"|(?:^|/)path/to/|(?:^|/)(?:script|file|filename|module|foo|name)\.[a-z]+$"
    r"|(?:^|/)[0-9a-f]{8,}\.[a-z]+$"
    # a timestamp pattern in a name: `MMdd_HH_mm_playwright.config.js`
    r"|(?:^|[/_-])(?:YYYY|YY|MM|MMdd|DD|dd|HH|mm|ss)(?:[_-])",
)
# `.plan.md`, `.test.ts`: a suffix teams give files, not a file
_SUFFIX_CONVENTION_RE = re.compile(
    r"^\.(?:plan|test|spec|stories|story|module|d|config|types?|service|controller|"
    r"component|page|route|schema|model|store|hook|util|e2e|integration|unit)\.[a-z]+$"
)
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SEGMENT_RE = re.compile(r"^[A-Za-z0-9_.@+-][A-Za-z0-9_.@+ -]*$")
_TECH_NAME_RE = re.compile(r"^[A-Z][A-Za-z0-9]*\.(?:js|ts)$")  # Node.js, Next.js, Three.js
_DOMAIN_RE = re.compile(r"^[a-z0-9-]+\.(?:com|org|net|io|dev|ai|app|co)(?:/|$)")
_VERSIONISH_RE = re.compile(r"(?:^|/)v?\d+(?:\.\d+)+$")
# outputs a build or a developer creates: never a dead claim when missing
GENERATED_PARTS = frozenset(
    {
        "node_modules", "dist", "build", "out", ".next", ".nuxt", "target", "coverage",
        "htmlcov", "__pycache__", ".venv", "venv", "env", ".env", ".pytest_cache",
        ".mypy_cache", ".ruff_cache", ".tox", "site-packages", ".cache", "logs", "tmp",
        ".terraform", "cdk.out", ".aws-sam", ".git", ".DS_Store", ".idea", ".vscode",
    }
)  # fmt: skip
_GENERATED_NAME_RE = re.compile(r"^\.env(?:\..+)?$|\.(?:log|pyc|egg-info|db|sqlite3?|pid)$")


def strip_decoration(text: str) -> str:
    """The path inside a span: `./x`, trailing `:`/`,` and a `::test` or `:line` tail dropped."""
    text = text.strip().strip("\"'")
    text = text.rstrip(",;:")
    text = re.sub(r"::.*$", "", text)
    text = re.sub(r":\d+(?::\d+)?$", "", text)
    while text.startswith("./"):
        text = text[2:]
    return text


def is_placeholder(text: str) -> bool:
    return bool(_PLACEHOLDER_RE.search(text))


def outside_repo(text: str) -> bool:
    return text.startswith(("/", "~", "../", "$")) or bool(_SCHEME_RE.match(text))


def is_generated(text: str) -> bool:
    parts = [p for p in text.split("/") if p]
    if any(p in GENERATED_PARTS for p in parts):
        return True
    return bool(parts) and bool(_GENERATED_NAME_RE.search(parts[-1]))


def has_file_extension(name: str) -> bool:
    stem, dot, ext = name.rpartition(".")
    return bool(dot and stem and stem != "." and ext.lower() in FILE_EXTENSIONS)


def path_shape(text: str) -> str | None:
    """``text`` as a repository path when a reader would take it for one, else None.

    The returned path has `./` and a trailing `::test`/`:line` removed; a directory keeps
    its trailing slash.
    """
    raw = text.strip()
    if not raw or len(raw) > 200 or " " in raw or "\t" in raw or "=" in raw:
        return None
    if outside_repo(raw) or _DOMAIN_RE.match(raw) or raw.startswith(("-", "@", "#")):
        return None
    path = strip_decoration(raw)
    if not path or path in (".", "/") or is_placeholder(path) or _VERSIONISH_RE.search(path):
        return None
    parts = path.rstrip("/").split("/")
    if any(not _SEGMENT_RE.match(p) or p in (".", "..") for p in parts):
        return None
    last = parts[-1]
    if _SUFFIX_CONVENTION_RE.match(last):
        return None
    if _TECH_NAME_RE.match(last) and len(parts) == 1:
        return None
    if path.endswith("/") or has_file_extension(last) or last in BARE_FILES:
        return path
    if len(parts) >= 2 and not any(p[:1].isupper() and p.isupper() for p in parts):
        return path  # `js/api`: a claim only when its first folder exists (see resolve)
    return None
