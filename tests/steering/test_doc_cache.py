"""Parsed docs kept between runs: the same model as a fresh parse, never a stale one."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steeringsync.cache import cache_dir
from steeringsync.cli import main
from steeringsync.project import Project
from steeringsync.steering import doc_cache, document
from steeringsync.steering.doc_cache import DocCache

Tree = Callable[[dict[str, str]], Path]
FIXTURE_DOCS = Path(__file__).parent.parent / "fixtures" / "steering" / "project" / ".kiro"


@pytest.mark.parametrize("path", sorted(FIXTURE_DOCS.rglob("*.md")), ids=lambda p: p.name)
def test_every_fixture_doc_round_trips(path: Path) -> None:
    doc = document.load(path)
    assert doc_cache.decode(path, doc_cache.encode(doc)) == doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from([b"", b"---\ninclusion: manual\n---\n"]))
def test_arbitrary_docs_round_trip(data: bytes, prefix: bytes) -> None:
    path = Path("doc.md")
    doc = document.parse_bytes(path, prefix + data)
    assert doc_cache.decode(path, doc_cache.encode(doc)) == doc


def test_second_load_comes_from_the_cache_and_an_edit_is_seen(write_tree: Tree) -> None:
    root = write_tree({".kiro/steering/tech.md": "# Tech\n\n## Redis\n"})
    doc_path = root / ".kiro/steering/tech.md"
    first = Project.discover(root, cache=True).docs
    assert [h.text for h in first[0].headings] == ["Tech", "Redis"]
    again = DocCache(root)
    assert len(again.stored) == 1  # saved by the first project
    assert again.load(doc_path) == first[0]
    doc_path.write_text("# Tech\n\n## Sessions\n")
    edited = Project.discover(root, cache=True).docs
    assert [h.text for h in edited[0].headings] == ["Tech", "Sessions"]


def test_front_matter_json_cannot_store_is_parsed_every_time(write_tree: Tree) -> None:
    # YAML turns an unquoted date into a datetime.date: not plain data
    root = write_tree(
        {
            ".kiro/steering/a.md": "---\ninclusion: always\nreviewed: 2026-11-26\n---\n# A\n",
            ".kiro/steering/b.md": "# B\n",
        }
    )
    docs = Project.discover(root, cache=True).docs
    assert str(docs[0].meta["reviewed"]) == "2026-11-26"
    stored = DocCache(root).stored
    assert len(stored) == 1  # b.md only
    assert Project.discover(root, cache=True).docs == docs


def test_a_corrupt_doc_cache_is_ignored(write_tree: Tree, monkeypatch, capsys) -> None:
    root = write_tree(
        {".kiro/steering/tech.md": "---\ninclusion: bogus\n---\n# Tech\n", "app.py": "x = 1\n"}
    )
    monkeypatch.chdir(root)
    assert main(["check", "--format", "json"]) == 1
    cold = json.loads(capsys.readouterr().out)
    assert [f["code"] for f in cold] == ["SS301"]
    (cached,) = cache_dir(root).glob(doc_cache.FILE_NAME)
    cached.write_bytes(cached.read_bytes()[:-7] + b"garbage")
    assert main(["check", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out) == cold


def test_no_cache_writes_no_doc_cache(write_tree: Tree, monkeypatch, capsys) -> None:
    root = write_tree({".kiro/steering/tech.md": "# Tech\n"})
    monkeypatch.chdir(root)
    assert main(["check", "--no-cache"]) == 0
    assert not os.path.exists(cache_dir(root))


def test_upgrading_a_parser_library_re_parses(write_tree: Tree, monkeypatch) -> None:
    root = write_tree({".kiro/steering/tech.md": "# Tech\n"})
    Project.discover(root, cache=True).docs  # noqa: B018 - fills the cache
    assert len(DocCache(root).stored) == 1
    real = doc_cache._library_stamp
    monkeypatch.setattr(
        doc_cache, "_library_stamp", lambda name: real(name) + (" 2.0" if name == "yaml" else "")
    )
    assert DocCache(root).stored == {}  # another key: nothing from the old parser is used
