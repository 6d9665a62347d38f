"""Run ``check --fix`` twice over a copy of the stdlib with injected deprecated blocks.

Not collected by pytest (it takes tens of seconds); run it by hand::

    .venv/bin/python tests/fix/stdlib_corpus.py [STDLIB_DIR] [INJECTIONS]

It wraps the whole body of ~INJECTIONS functions (one per file) in the deprecated
``with`` (varying ``as``/no ``as`` and ``self.`` receivers, so early returns, loops,
nested blocks, generators and docstrings all occur), then checks that every fixed file
compiles, that a second ``--fix`` changes nothing, and prints counts and wall time.
"""

from __future__ import annotations

import ast
import hashlib
import shutil
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from steeringsync import api
from steeringsync.config import Config, SessionMigration
from steeringsync.project import Project

HEADERS = (
    "with unified_session_manager.get_db_session() as session:",
    "with unified_session_manager.get_db_session():",
    "with self.unified_session_manager.get_db_session() as session:",
)
# every tenth site passes an argument: it must be reported for manual migration, untouched
MANUAL = "with unified_session_manager.get_db_session(readonly=True) as session:"


def inject(path: Path, nth: int) -> bool:
    """Wrap one function body of ``path`` in the deprecated block; False if none fits."""
    text = path.read_text(encoding="utf-8")
    if "\t" in text or "\r" in text:
        return False
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or len(node.body) < 2:
            continue
        first = node.body[0]
        if first.lineno == node.lineno or node.end_lineno is None:
            continue
        is_method = node.args.args[:1] and node.args.args[0].arg == "self"
        header = HEADERS[nth % 3] if is_method else HEADERS[nth % 2]
        if nth % 10 == 9:
            header = MANUAL
        indent = " " * first.col_offset
        start, end = first.lineno - 1, node.end_lineno
        body = ["    " + line if line.strip() else line for line in lines[start:end]]
        new = "".join([*lines[:start], f"{indent}{header}\n", *body, *lines[end:]])
        try:
            compile(new, str(path), "exec")
        except SyntaxError:
            continue
        path.write_text(new, encoding="utf-8")
        return True
    return False


def digest(root: Path) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*.py"))}


def main() -> int:
    stdlib = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(sysconfig.get_paths()["stdlib"])
    wanted = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        shutil.copytree(stdlib, root, ignore=shutil.ignore_patterns("site-packages", "__pycache__"))
        (root / ".git").mkdir()
        files = sorted(root.rglob("*.py"))
        injected: list[Path] = []
        for path in files:
            if len(injected) >= wanted:
                break
            try:
                if path.stat().st_size < 200_000 and inject(path, len(injected)):
                    injected.append(path)
            except (SyntaxError, UnicodeDecodeError, ValueError):
                continue
        migration = SessionMigration(replacement_import="from app.database import db_manager")
        project = Project(root, Config(session_migration=migration))
        options = api.CheckOptions(paths=(root,), select=("SS001",), fix=True, cache=False)
        before = api.check(project, api.CheckOptions(paths=(root,), select=("SS001",), cache=False))
        started = time.perf_counter()
        report = api.check(project, options)
        first_run = time.perf_counter() - started
        broken = []
        for path in report.fixed_files:
            try:
                compile(path.read_bytes(), str(path), "exec")
            except SyntaxError as exc:
                broken.append(f"{path}: {exc}")
        snapshot = digest(root)
        started = time.perf_counter()
        again = api.check(project, options)
        second_run = time.perf_counter() - started
        changed = [p for p, h in digest(root).items() if snapshot.get(p) != h]
        remaining = [f for f in again.active if f.code == "SS001"]
        print(f"python files:          {len(files)}")
        print(f"injected functions:    {len(injected)}")
        print(f"SS001 findings before: {len([f for f in before.active if f.code == 'SS001'])}")
        print(f"  fixable:             {len([f for f in before.active if f.fixable])}")
        print(f"fixed files:           {len(report.fixed_files)}")
        print(f"fixed files not compiling: {len(broken)}")
        print(f"files changed by a second --fix: {len(changed) + len(again.fixed_files)}")
        print(f"SS001 remaining (manual): {len(remaining)}")
        for finding in remaining[:10]:
            print(f"  {finding.path.relative_to(root)}:{finding.location.line}: {finding.message}")
        for note in report.notices[:10]:
            print(f"note: {note}")
        print(f"wall time: first --fix {first_run:.1f}s, second --fix {second_run:.1f}s")
        for line in broken[:10]:
            print("BROKEN", line)
        return 1 if broken or changed or again.fixed_files else 0


if __name__ == "__main__":
    raise SystemExit(main())
