"""``steeringsync server`` driven over stdio by a real LSP client (pytest-lsp)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server._lsp import (
    SERVER,
    apply_edits,
    change_file,
    diagnostics_for,
    initialize,
    open_file,
)

pytestmark = pytest.mark.asyncio(loop_scope="function")

DEPRECATED = """\
from app.database import db_manager


def load(Model):
    with unified_session_manager.get_db_session() as session:
        return session.query(Model).all()
"""

DOC = """\
---
inclusion: always
---
# Tech

Use `db_manager` for database work.
"""


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    registrations: list[types.Registration] = []
    lsp_client.registrations = registrations  # type: ignore[attr-defined]

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    yield
    await lsp_client.shutdown_session()


def project(root: Path, files: dict[str, str]) -> Path:
    (root / ".git").mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def codes(diagnostics) -> list[str]:
    return [str(d.code) for d in diagnostics]


async def doc_actions(client: LanguageClient, root: Path, rel: str, code: str):
    """Open a steering doc; (its uri, its first ``code`` diagnostic, that one's actions)."""
    await initialize(client, root)
    uri = open_file(client, root / rel, "markdown")
    found = await diagnostics_for(client, uri, lambda d: code in codes(d))
    diag = next(d for d in found if d.code == code)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), diag.range, types.CodeActionContext([diag])
        )
    )
    return uri, diag, actions


async def test_fix_through_code_action_clears_the_diagnostic(client: LanguageClient, tmp_path):
    root = project(tmp_path, {"app/service.py": DEPRECATED, ".kiro/steering/tech.md": DOC})
    await initialize(client, root)
    uri = open_file(client, root / "app/service.py", "python")

    found = await diagnostics_for(client, uri, lambda d: len(d) > 0)
    assert codes(found) == ["SS001"]
    diag = found[0]
    assert diag.range.start == types.Position(4, 9)
    assert diag.source == "steeringsync"

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag]),
        )
    )
    titles = [a.title for a in actions]
    fix = next(a for a in actions if a.title.startswith("Fix SS001"))
    assert fix.is_preferred and fix.kind == types.CodeActionKind.QuickFix
    assert "Ignore SS001 on this line (noqa)" in titles
    fixed = apply_edits(DEPRECATED, fix.edit.changes[uri])
    assert "session = db_manager.get_session()" in fixed
    assert "get_db_session" not in fixed
    compile(fixed, "service.py", "exec")  # the editor's buffer still parses

    change_file(client, uri, 2, fixed)
    cleared = await diagnostics_for(client, uri, lambda d: len(d) == 0)
    assert list(cleared) == []
    # the file on disk was not touched: the fix is the editor's to apply and save
    assert (root / "app/service.py").read_text(encoding="utf-8") == DEPRECATED


async def test_noqa_action_suppresses(client: LanguageClient, tmp_path):
    root = project(tmp_path, {"app/service.py": DEPRECATED})
    await initialize(client, root)
    uri = open_file(client, root / "app/service.py", "python")
    found = await diagnostics_for(client, uri, lambda d: len(d) > 0)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), found[0].range, types.CodeActionContext(found)
        )
    )
    noqa = next(a for a in actions if "noqa" in a.title)
    text = apply_edits(DEPRECATED, noqa.edit.changes[uri])
    assert "get_db_session() as session:  # noqa: SS001\n" in text
    change_file(client, uri, 2, text)
    assert list(await diagnostics_for(client, uri, lambda d: len(d) == 0)) == []


async def test_unsaved_buffer_is_checked_not_the_file(client: LanguageClient, tmp_path):
    root = project(tmp_path, {"app/clean.py": "x = 1\n"})
    await initialize(client, root)
    uri = open_file(client, root / "app/clean.py", "python")
    assert list(await diagnostics_for(client, uri, lambda d: True)) == []
    change_file(client, uri, 2, DEPRECATED)
    assert codes(await diagnostics_for(client, uri, lambda d: len(d) > 0)) == ["SS001"]


