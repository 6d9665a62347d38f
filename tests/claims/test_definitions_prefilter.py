"""SS308's collector parses only files that can hold a fact about the names the docs use,
and the pre-filter never changes what is reported."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steeringsync.claims.definitions import DefinitionsCollector
from steeringsync.cli import main
from steeringsync.engine import FileJob, analyze_bytes
from steeringsync.python.source import PythonSource
from steeringsync.rules.ss308_dead_python_name import _claimed_names
from steeringsync.steering.document import parse_text
from steeringsync.triggers import _bounded, contains_name

Tree = Callable[[dict[str, str]], Path]
DOC = (
    "# Structure\n\nThe entry point is `run_app()`; settings live in `AppConfig`.\n"
    "Models extend `BaseModel`, paths are `Path` objects, `UserStore.save()` persists.\n"
)


def parsed(text: str, names: tuple[str, ...] = ("run_app", "AppConfig")) -> bool:
    job = FileJob(rules=(), collectors=(DefinitionsCollector(names),))
    return analyze_bytes(Path("a.py"), text.encode(), job).parsed


def test_a_word_inside_a_longer_word_parses_nothing() -> None:
    assert not parsed("PRERUN_APP = 1\nprerun_app = run_apps = 2\n")
    assert not parsed("x = AppConfigurator()\n")
    assert parsed("def run_app():\n    pass\n")
    assert parsed("from app.settings import AppConfig\n")
    # a non-ASCII neighbour may end the word as the decoded text reads it
    assert parsed("# see run_app\u2014the entry point\nx = 1\n")


def test_plain_well_known_and_library_names_need_no_facts() -> None:
    doc = parse_text(Path("structure.md"), DOC)
    assert _claimed_names([doc]) == ("AppConfig", "UserStore", "run_app")
    attribute = parse_text(Path("models.md"), "Call `BaseModel.model_dump()`.\n")
    assert _claimed_names([attribute]) == ("BaseModel",)


WORDISH = st.lists(
    st.sampled_from(
        [b"run_app", b"prerun_app", b"run_app_", b"_run_app", b"AppConfig", b"Config", b" ", b"\n",
         b"(", b"9", b"\xe2\x80\x94", b"\xc3\xa9", b"x", b"."]
    ),
    max_size=10,
).map(b"".join)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(WORDISH)
def test_the_automaton_search_matches_the_regex_one(data: bytes) -> None:
    names = (b"run_app", b"AppConfig")
    expected = any(_bounded(n).search(data) is not None for n in names)
    assert contains_name(data, names) == expected


@settings(max_examples=300, deadline=None)
@given(WORDISH)
def test_every_file_with_a_fact_is_parsed(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    collector = DefinitionsCollector(("run_app", "AppConfig"))
    # the words in a string and in comments, and as code when they parse as code
    comments = "".join(f"# {line}\n" for line in text.splitlines())
    for code in (f"x = {text!r}\n{comments}", f"{text}\n"):
        source = PythonSource(Path("a.py"), code.encode(), code)
        try:
            source.tree  # noqa: B018 - the engine runs collectors on parsed files only
        except (SyntaxError, ValueError):
            continue
        if collector.collect(source):
            assert collector.relevant(source.raw), code


FILES = {
    ".kiro/steering/structure.md": DOC,
    "app/cli.py": "def run():\n    return 'prerun_app'\n",
    "app/broken_prerun.py": "prerun_app = (\n",  # a longer word: nothing to parse it for
    "app/broken_run.py": "def run_app(:\n    pass\n",
    "app/notes.py": "# run_app\u2014kept for the docs\nx = 1\n",
}


def check(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        main(["check", "--format", "json", "--no-cache", "--exit-zero", *args])
    finally:
        os.chdir(cwd)
    found: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return found


def test_findings_identical_with_and_without_the_pre_filter(
    write_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(FILES)
    filtered = check(root, capsys)
    assert check(root, capsys, "--no-prefilter") == filtered
    found = {(f["code"], f["path"]) for f in filtered}
    assert ("SS900", "app/broken_run.py") in found
    assert ("SS900", "app/broken_prerun.py") not in found
    messages = [str(f["message"]) for f in filtered if f["code"] == "SS308"]
    # `run_app` is spelt in a comment of notes.py: seen, so not reported; the others are
    assert not any("`run_app`" in m for m in messages)
    assert any("`AppConfig`" in m for m in messages)
    assert any("`UserStore`" in m for m in messages)
