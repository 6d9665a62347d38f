"""A real tree: 1,000+ standard-library files, the deprecated pattern injected at known places."""

from __future__ import annotations

import shutil
import sysconfig
import warnings
from pathlib import Path

from steeringsync.cli import main

INJECTED = """

def _steeringsync_injected_{n}(unified_session_manager, Model):
    with unified_session_manager.get_db_session() as session:
        return session.query(Model).all()
"""


def build_corpus(dest: Path, count: int = 1100, every: int = 7) -> int:
    """Copy stdlib modules that compile; inject into every ``every``-th; return uses injected."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    injected = 0
    copied = 0
    for source in sorted(stdlib.rglob("*.py")):
        if copied == count:
            break
        if "site-packages" in source.parts:
            continue
        text = source.read_text(encoding="utf-8", errors="surrogateescape")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(text, str(source), "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            continue
        target = dest / source.relative_to(stdlib)
        target.parent.mkdir(parents=True, exist_ok=True)
        if copied % every == 0 and "get_db_session" not in text:
            text += INJECTED.format(n=copied)
            injected += 1
        target.write_text(text, encoding="utf-8", errors="surrogateescape")
        copied += 1
    assert copied == count
    return injected


def test_every_injected_use_is_found_and_nothing_else(tmp_path: Path, capsys, monkeypatch) -> None:
    corpus = tmp_path / "corpus"
    (corpus / ".git").mkdir(parents=True)
    injected = build_corpus(corpus)
    config = Path(__file__).parent / "fixtures" / "corpus_pyproject.toml"
    shutil.copy(config, corpus / "pyproject.toml")
    monkeypatch.chdir(corpus)
    code = main(["check", "--select", "SS0,SS9", "--statistics"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.split()[:2] == [str(injected), "SS001"], out
    assert "SS900" not in out and "SS901" not in out
