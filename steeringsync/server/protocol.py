"""The pygls wiring: LSP notifications and requests to the project model and back.

Diagnostics are pushed (``textDocument/publishDiagnostics``) for the buffer that
changed and for every other open buffer whose findings the change altered (a steering
doc's edit can add or clear findings in open Python files).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from steeringsync import __version__
from steeringsync.config import STANDALONE_NAME, Config
from steeringsync.config import discover as discover_config
from steeringsync.discovery import find_root
from steeringsync.errors import SteeringSyncError
from steeringsync.server.actions import FIX_ALL, code_actions
from steeringsync.server.convert import diagnostic, text_lines
from steeringsync.server.hover import hover
from steeringsync.server.model import ProjectModel

log = logging.getLogger(__name__)

CONFIG_FILES = ("pyproject.toml", STANDALONE_NAME)


class SteeringSyncServer(LanguageServer):
    """A language server holding one :class:`ProjectModel` per project root."""

    def __init__(self) -> None:
        super().__init__("steeringsync", __version__)
        self.models: dict[Path, ProjectModel] = {}
        self.published: dict[str, list[types.Diagnostic]] = {}
        # roots whose configuration is broken: said once, retried when it is saved
        self.broken: set[Path] = set()
        self.loading: dict[Path, asyncio.Future[None]] = {}  # facts being read, by root

    def model_for(self, path: Path) -> ProjectModel | None:
        root = find_root(path)
        model = self.models.get(root)
        if model is None:
            if root in self.broken:
                return None
            try:
                model = ProjectModel(root)
                model.load_docs()
            except SteeringSyncError as exc:  # a bad configuration: say so, check nothing
                self.broken.add(root)
                self.window_show_message(
                    types.ShowMessageParams(types.MessageType.Error, f"steeringsync: {exc}")
                )
                return None
            self.models[root] = model
            # buffers already open under this root (opened before a config reload)
            for uri, doc in self.workspace.text_documents.items():
                other = uri_path(uri)
                if other is not None and other != path and find_root(other) == root:
                    model.set_buffer(other, doc.source)
            # the buffers' own findings are published now; the project's rules once
            # every file's facts are read, in a thread (seconds in a large repository)
            self.loading[root] = asyncio.ensure_future(self.load_facts(model))
        return model

    async def load_facts(self, model: ProjectModel) -> None:
        """Read every file's facts off the event loop, then run the project rules and
        publish every open buffer (also unchanged ones: the client learns it is done).
        A client that shows progress sees it as "reading the project"."""
        token = await self._begin_progress(model)
        try:
            while True:
                load = await asyncio.to_thread(model.read_facts)
                if self.models.get(model.root) is not model:
                    return  # reloaded meanwhile: that model loads its own
                if model.install_facts(load):
                    break  # else a doc changed the facts to collect: read them again
        except Exception as exc:  # a bug must not leave the project half-checked silently
            log.exception("loading the project failed")
            self.window_show_message(
                types.ShowMessageParams(
                    types.MessageType.Error, f"steeringsync: loading the project failed: {exc}"
                )
            )
            return
        finally:
            if self.loading.get(model.root) is asyncio.current_task():
                self.loading.pop(model.root, None)
            if token is not None:
                self.work_done_progress.end(token, types.WorkDoneProgressEnd())
        self.publish(model, None, every=True)

    async def _begin_progress(self, model: ProjectModel) -> str | None:
        window = self.client_capabilities.window
        if not (window and window.work_done_progress):
            return None
        token = f"steeringsync-load-{id(model)}"
        try:
            await self.work_done_progress.create_async(token)
        except Exception as exc:  # the client said no: load without showing it
            log.warning("no progress shown: %s", exc)
            return None
        title = f"steeringsync: reading the project ({model.root.name})"
        self.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title))
        return token

    def publish(self, model: ProjectModel, changed_uri: str | None, *, every: bool = False) -> None:
        """Diagnostics for ``changed_uri`` always, for other open buffers when they differ
        (``every``: for all of them)."""
        codec = self.workspace.position_codec
        for uri, doc in list(self.workspace.text_documents.items()):
            path = uri_path(uri)
            if path is None or not path.is_relative_to(model.root):
                continue
            lines = text_lines(doc.source)
            diagnostics = [diagnostic(f, lines, codec) for f in model.findings(path)]
            if not every and uri != changed_uri and self.published.get(uri) == diagnostics:
                continue
            self.published[uri] = diagnostics
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    uri=uri, diagnostics=diagnostics, version=doc.version
                )
            )

    def refresh(self, uri: str) -> None:
        """The buffer at ``uri`` is new or changed: update the model, publish."""
        path = uri_path(uri)
        if path is None:
            return
        model = self.model_for(path)
        if model is None:
            return
        model.set_buffer(path, self.workspace.get_text_document(uri).source)
        self.publish(model, uri)

    def reload(self, root: Path) -> None:
        """The configuration changed: load the project afresh, publish its open files."""
        self.models.pop(root, None)
        self.broken.discard(root)
        for uri in list(self.workspace.text_documents):
            path = uri_path(uri)
            if path is not None and find_root(path) == root:
                self.refresh(uri)  # loads the model once, with every open buffer
                return


def uri_path(uri: str) -> Path | None:
    fs_path = to_fs_path(uri)
    return Path(fs_path).resolve() if fs_path else None


server = SteeringSyncServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: SteeringSyncServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.refresh(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: SteeringSyncServer, params: types.DidChangeTextDocumentParams) -> None:
    # Let the changes already received be applied first: when a newer version of the
    # buffer has arrived while the last check ran, only that one is checked (typing
    # faster than a check never builds a queue of stale checks).
    await asyncio.sleep(0)
    uri = params.text_document.uri
    document = ls.workspace.text_documents.get(uri)
    if document is None or document.version != params.text_document.version:
        return
    ls.refresh(uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: SteeringSyncServer, params: types.DidSaveTextDocumentParams) -> None:
    path = uri_path(params.text_document.uri)
    if (
        path is not None
        and path.name in CONFIG_FILES
        and (path.parent in ls.models or path.parent in ls.broken)
    ):
        ls.reload(path.parent)
        return
    ls.refresh(params.text_document.uri)
    model = ls.models.get(find_root(path)) if path is not None else None
    if path is not None and model is not None:
        model.saved(path)  # e.g. an env file: the drift rules read it from disk
        ls.publish(model, None)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: SteeringSyncServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    path = uri_path(uri)
    ls.published.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    if path is None:
        return
    model = ls.models.get(find_root(path))
    if model is not None:
        model.drop_buffer(path)
        ls.publish(model, None)


@server.feature(types.INITIALIZED)
async def initialized(ls: SteeringSyncServer, params: types.InitializedParams) -> None:
    """Ask the client to report files changed outside the editor, where it can."""
    workspace = ls.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    if not (watched and watched.dynamic_registration):
        return
    globs = ["**/*.py", "**/*.md", "**/pyproject.toml", f"**/{STANDALONE_NAME}"]
    globs.extend(g for g in env_globs(ls) if g not in globs)
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in globs]
    )
    registration = types.Registration(
        id="steeringsync-watched-files",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )
    try:
        await ls.client_register_capability_async(types.RegistrationParams([registration]))
    except Exception as exc:  # the client said no: buffers still work, disk edits unseen
        log.warning("file watching not registered: %s", exc)


def env_globs(ls: SteeringSyncServer) -> list[str]:
    """Watch globs for the env files the drift rules read (``env-files``, gitignore-style:
    a pattern without a slash matches at any depth), the defaults and each workspace
    folder's own."""
    patterns = list(Config().env_files)
    for folder in ls.workspace.folders.values():
        path = uri_path(folder.uri)
        if path is None:
            continue
        try:
            patterns.extend(p for p in discover_config(find_root(path)).env_files)
        except SteeringSyncError:
            continue  # said when a file of it is opened
    globs = []
    for pattern in patterns:
        glob = pattern.lstrip("/") if "/" in pattern.rstrip("/") else f"**/{pattern}"
        if glob not in globs:
            globs.append(glob)
    return globs


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def watched_files(ls: SteeringSyncServer, params: types.DidChangeWatchedFilesParams) -> None:
    touched: dict[Path, ProjectModel] = {}
    for change in params.changes:
        path = uri_path(change.uri)
        if path is None:
            continue
        root = find_root(path)
        if path.name in CONFIG_FILES and path.parent == root:
            if root in ls.models or root in ls.broken:
                ls.reload(root)
            continue
        model = ls.models.get(root)
        if model is not None:
            created = change.type != types.FileChangeType.Changed
            model.disk_changed(path, created_or_deleted=created)
            touched[root] = model
    for model in touched.values():
        ls.publish(model, None)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL],
        resolve_provider=False,
    ),
)
def code_action(
    ls: SteeringSyncServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    path = uri_path(uri)
    model = ls.models.get(find_root(path)) if path is not None else None
    if path is None or model is None:
        return None
    text = ls.workspace.get_text_document(uri).source
    actions = code_actions(model, path, uri, text, params.range, ls.workspace.position_codec)
    wanted = params.context.only
    if wanted:
        actions = [a for a in actions if a.kind and any(a.kind.startswith(k) for k in wanted)]
    return actions


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: SteeringSyncServer, params: types.HoverParams) -> types.Hover | None:
    uri = params.text_document.uri
    path = uri_path(uri)
    model = ls.models.get(find_root(path)) if path is not None else None
    if path is None or model is None:
        return None
    doc = ls.workspace.get_text_document(uri)
    lines = text_lines(doc.source)
    position = ls.workspace.position_codec.position_from_client_units(lines, params.position)
    return hover(model, path, position.line, position.character)


def serve() -> None:
    """Speak LSP on stdin/stdout until the client says exit."""
    server.start_io()
