"""Golden before/after pairs for the SS001 fix: one pair per shape, run through ``check --fix``."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from steeringsync import api
from steeringsync.config import Config, SessionMigration, parse_table, read_toml
from steeringsync.project import Project

FIXTURES = Path(__file__).parent.parent / "fixtures" / "fix"
SHAPES = sorted(p.name.removesuffix(".before.py") for p in FIXTURES.glob("*.before.py"))
DEFAULT = SessionMigration(replacement_import="from app.database import db_manager")
# shapes whose sites are all left for manual migration: the file must not change
UNCHANGED = {"manual", "no_replacement"}


def config_for(shape: str) -> Config:
    toml = FIXTURES / f"{shape}.toml"
    if toml.exists():
        return parse_table({"session-migration": read_toml(toml)}, toml)
    return Config(session_migration=DEFAULT)


def run_fix(path: Path, config: Config) -> api.CheckReport:
    project = Project(path.parent, config)
    return api.check(project, api.CheckOptions(paths=(path,), fix=True))


@pytest.mark.parametrize("shape", SHAPES)
def test_fix_matches_golden_and_is_idempotent(shape: str, tmp_path: Path) -> None:
    target = tmp_path / f"{shape}.py"
    shutil.copyfile(FIXTURES / f"{shape}.before.py", target)
    golden = FIXTURES / f"{shape}.after.py"
    report = run_fix(target, config_for(shape))
    if os.environ.get("UPDATE_GOLDENS"):
        shutil.copyfile(target, golden)
    assert target.read_bytes() == golden.read_bytes()
    compile(target.read_bytes(), str(target), "exec")
    if shape in UNCHANGED:
        assert report.fixed_files == []
    else:
        assert report.fixed_files == [target]
    # a second run changes nothing and leaves the file alone
    mtime = target.stat().st_mtime_ns
    again = run_fix(target, config_for(shape))
    assert again.fixed_files == []
    assert target.stat().st_mtime_ns == mtime


def test_every_shape_has_a_golden_after_file() -> None:
    missing = [s for s in SHAPES if not (FIXTURES / f"{s}.after.py").exists()]
    assert missing == []


@pytest.mark.parametrize(
    ("shape", "reason"),
    [
        ("manual", "`async with`"),
        ("manual", "the block rebinds `session`"),
        ("manual", "the `as` target is not a simple name"),
        ("manual", "called with arguments"),
        ("no_replacement", "`db_manager` is not defined in this module"),
    ],
)
def test_sites_left_for_manual_migration_say_why(shape: str, reason: str) -> None:
    path = FIXTURES / f"{shape}.before.py"
    report = api.check(Project(path.parent, config_for(shape)), api.CheckOptions(paths=(path,)))
    matching = [f for f in report.active if reason in f.full_message]
    assert len(matching) == 1
    assert not matching[0].fixable


def test_fixed_findings_are_gone_and_unfixable_ones_remain(tmp_path: Path) -> None:
    target = tmp_path / "import_present.py"
    shutil.copyfile(FIXTURES / "import_present.before.py", target)
    report = run_fix(target, config_for("import_present"))
    # the bound-method reference cannot be fixed; it stays, at its new line
    assert [(f.location.line, f.fixable) for f in report.active] == [(19, False)]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_fix_keeps_the_file_mode(tmp_path: Path) -> None:
    target = tmp_path / "simple.py"
    shutil.copyfile(FIXTURES / "simple_as.before.py", target)
    target.chmod(0o751)
    run_fix(target, config_for("simple_as"))
    assert target.stat().st_mode & 0o777 == 0o751
    assert list(tmp_path.glob("*.tmp")) == []  # no temporary file left behind


def test_the_learned_binding_is_named_with_where_it_was_learned(tmp_path: Path) -> None:
    target = tmp_path / "learned_binding.py"
    shutil.copyfile(FIXTURES / "learned_binding.before.py", target)
    project = Project(tmp_path, config_for("learned_binding"))
    checked = api.check(project, api.CheckOptions(paths=(target,)))
    note = "binds `db_manager = current_app.config['db_manager']`, learned from 3 of 4"
    fixable = [f for f in checked.active if f.fixable]
    assert fixable and all(note in f.message for f in fixable if "current_app" in f.message)
    diffed = api.check(project, api.CheckOptions(paths=(target,), diff=True))
    assert (
        diffed.diffs and target.read_text() == (FIXTURES / "learned_binding.before.py").read_text()
    )
    assert any(note in n and "e.g. learned_binding.py:7" in n for n in diffed.notices)
    [manual] = [f for f in checked.active if not f.fixable]
    assert "local to the whole function" in manual.hint
    assert "also binds `db_manager` otherwise" in manual.hint


def test_a_rewrite_that_would_leave_an_unused_local_is_reverted_and_reported(
    tmp_path: Path,
) -> None:
    # the fetch stays in its branch (dropping it would empty the block): the rewrite
    # would leave `usm` assigned and unused, which pyflakes reports; the site is kept
    before = (
        "from app.database import db_manager\n\n\ndef f(x, app):\n    if x:\n"
        "        usm = getattr(app, 'unified_session_manager', None)\n"
        "    with usm.get_db_session() as s:\n        s.add(1)\n"
    )
    target = tmp_path / "branch_fetch.py"
    target.write_text(before)
    report = run_fix(target, Config())
    assert target.read_text() == before and report.fixed_files == []
    [notice] = [n for n in report.notices if "migrate by hand" in n]
    assert "branch_fetch.py:7:10: not fixed, migrate by hand" in notice
    assert "local variable 'usm' is assigned to but never used" in notice
