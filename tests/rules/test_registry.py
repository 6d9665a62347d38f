"""The rule registry: unique stable codes, complete docs, and every embedded example holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from steeringsync.config import Config
from steeringsync.project import Project
from steeringsync.rules import ALL_RULES, RULES_BY_CODE, is_selected
from steeringsync.rules.base import CODE_RE, EngineRule, Rule

RULES = sorted(ALL_RULES, key=lambda r: r.code)


def test_codes_are_unique_and_well_formed() -> None:
    codes = [rule.code for rule in ALL_RULES]
    assert len(codes) == len(set(codes))
    assert all(CODE_RE.match(code) for code in codes)
    assert len({rule.name for rule in ALL_RULES}) == len(codes)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_documents_itself(rule: type[Rule]) -> None:
    sections = rule.doc_sections()
    assert sections.get("What it does")
    assert sections.get("Why is this bad?")
    assert sections.get("Fix safety")
    assert rule.summary and rule.name == rule.name.lower()


def _examples() -> list[tuple[type[Rule], str, str, int]]:
    cases = []
    for rule in RULES:
        cases += [(rule, "valid", text, 0) for text in rule.VALID]
        cases += [(rule, "invalid", ex.source, ex.count) for ex in rule.INVALID]
    return cases


@pytest.mark.parametrize(
    ("rule", "kind", "text", "count"),
    _examples(),
    ids=[f"{r.code}-{k}-{i}" for i, (r, k, _, _) in enumerate(_examples())],
)
def test_embedded_example(
    rule: type[Rule], kind: str, text: str, count: int, tmp_path: Path
) -> None:
    instance = rule.from_project(Project(tmp_path, Config()))
    findings = [f for f in instance.check_example(text) if f.code == rule.code]
    assert len(findings) == count, f"{kind} example:\n{text}\n-> {findings}"


def test_every_non_engine_rule_has_examples() -> None:
    missing = [r.code for r in ALL_RULES if not issubclass(r, EngineRule) and not r.INVALID]
    assert missing == []


@pytest.mark.parametrize(
    ("code", "select", "ignore", "enabled"),
    [
        ("SS001", (), (), True),
        ("SS001", ("SS0",), (), True),
        ("SS001", ("SS3",), (), False),
        ("SS001", (), ("SS",), False),
        ("SS001", ("SS001",), ("SS",), True),  # the more specific selector wins
        ("SS001", ("SS",), ("SS001",), False),
    ],
)
def test_selection_by_code_or_prefix(
    code: str, select: tuple[str, ...], ignore: tuple[str, ...], enabled: bool
) -> None:
    assert is_selected(code, select, ignore) is enabled


def test_lookup_by_code() -> None:
    assert RULES_BY_CODE["SS001"].name == "deprecated-db-session"


def test_a_preview_rule_runs_only_when_its_code_is_selected() -> None:
    from steeringsync.rules import ALL_RULES, selected

    rules = [cls() for cls in ALL_RULES if cls.code in ("SS306", "SS307")]
    assert any(r.preview for r in rules), "SS306 is the preview rule this test is about"

    def codes(select: tuple[str, ...]) -> list[str]:
        return [r.code for r in selected(rules, select, ())]

    assert codes(()) == ["SS307"]  # the default
    assert codes(("SS3",)) == ["SS307"]  # a prefix
    assert codes(("ALL",)) == ["SS307"]
    assert codes(("SS306",)) == ["SS306"]
    assert codes(("SS3", "SS306")) == ["SS306", "SS307"]
