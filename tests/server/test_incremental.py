"""Findings kept across an edit equal a fresh check of the edited buffer, edit after edit."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from steeringsync.engine import analyze_bytes
from steeringsync.server import incremental
from steeringsync.server import model as model_mod
from steeringsync.server.model import ProjectModel, encode_buffer

# SS001 in the shapes whose analysis reads beyond a use's own function: aliases made in
# other functions, module-level bindings, a use at module level, a learned binding
MODULE = '''\
"""Service."""

import os

from app import unified_session_manager as usm
from flask import current_app

TIMEOUT = int(os.getenv("TIMEOUT", "30"))


def helper(request, model):
    count = 3
    total = 0
    for item in request.items:
        total += item.value * count
    return total


def aliasing(app):
    legacy = getattr(app, "unified_session_manager", None)
    other = legacy
    return other


def load(model):
    with usm.get_db_session() as session:
        return session.query(model).all()


def load_again(model):
    db_manager = current_app.config["db_manager"]
    with usm.get_db_session() as session:
        rows = session.query(model).all()
    return rows


def uses_alias(model):
    with other.get_db_session():
        pass


class Repo:
    def get(self, key):
        with self.unified_session_manager.get_db_session() as s:
            return s.get(key)


with usm.get_db_session() as session:
    session.execute("select 1")


def tail(request):
    value = request.value
    return value


class Plain:
    limit = 3

    def size(self, items):
        n = 0
        for item in items:
            n += item.size
        return n


def first(items):
    for item in items:
        if item.ok:
            return item
    return None


def last(items):
    found = None
    for item in items:
        found = item
    return found
'''
INSERTS = (
    "1", "x", " ", "\n", "\n    ", "usm", "other", "legacy", "session", "result",
    "db_manager", "get_db_session", "global other\n    ", "alias = usm\n    ",
    "other = x\n    ", "import usm\n    ", "y = 2\n    ", "session_failed = 1\n    ",
    "def extra():\n    pass\n", "(", "# note", "\uff47\uff45\uff54_db_session", "value", "2", "_",
)  # fmt: skip


def edit(rng: random.Random, text: str) -> str:
    """Anywhere, or (half the time) where typing in a body mostly keeps the text valid."""
    lines = text.split("\n")
    line = rng.randrange(len(lines))
    column = rng.randint(0, len(lines[line]))
    body = [i for i, s in enumerate(lines) if s.startswith("    ") and s.strip()]
    if rng.random() < 0.5:
        line = rng.choice(body)
        column = rng.choice((len(lines[line]) - len(lines[line].lstrip()), len(lines[line])))
    start = sum(len(s) + 1 for s in lines[:line]) + column
    end = min(len(text), start + rng.choice((0, 0, 0, 1, 3)))
    return text[:start] + rng.choice(INSERTS) + text[end:]


def fresh(model: ProjectModel, path: Path, text: str) -> list[tuple[object, ...]]:
    result = analyze_bytes(path, encode_buffer(text), model.job)
    return sorted(_key(f) for f in result.findings)


def _key(finding) -> tuple[object, ...]:
    loc = finding.location
    return (loc.line, loc.column, loc.end_line, loc.end_column, finding.code, finding.message,
            finding.hint, finding.applicability, finding.suppressed)  # fmt: skip


@pytest.mark.parametrize("seed", range(3))
def test_kept_findings_equal_a_fresh_check_after_random_edits(
    tmp_path, monkeypatch, seed: int
) -> None:
    outcomes: list[bool] = []

    def counted(*args):
        found = incremental.kept(*args)
        outcomes.append(found is not None)
        return found

    monkeypatch.setattr(model_mod, "kept", counted)
    root = tmp_path.resolve()
    (root / ".git").mkdir()
    service = root / "app" / "service.py"
    service.parent.mkdir()
    service.write_text(MODULE, encoding="utf-8")
    model = ProjectModel(root)
    model.load()
    model.set_buffer(service, MODULE)
    rng = random.Random(seed)
    text = MODULE
    for _ in range(200):
        text = edit(rng, text)
        model.set_buffer(service, text)
        assert sorted(_key(f) for f in model.python_findings[service]) == fresh(
            model, service, text
        )
        if model.parsed.get(service) is None:  # unparsable: the editor fixes it again
            text = MODULE
            model.set_buffer(service, text)
    # both ways were really taken: findings kept, and the rule run again
    assert outcomes.count(True) >= 5 and outcomes.count(False) >= 20


def test_typing_in_a_function_without_a_use_keeps_ss001s_findings(tmp_path, monkeypatch) -> None:
    root = tmp_path.resolve()
    (root / ".git").mkdir()
    service = root / "service.py"
    service.write_text(MODULE, encoding="utf-8")
    model = ProjectModel(root)
    model.load()
    model.set_buffer(service, MODULE)
    before = [f for f in model.python_findings[service] if f.code == "SS001"]
    assert len(before) == 5
    rule = next(r for r in model.job.rules if r.code == "SS001")
    calls = []
    original = type(rule).check_python
    monkeypatch.setattr(
        type(rule), "check_python", lambda self, source: calls.append(1) or original(self, source)
    )
    typed = MODULE.replace("    count = 3\n", "    count = 31\n")
    model.set_buffer(service, typed)
    typed = typed.replace("        n = 0\n", "        n = 10\n")  # in a class's method
    model.set_buffer(service, typed)
    assert calls == []  # kept, not re-run
    assert [f for f in model.python_findings[service] if f.code == "SS001"] == before
    # an edit that can change them (a new alias in another function) runs the rule again
    model.set_buffer(service, typed.replace("    other = legacy\n", "    other = usm\n"))
    assert calls == [1]


def test_a_doc_declaring_a_deprecation_runs_only_the_new_rule(tmp_path, monkeypatch) -> None:
    root = tmp_path.resolve()
    (root / ".git").mkdir()
    service = root / "service.py"
    code = MODULE + "\n\nclient = legacy_cache.get_client()\n"
    service.write_text(code, encoding="utf-8")
    doc = root / ".kiro" / "steering" / "tech.md"
    doc.parent.mkdir(parents=True)
    doc.write_text("# Tech\n", encoding="utf-8")
    model = ProjectModel(root)
    model.load()
    model.set_buffer(service, code)
    before = sorted(_key(f) for f in model.python_findings[service])
    rule = next(r for r in model.job.rules if r.code == "SS001")
    calls = []
    original = type(rule).check_python
    monkeypatch.setattr(
        type(rule), "check_python", lambda self, source: calls.append(1) or original(self, source)
    )
    model.set_buffer(doc, "---\ndeprecations:\n  - pattern: legacy_cache.get_client\n---\n# T\n")
    assert calls == []  # SS001 is the same rule on the same text: its findings are kept
    after = sorted(_key(f) for f in model.python_findings[service])
    assert [k for k in after if k[4] == "SS117"] and [k for k in after if k[4] != "SS117"] == before
    assert after == fresh(model, service, code)
