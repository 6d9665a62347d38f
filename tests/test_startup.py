"""Start-up cost: a plain check loads no heavy library (LibCST, SQLAlchemy, multiprocessing)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from steeringsync.cache import RACY_NS

Tree = Callable[[dict[str, str]], Path]
PROBE = """
import sys
from steeringsync.cli import main
code = main(sys.argv[1:])
heavy = ("libcst", "sqlalchemy", "redis", "multiprocessing", "tempfile", "pickle",
         "markdown_it", "yaml")
print(sorted(m for m in heavy if m in sys.modules))
"""


def loaded(root: Path, *args: str) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, "check", "-q", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1].replace("'", '"'))


def test_warm_check_imports_nothing_heavy(write_tree: Tree) -> None:
    root = write_tree(
        {
            "app/views.py": "with unified_session_manager.get_db_session() as s:\n    pass\n",
            ".kiro/steering/tech.md": "---\ninclusion: always\n---\n# Tech\n\n```env\nA=1\n```\n",
        }
    )
    # As in a real checkout, the files are older than the cache's racy window (ctime
    # included, which no utime can set back): a file written within it is trusted only
    # once it ages, and that upgrade is a legitimate cache write on the next run.
    time.sleep(RACY_NS / 1e9 + 0.1)
    cold = loaded(root)
    assert "tempfile" in cold  # the cold run writes the cache
    assert {"markdown_it", "yaml"} <= set(cold)  # and parses the docs
    assert loaded(root) == []  # a warm run only reads it: not even a doc parser


def test_fix_mode_is_what_loads_libcst(write_tree: Tree) -> None:
    root = write_tree(
        {
            "app/views.py": "from app.db import db_manager\n\n\ndef f():\n"
            "    with unified_session_manager.get_db_session() as s:\n        s.add(1)\n"
        }
    )
    assert "libcst" not in loaded(root, "--no-cache")
    assert "libcst" in loaded(root, "--no-cache", "--diff")  # the probe does see it