async def test_editing_a_docs_deprecation_rechecks_open_files(client: LanguageClient, tmp_path):
    code = "from app import cache_manager, legacy_cache\n\nclient = legacy_cache.get_client()\n"
    root = project(tmp_path, {"app/cache.py": code, ".kiro/steering/tech.md": DOC})
    await initialize(client, root)
    py_uri = open_file(client, root / "app/cache.py", "python")
    assert list(await diagnostics_for(client, py_uri, lambda d: True)) == []

    doc_uri = open_file(client, root / ".kiro/steering/tech.md", "markdown")
    declared = DOC.replace(
        "inclusion: always\n",
        "inclusion: always\ndeprecations:\n"
        "  - pattern: legacy_cache.get_client\n"
        "    replacement: cache_manager.client\n"
        "    message: Use the shared cache manager\n",
    )
    change_file(client, doc_uri, 2, declared)  # unsaved: the buffer declares it
    found = await diagnostics_for(client, py_uri, lambda d: len(d) > 0)
    assert codes(found) == ["SS117"]  # legacy_cache.get_client's stable code
    assert "Use the shared cache manager" in found[0].message

    # hover shows the declared rule's docs, naming the doc it comes from
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(py_uri), found[0].range.start)
    )
    assert hover is not None and "SS117" in hover.contents.value
    assert "tech.md" in hover.contents.value

    change_file(client, doc_uri, 3, DOC)  # the declaration is taken back
    assert list(await diagnostics_for(client, py_uri, lambda d: len(d) == 0)) == []


async def test_steering_doc_diagnostics_and_sync_value(client: LanguageClient, tmp_path):
    doc = "# Tech\n\n```bash\nREDIS_SESSION_TIMEOUT=7200\n```\n"
    code = "import os\n\nTIMEOUT = int(os.getenv('REDIS_SESSION_TIMEOUT', '3600'))\n"
    root = project(tmp_path, {"app/settings.py": code, ".kiro/steering/tech.md": doc})
    doc_uri, drift, actions = await doc_actions(client, root, ".kiro/steering/tech.md", "SS201")
    assert drift.range.start == types.Position(3, 22)
    sync = next(a for a in actions if a.title.startswith("Sync `REDIS_SESSION_TIMEOUT`"))
    synced = apply_edits(doc, sync.edit.changes[doc_uri])
    assert synced == doc.replace("7200", "3600")
    noqa = next(a for a in actions if "noqa" in a.title)
    assert "<!-- noqa: SS201 -->" not in apply_edits(doc, noqa.edit.changes[doc_uri])  # in a block
    assert "# noqa: SS201" in apply_edits(doc, noqa.edit.changes[doc_uri])

    change_file(client, doc_uri, 2, synced)
    assert "SS201" not in codes(
        await diagnostics_for(client, doc_uri, lambda d: "SS201" not in codes(d))
    )


async def test_joined_file_match_pattern_fixed_through_code_action(
    client: LanguageClient, tmp_path
):
    doc = "---\ninclusion: fileMatch\nfileMatchPattern: 'app/*.py,tests/*.py'\n---\n# Py\n"
    root = project(tmp_path, {"app/a.py": "x = 1\n", ".kiro/steering/py.md": doc})
    doc_uri, _, actions = await doc_actions(client, root, ".kiro/steering/py.md", "SS309")
    fix = next(a for a in actions if a.title.startswith("Fix SS309"))
    fixed = apply_edits(doc, fix.edit.changes[doc_uri])
    assert fixed == doc.replace("'app/*.py,tests/*.py'", "['app/*.py', 'tests/*.py']")
    change_file(client, doc_uri, 2, fixed)
    assert "SS309" not in codes(
        await diagnostics_for(client, doc_uri, lambda d: "SS309" not in codes(d))
    )


async def test_closing_clears_and_falls_back_to_disk(client: LanguageClient, tmp_path):
    root = project(tmp_path, {"app/service.py": DEPRECATED})
    await initialize(client, root)
    uri = open_file(client, root / "app/service.py", "python")
    await diagnostics_for(client, uri, lambda d: len(d) > 0)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    # the client was asked to report files changed outside the editor
    (watch,) = client.registrations  # type: ignore[attr-defined]
    assert watch.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    assert list(await diagnostics_for(client, uri, lambda d: len(d) == 0)) == []


