"""The language server's project model: incremental updates, buffers over files."""

from __future__ import annotations

from pathlib import Path

import pytest

from steeringsync.server import model as model_mod
from steeringsync.server.model import ProjectModel, encode_buffer

DEPRECATED = "with unified_session_manager.get_db_session() as s:\n    s.query(M).all()\n"
DOC = "# Tech\n\n```bash\nREDIS_URL=redis://localhost\n```\n"
# docs that document the TOKEN_ settings the code reads, so an undocumented one is a gap
TOKEN_DOC = DOC + "\nTokens: `TOKEN_ISSUER` and `TOKEN_AUDIENCE`.\n"
TOKEN_READS = "import os\nI = os.getenv('TOKEN_ISSUER')\nA = os.getenv('TOKEN_AUDIENCE')\n"
DECLARING = (
    "---\ndeprecations:\n  - pattern: legacy_cache.get_client\n---\n" + DOC
)  # fmt: skip


def tree(root: Path, files: dict[str, str]) -> Path:
    (root / ".git").mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def loaded(root: Path) -> ProjectModel:
    model = ProjectModel(root.resolve())
    model.load()
    return model


def codes(model: ProjectModel, path: Path) -> list[str]:
    return [f.code for f in model.findings(path)]


def test_editing_one_python_file_reads_no_other(tmp_path, monkeypatch) -> None:
    root = tree(
        tmp_path, {f"app/m{i}.py": "import os\nX = os.getenv('REDIS_URL')\n" for i in range(20)}
    )
    root = tree(root, {"app/edited.py": "x = 1\n", ".kiro/steering/tech.md": DOC})
    model = loaded(root)
    edited = root.resolve() / "app/edited.py"

    def no_disk(*args, **kwargs):
        raise AssertionError("a file was read from disk during an edit")

    monkeypatch.setattr(Path, "read_bytes", no_disk)
    monkeypatch.setattr(Path, "read_text", no_disk)
    monkeypatch.setattr(model_mod, "analyze_file", no_disk)
    model.set_buffer(edited, DEPRECATED)
    assert codes(model, edited) == ["SS001"]
    model.set_buffer(edited, "x = 2\n")
    assert codes(model, edited) == []


def test_project_rules_rerun_only_when_the_files_facts_change(tmp_path, monkeypatch) -> None:
    files = {"app/settings.py": "x = 1\n", "app/auth.py": TOKEN_READS}
    root = tree(tmp_path, {**files, ".kiro/steering/tech.md": TOKEN_DOC})
    model = loaded(root)
    runs = []
    original = ProjectModel._run_project_rules
    monkeypatch.setattr(
        ProjectModel, "_run_project_rules", lambda self: (runs.append(1), original(self))
    )
    settings = root.resolve() / "app/settings.py"
    model.set_buffer(settings, "x = 2\n")  # no settings read before or after
    assert runs == []
    model.set_buffer(settings, "import os\nTOKEN_TTL = os.getenv('TOKEN_TTL', '60')\n")
    assert runs == [1]
    assert "SS203" in codes(model, settings)  # read by the code, documented nowhere


def test_unsaved_doc_declaration_rechecks_open_python_buffers(tmp_path) -> None:
    code = "from app import legacy_cache\n\nclient = legacy_cache.get_client()\n"
    root = tree(tmp_path, {"app/cache.py": code, ".kiro/steering/tech.md": DOC})
    model = loaded(root)
    cache, doc = root.resolve() / "app/cache.py", root.resolve() / ".kiro/steering/tech.md"
    model.set_buffer(cache, code)
    assert codes(model, cache) == []
    model.set_buffer(doc, DECLARING)
    assert codes(model, cache) == ["SS117"]  # legacy_cache.get_client's stable code
    model.drop_buffer(doc)  # closed without saving: the file on disk counts again
    assert codes(model, cache) == []


def test_doc_edit_that_leaves_the_rules_alone_does_not_recheck_code(tmp_path, monkeypatch) -> None:
    root = tree(tmp_path, {"app/a.py": DEPRECATED, ".kiro/steering/tech.md": DOC})
    model = loaded(root)
    a, doc = root.resolve() / "app/a.py", root.resolve() / ".kiro/steering/tech.md"
    model.set_buffer(a, DEPRECATED)
    calls = []
    original = model_mod.analyze_bytes
    monkeypatch.setattr(
        model_mod, "analyze_bytes", lambda *args: (calls.append(args[0]), original(*args))[1]
    )
    model.set_buffer(doc, DOC + "\nMore prose.\n")
    assert calls == []
    assert codes(model, a) == ["SS001"]


def test_closing_a_python_buffer_restores_the_files_facts(tmp_path) -> None:
    code = "import os\nTTL = os.getenv('TOKEN_TTL', '60')\n"
    files = {"app/s.py": code, "app/auth.py": TOKEN_READS}
    root = tree(tmp_path, {**files, ".kiro/steering/tech.md": TOKEN_DOC})
    model = loaded(root)
    s = root.resolve() / "app/s.py"
    assert "SS203" in [f.code for f in model.project_findings.get(s, [])]
    model.set_buffer(s, "TTL = 60\n")
    assert model.project_findings.get(s, []) == []
    model.drop_buffer(s)
    assert "SS203" in [f.code for f in model.project_findings.get(s, [])]


@pytest.mark.parametrize("path", ["README.md", "app/data.txt", "../outside.py"])
def test_files_outside_the_checked_set_get_nothing(tmp_path, path: str) -> None:
    root = tree(tmp_path / "repo", {"app/a.py": "x = 1\n"})
    model = loaded(root)
    target = (root / path).resolve()
    model.set_buffer(target, DEPRECATED)
    assert model.findings(target) == []


