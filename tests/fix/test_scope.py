"""Site planning: which with-sites are rewritten, under which names, and why not."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from steeringsync.config import SessionMigration
from steeringsync.fix.scope import SitePlan, SitePlanner, leaves_early
from steeringsync.python.deprecated_calls import DeprecatedCall
from steeringsync.python.source import PythonSource


def plans(text: str, **migration: object) -> list[SitePlan]:
    config = SessionMigration(**migration)  # type: ignore[arg-type]
    source = PythonSource(Path("m.py"), text.encode(), text)
    uses = DeprecatedCall.parse(config.deprecated).find(source.tree)
    return list(SitePlanner(source, config, "try-finally").plan(uses).values())


BODY = "    with unified_session_manager.get_db_session() as s:\n        s.add(1)\n"


def test_replacement_bound_as_a_parameter_is_enough() -> None:
    [plan] = plans("def f(db_manager):\n" + BODY)
    assert plan.fixable and plan.receiver == "db_manager" and plan.add_import is None


def test_replacement_bound_later_in_the_module_counts_as_bound() -> None:
    [plan] = plans("def f():\n" + BODY + "db_manager = make()\n")
    assert plan.fixable


def test_replacement_import_must_bind_the_name() -> None:
    [plan] = plans("def f():\n" + BODY, replacement_import="from app import other")
    assert plan.reason is not None and "does not bind `db_manager`" in plan.reason


def test_dotted_replacement_needs_its_first_name() -> None:
    [plan] = plans("import app\n\ndef f():\n" + BODY, replacement="app.db")
    assert plan.fixable and plan.receiver == "app.db"


def test_generated_names_do_not_collide_with_names_the_function_uses() -> None:
    text = (
        "from x import db_manager\n\n"
        "def f(session, db_session):\n"
        "    with unified_session_manager.get_db_session():\n"
        "        with unified_session_manager.get_db_session():\n"
        "            session_2 = 1\n"
    )
    assert [p.name for p in plans(text)] == ["session_3", "session_4"]


@pytest.mark.parametrize(
    ("body", "early"),
    [
        ("return 1", True),
        ("break", True),
        ("for x in y:\n    break", False),
        ("for x in y:\n    pass\nelse:\n    continue", True),
        ("while x:\n    continue", False),
        ("def g():\n    return 1", False),
        ("lambda: 1", False),
        ("x = 1", False),
    ],
)
def test_leaves_early(body: str, early: bool) -> None:
    assert leaves_early(ast.parse(body).body) is early


def test_rebinding_the_session_in_a_nested_with_target_is_manual() -> None:
    text = (
        "from x import db_manager\n"
        "with unified_session_manager.get_db_session() as s, open(p) as s:\n    pass\n"
    )
    [plan] = plans(text)
    assert plan.reason is not None and "rebinds `s`" in plan.reason


@pytest.mark.parametrize(
    "rebinding",
    [
        "s = other()",
        "del s",
        "[s := x for x in y]",
        "def g():\n            nonlocal s\n            s = 1",
        "for s in rows:\n            pass",
        "import s",
    ],
)
def test_a_block_that_may_rebind_the_session_is_left_for_manual_migration(rebinding: str) -> None:
    text = (
        "from x import db_manager\n\n"
        "def f():\n"
        "    with unified_session_manager.get_db_session() as s:\n"
        f"        {rebinding}\n"
    )
    [plan] = plans(text)
    assert plan.reason is not None and "rebinds `s`" in plan.reason


def test_a_nested_function_with_its_own_local_of_that_name_is_fine() -> None:
    text = (
        "from x import db_manager\n\n"
        "def f():\n"
        "    with unified_session_manager.get_db_session() as s:\n"
        "        def g(s):\n"
        "            return s\n"
    )
    [plan] = plans(text)
    assert plan.fixable


def test_a_later_local_assignment_makes_the_module_import_unusable() -> None:
    # the UnboundLocalError: `db_manager` is local to all of `f`
    text = (
        "from app.database import db_manager\n\ndef f():\n"
        + BODY
        + ("    db_manager = make()\n    db_manager.ping()\n")
    )
    [plan] = plans(text)
    assert plan.reason is not None
    assert "local to the whole function" in plan.reason


def test_a_binding_in_one_branch_only_is_not_enough() -> None:
    text = "def f(x):\n    if x:\n        db_manager = make()\n" + BODY
    [plan] = plans(text, replacement_import="from app.database import db_manager")
    assert plan.reason is not None and "not bound on every path" in plan.reason


def test_a_dead_fetch_is_dropped_but_never_empties_a_block() -> None:
    fetch = "usm = getattr(app, 'unified_session_manager', None)\n"
    site = "    with usm.get_db_session() as s:\n        s.add(1)\n"
    head = "from app.database import db_manager\n\ndef f(x):\n"
    [dropped] = plans(head + "    " + fetch + site)
    assert dropped.fixable and len(dropped.acquisition.drops) == 1
    [alone] = plans(head + "    if x:\n        " + fetch + site)
    assert not alone.acquisition.drops  # planned on its own; the verifier judges the rest