async def test_bad_configuration_is_said_once_then_reloaded_on_save(
    client: LanguageClient, tmp_path
):
    bad = "[tool.steeringsync]\nbogus-key = 1\n"
    root = project(tmp_path, {"app/service.py": DEPRECATED, "pyproject.toml": bad})
    await initialize(client, root)
    uri = open_file(client, root / "app/service.py", "python")
    await asyncio.wait_for(client.wait_for_notification(types.WINDOW_SHOW_MESSAGE), 30)
    change_file(client, uri, 2, DEPRECATED + "\n")
    config_uri = open_file(client, root / "pyproject.toml", "toml")
    (root / "pyproject.toml").write_text("[tool.steeringsync]\n", encoding="utf-8")
    change_file(client, config_uri, 2, "[tool.steeringsync]\n")
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(config_uri))
    )
    assert codes(await diagnostics_for(client, uri, lambda d: len(d) > 0)) == ["SS001"]
    assert len(client.messages) == 1 and "bogus-key" in client.messages[0].message


async def test_files_changed_outside_the_editor_update_the_project(
    client: LanguageClient, tmp_path
):
    code = "from app import cache_manager, legacy_cache\n\nclient = legacy_cache.get_client()\n"
    root = project(tmp_path, {"app/cache.py": code, ".kiro/steering/tech.md": DOC})
    await initialize(client, root)
    uri = open_file(client, root / "app/cache.py", "python")
    assert list(await diagnostics_for(client, uri, lambda d: True)) == []
    declaring = root / ".kiro/steering/legacy.md"  # e.g. pulled by `git pull`
    declaring.write_text("---\ndeprecations:\n  - pattern: legacy_cache.get_client\n---\n# Cache\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(declaring.as_uri(), types.FileChangeType.Created)]
        )
    )
    assert codes(await diagnostics_for(client, uri, lambda d: len(d) > 0)) == [
        "SS117"
    ]  # legacy_cache.get_client's stable code
    declaring.unlink()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(declaring.as_uri(), types.FileChangeType.Deleted)]
        )
    )
    assert list(await diagnostics_for(client, uri, lambda d: len(d) == 0)) == []


async def test_a_burst_of_changes_ends_with_the_last_versions_diagnostics(
    client: LanguageClient, tmp_path
):
    root = project(tmp_path, {"app/service.py": "x = 1\n"})
    await initialize(client, root)
    uri = open_file(client, root / "app/service.py", "python")
    await diagnostics_for(client, uri, lambda d: True)
    published: list[list[str]] = []

    class Recording(dict):
        def __setitem__(self, key, value):
            if key == uri:
                published.append(codes(value))
            super().__setitem__(key, value)

    client.diagnostics = Recording(client.diagnostics)
    for version in range(2, 12):  # typed faster than the server checks
        change_file(client, uri, version, DEPRECATED if version % 2 else "x = 1\n")
    await asyncio.wait_for(_settled(published), 30)
    assert published[-1] == ["SS001"]  # version 11's text
    # never more checks than changes (stale ones are skipped), plus the one publication
    # made when every file's facts are in (the project is read in the background)
    assert len(published) <= 11


async def _settled(published: list, quiet: float = 1.0) -> None:
    """Wait until something was published and then nothing more for ``quiet`` seconds."""
    seen = -1
    while not published or len(published) != seen:
        seen = len(published)
        await asyncio.sleep(quiet)


LEARNING_ROUTES = """\
from flask import current_app


def health():
    db_manager = current_app.config['db_manager']
    return db_manager.status()


def names():
    db_manager = current_app.config['db_manager']
    return db_manager.names()
"""
LEARNING_SERVICE = """\
from flask import current_app

from app.models import User


def create_user(name):
    with current_app.unified_session_manager.get_db_session() as session:
        session.add(User(name=name))
"""


