"""SS303: unmarked deprecated examples, with the configured pattern and doc declarations."""

from __future__ import annotations

from steeringsync.config import Config, SessionMigration
from steeringsync.rules.ss303_deprecated_pattern_in_docs import DeprecatedPatternInDocs
from tests.rules._doc_helpers import Tree, run_doc_rule

SESSION = "with unified_session_manager.get_db_session() as s:\n    s.query(M).all()\n"


def block(code: str, lang: str = "python") -> str:
    return f"```{lang}\n{code}```\n"


def test_points_at_the_doc_line_of_the_call(write_tree: Tree) -> None:
    doc = "# DB\n\nQuery like this:\n\n" + block("import x\n\n" + SESSION)
    found = run_doc_rule(DeprecatedPatternInDocs, write_tree, {".kiro/steering/db.md": doc})
    assert [(name, line) for name, line, _ in found] == [("db.md", 8)]
    assert "deprecated `unified_session_manager.get_db_session`" in found[0][2]


def test_uses_the_configured_session_pattern(write_tree: Tree) -> None:
    config = Config(session_migration=SessionMigration(deprecated="app.store.open_session"))
    doc = block("with store.open_session() as s:\n    pass\n") + "\n" + block(SESSION)
    found = run_doc_rule(DeprecatedPatternInDocs, write_tree, {".kiro/steering/db.md": doc}, config)
    assert [line for _, line, _ in found] == [2]


def test_declarations_from_other_docs_apply_and_name_their_doc(write_tree: Tree) -> None:
    files = {
        ".kiro/steering/a-deprecations.md": (
            "---\ndeprecations:\n  - pattern: legacy_cache.get_client\n---\n"
        ),
        ".kiro/steering/b-guide.md": "Get a client:\n\n" + block("c = legacy_cache.get_client()\n"),
    }
    found = run_doc_rule(DeprecatedPatternInDocs, write_tree, files)
    assert [(name, line) for name, line, _ in found] == [("b-guide.md", 4)]
    assert "(declared deprecated in .kiro/steering/a-deprecations.md)" in found[0][2]


def test_marked_blocks_pairs_and_other_languages_are_fine(write_tree: Tree) -> None:
    doc = (
        "## Migration\n\n### Before\n\n"
        + block(SESSION)
        + "\n### After\n\n"
        + block("s = db_manager.get_session()\n")
        + "\nDon't write this:\n\n"
        + block(SESSION)
        + "\n"
        + block("# ⛔ legacy\n" + SESSION)
        + "\nShell:\n\n"
        + block("unified_session_manager.get_db_session()\n", "bash")
        + "\nBroken:\n\n"
        + block("with unified_session_manager.get_db_session() as s\n")
    )
    assert run_doc_rule(DeprecatedPatternInDocs, write_tree, {".kiro/steering/m.md": doc}) == []


def test_a_before_block_without_an_after_is_still_flagged(write_tree: Tree) -> None:
    doc = "### Before you begin\n\n" + block(SESSION) + "\nThen:\n\n" + block("x = 1\n")
    found = run_doc_rule(DeprecatedPatternInDocs, write_tree, {".kiro/steering/m.md": doc})
    assert [line for _, line, _ in found] == [4]