def test_buffer_bytes_follow_the_coding_cookie() -> None:
    text = "# -*- coding: latin-1 -*-\nname = 'café'\n"
    assert encode_buffer(text) == text.encode("latin-1")
    assert encode_buffer("x = 'café'\n") == "x = 'café'\n".encode()


def test_buffers_over_max_file_size_are_not_parsed(tmp_path) -> None:
    root = tree(tmp_path, {"pyproject.toml": "[tool.steeringsync]\nmax-file-size = 100\n"})
    model = loaded(root)
    big = root.resolve() / "big.py"
    model.set_buffer(big, DEPRECATED * 10)
    (finding,) = model.findings(big)
    assert finding.code == "SS901" and "max-file-size" in finding.message


def test_diagnostics_carry_no_control_sequences_from_the_repository(tmp_path) -> None:
    # a doc-declared message is repository text: an ESC sequence could rewrite the editor's
    # output panel, so the published diagnostic shows it escaped
    from pygls.workspace.position_codec import PositionCodec

    from steeringsync.server.convert import diagnostic, text_lines

    code = "from app import legacy_cache\n\nclient = legacy_cache.get_client()\n"
    declaring = DECLARING.replace(
        "get_client\n", 'get_client\n    message: "\\e[2K\\rAll checks passed."\n'
    )
    root = tree(tmp_path, {"app/cache.py": code, ".kiro/steering/tech.md": declaring})
    model = loaded(root)
    cache = root.resolve() / "app/cache.py"
    model.set_buffer(cache, code)
    [finding] = model.findings(cache)
    assert "\x1b" in finding.message  # the rule keeps the doc's words; output escapes them
    published = diagnostic(finding, text_lines(code), PositionCodec())
    assert "\x1b" not in published.message and "\r" not in published.message


def test_doc_edits_scan_the_repository_once_per_setting_name(tmp_path, monkeypatch) -> None:
    # SS202: a documented setting no code reads counts as used when another file names
    # it; that needs a walk of the repository, done once per name, not per doc edit
    from steeringsync.drift import mentions

    doc = "# Tech\n\n```bash\nDEPLOY_REGION=eu\n```\n"
    files = {"deploy.sh": "echo $DEPLOY_REGION\n", ".kiro/steering/tech.md": doc}
    root = tree(tmp_path, files)
    scans: list[set[str]] = []
    original = mentions._scan
    monkeypatch.setattr(
        mentions, "_scan", lambda project, names: scans.append(names) or original(project, names)
    )
    model = loaded(root)
    path = root.resolve() / ".kiro/steering/tech.md"
    assert "SS202" not in codes(model, path)  # named by deploy.sh
    model.set_buffer(path, doc + "\nMore prose.\n")
    model.set_buffer(path, doc + "\n```bash\nNEW_FLAG=1\n```\n")
    assert [s for s in scans if s is not None] == [{"DEPLOY_REGION"}, {"NEW_FLAG"}]
    assert "SS202" in codes(model, path)  # NEW_FLAG: named nowhere else
    (root / "deploy.sh").write_text("echo $DEPLOY_REGION $NEW_FLAG\n")
    model.disk_changed(root.resolve() / "deploy.sh")  # the names are looked for again
    assert "SS202" not in codes(model, path)


def test_the_first_load_reads_facts_from_checks_cache(tmp_path, monkeypatch) -> None:
    import os

    from steeringsync import api, parallel
    from steeringsync.project import Project

    reads = {f"app/m{i}.py": f"import os\nX = os.getenv('TOKEN_{i}', '1')\n" for i in range(6)}
    root = tree(tmp_path, {**reads, ".kiro/steering/tech.md": TOKEN_DOC}).resolve()
    old = 1_600_000_000  # settled files, as in a checkout: their stamps are trusted
    for rel in reads:
        os.utime(root / rel, (old, old))
    cold = loaded(root)  # nothing cached yet: every file is read, and cached for `check`
    analyzed: list[Path] = []
    original = parallel.analyze_file
    monkeypatch.setattr(
        parallel, "analyze_file", lambda path, job: analyzed.append(path) or original(path, job)
    )
    report = api.check(Project.discover(root, cache=True), api.CheckOptions())
    assert analyzed == []  # `check` answered from what the server cached
    warm = loaded(root)
    assert analyzed == []  # and the server from the cache, too
    assert warm.facts == cold.facts and len(warm.facts) == len(reads)
    assert codes(warm, root / "app/m0.py") == sorted(
        f.code for f in report.active if f.path == root / "app/m0.py"
    )


def test_a_buffer_edited_while_the_project_loads_keeps_its_own_facts(tmp_path) -> None:
    code = "import os\nTTL = os.getenv('TOKEN_TTL', '60')\n"
    files = {"app/s.py": code, "app/auth.py": TOKEN_READS}
    root = tree(tmp_path, {**files, ".kiro/steering/tech.md": TOKEN_DOC})
    model = ProjectModel(root.resolve())
    model.load_docs()
    s = root.resolve() / "app/s.py"
    model.set_buffer(s, code)
    load = model.read_facts()  # read while the buffer was as on disk
    model.set_buffer(s, "TTL = 60\n")  # edited before the load is taken in
    assert model.project_findings == {}  # no project rule before every file is read
    model.install_facts(load)
    assert s not in model.facts  # the buffer's (no settings read), not the file's
    assert "SS203" not in codes(model, s)
    model.set_buffer(s, code)
    assert "SS203" in codes(model, s)