async def test_code_action_fix_equals_check_fix_with_the_learned_binding(
    client: LanguageClient, tmp_path
):
    # `db_manager` is not bound in service.py; the repository binds it in its functions
    # with `current_app.config['db_manager']` (learned from routes.py): the editor's fix
    # must bind it exactly as `check --fix` does
    files = {"app/routes.py": LEARNING_ROUTES, "app/service.py": LEARNING_SERVICE}
    root = project(tmp_path / "editor", files)
    cli_root = project(tmp_path / "cli", files)
    subprocess.run(
        [sys.executable, "-m", "steeringsync", "check", "--fix", "--no-cache", "."],
        cwd=cli_root,
        capture_output=True,
        check=False,
    )
    by_cli = (cli_root / "app/service.py").read_text(encoding="utf-8")
    assert "db_manager = current_app.config['db_manager']" in by_cli  # the learned one

    await initialize(client, root)
    uri = open_file(client, root / "app/service.py", "python")
    # learned once every file's facts are read (the first publication comes before)
    found = await diagnostics_for(client, uri, lambda d: any("learned" in x.message for x in d))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), found[0].range, types.CodeActionContext(found)
        )
    )
    fix = next(a for a in actions if a.title.startswith("Fix SS001"))
    assert "learned from" in fix.title  # the finding says which binding the fix uses
    assert apply_edits(LEARNING_SERVICE, fix.edit.changes[uri]) == by_cli


async def test_env_file_changes_update_the_drift_findings(client: LanguageClient, tmp_path):
    doc = "# Tech\n\n| Setting | Default |\n|---|---|\n| `PORT` | `80` |\n"
    root = project(tmp_path, {".kiro/steering/tech.md": doc, ".env.example": "PORT=80\n"})
    await initialize(client, root)
    doc_uri = open_file(client, root / ".kiro/steering/tech.md", "markdown")
    assert "SS201" not in codes(await diagnostics_for(client, doc_uri, lambda d: True))
    (watch,) = client.registrations  # type: ignore[attr-defined]
    globs = [w["globPattern"] for w in watch.register_options["watchers"]]
    assert "**/.env.example" in globs  # the client is asked to report env-file changes

    (root / ".env.example").write_text("PORT=8080\n", encoding="utf-8")  # e.g. a checkout
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent((root / ".env.example").as_uri(), types.FileChangeType.Changed)]
        )
    )
    found = await diagnostics_for(client, doc_uri, lambda d: "SS201" in codes(d))
    assert ".env.example" in next(d for d in found if d.code == "SS201").message

    # saved from the editor: the file on disk is read again too
    env_uri = open_file(client, root / ".env.example", "dotenv")
    (root / ".env.example").write_text("PORT=80\n", encoding="utf-8")
    change_file(client, env_uri, 2, "PORT=80\n")
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(env_uri))
    )
    assert "SS201" not in codes(
        await diagnostics_for(client, doc_uri, lambda d: "SS201" not in codes(d))
    )


async def test_the_files_own_findings_come_before_the_project_is_read(
    client: LanguageClient, tmp_path
):
    # SS001 needs only the buffer; SS203 (a setting read but documented nowhere) needs
    # every file's facts, read in the background after the first publication
    code = DEPRECATED + "\nimport os\nTTL = os.getenv('TOKEN_TTL', '60')\n"
    doc = DOC + "\nTokens: `TOKEN_ISSUER` and `TOKEN_AUDIENCE`.\n"
    other = "import os\nI = os.getenv('TOKEN_ISSUER')\nA = os.getenv('TOKEN_AUDIENCE')\n"
    files = {"app/service.py": code, "app/auth.py": other, ".kiro/steering/tech.md": doc}
    root = project(tmp_path, files)
    await initialize(client, root)
    published: list[list[str]] = []

    class Recording(dict):
        def __setitem__(self, key, value):
            published.append(codes(value))
            super().__setitem__(key, value)

    client.diagnostics = Recording(client.diagnostics)
    uri = open_file(client, root / "app/service.py", "python")
    await diagnostics_for(client, uri, lambda d: "SS203" in codes(d))
    assert published[0] == ["SS001"]  # at once, before any other file was read
    assert published[-1] == ["SS001", "SS203"]
    # the editor showed the load as progress, begun and ended
    ((_token, reports),) = client.progress_reports.items()
    assert [r.kind for r in reports] == ["begin", "end"] and "reading the project" in (
        reports[0].title
    )
