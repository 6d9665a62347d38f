"""A warm run (the result cache in place) judges every claim against the repository as
it is now: a claim that died since the last run is reported, and stops being reported
once it holds again. The prose names' definitions come from facts cached per file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from steeringsync.cli import main

DOC = (
    "# Structure\n\n- `app/core.py` holds the core\n\n"
    "```bash\nmake test\npython scripts/seed.py\n```\n\n"
    "Sessions come from `SessionManager`.\n"
)
FILES = {
    ".kiro/steering/structure.md": DOC,
    "app/core.py": "class SessionManager:\n    pass\n",
    "Makefile": "test:\n\tpytest\n",
    "scripts/seed.py": "print('seeded')\n",
}


@pytest.fixture
def checked(
    write_tree: Callable[[dict[str, str]], Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[Path, Callable[[], list[str]]]:
    root = write_tree(FILES)
    monkeypatch.chdir(root)

    def findings() -> list[str]:
        code = main(["check", "--format", "json", "--select", "SS306,SS307,SS308"])
        out = capsys.readouterr().out
        assert code in (0, 1), out
        return [f"{f['code']} {f['message']}" for f in json.loads(out)]

    assert findings() == []  # cold: every claim holds
    assert findings() == []  # warm
    return root, findings


def test_a_deleted_or_renamed_file(checked: tuple[Path, Callable[[], list[str]]]) -> None:
    root, findings = checked
    (root / "scripts/seed.py").unlink()
    (root / "app/core.py").rename(root / "app/kernel.py")
    assert findings() == [
        "SS306 `app/core.py` does not exist",
        "SS307 `scripts/seed.py` does not exist",
    ]
    (root / "scripts/seed.py").write_text("print('seeded')\n")
    (root / "app/kernel.py").rename(root / "app/core.py")
    assert findings() == []


def test_a_removed_makefile_target(checked: tuple[Path, Callable[[], list[str]]]) -> None:
    root, findings = checked
    (root / "Makefile").write_text("lint:\n\truff check .\n")
    assert findings() == ["SS307 no Makefile defines `test`"]
    (root / "Makefile").write_text("test:\n\tpytest\n")
    assert findings() == []


def test_a_removed_definition(checked: tuple[Path, Callable[[], list[str]]]) -> None:
    root, findings = checked
    (root / "app/core.py").write_text("class SessionFactory:\n    pass\n\n\nX = 1\n")
    assert findings() == [
        "SS308 `SessionManager` is not defined anywhere in the repository's Python code"
    ]
    (root / "app/core.py").write_text("class SessionManager:\n    pass\n")
    assert findings() == []
