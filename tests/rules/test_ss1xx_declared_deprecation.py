"""SS1xx: rules declared by steering docs: codes, detection, fixes, and their own examples."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from steeringsync import api
from steeringsync.config import Config
from steeringsync.project import Project
from steeringsync.rules import build_rules
from steeringsync.rules.ss1xx_declared_deprecation import DeclaredDeprecation, declared_rules
from steeringsync.types import Applicability

Tree = Callable[[dict[str, str]], Path]
DOC = (
    "---\ninclusion: always\ndeprecations:\n"
    "  - pattern: legacy_cache.get_client\n    replacement: legacy_cache.client\n"
    "    message: Use the pooled client\n"
    "  - pattern: audit_log.write_event\n    replacement: audit.record\n"
    "  - pattern: billing.charge_v1\n    replacement: 'billing.charge(version=2)'\n"
    "---\n# Deprecations\n"
)


@pytest.fixture
def rules(write_tree: Tree) -> list[DeclaredDeprecation]:
    root = write_tree({".kiro/steering/deprecations.md": DOC})
    return declared_rules(Project(root, Config()))


def test_codes_names_and_fixability(rules: list[DeclaredDeprecation]) -> None:
    assert [(r.code, r.name, r.fix_applicability) for r in rules] == [
        ("SS117", "deprecated-legacy-cache-get-client", Applicability.SAFE),
        # another receiver, perhaps another type: only with --unsafe-fixes
        ("SS166", "deprecated-audit-log-write-event", Applicability.UNSAFE),
        ("SS106", "deprecated-billing-charge-v1", Applicability.NONE),  # not a plain rename
    ]
    assert all(r.origin is not None and r.origin.name == "deprecations.md" for r in rules)
    assert rules[0].summary == "Use the pooled client"


def test_each_declared_rule_passes_its_own_examples(rules: list[DeclaredDeprecation]) -> None:
    for rule in rules:
        assert set(rule.doc_sections()) >= {"What it does", "Why is this bad?", "Fix safety"}
        for text in rule.VALID:
            assert rule.check_example(text) == []
        for example in rule.INVALID:
            findings = rule.check_example(example.source)
            assert len(findings) == example.count
            if example.fixed is not None:
                assert rule.fix_source(example.source, findings) == example.fixed


def test_detection_through_aliases_and_attribute_chains(rules: list[DeclaredDeprecation]) -> None:
    rule = rules[0]
    text = (
        "import app.legacy_cache as lc\n"
        "a = lc.get_client()\n"
        "b = self.legacy_cache.get_client()\n"
        "run(legacy_cache.get_client)\n"
        "c = other.get_client()\n"
    )
    findings = rule.check_example(text)
    assert [(f.location.line, f.location.column) for f in findings] == [(2, 5), (3, 5), (4, 5)]
    assert "passed as a reference" in findings[2].message
    assert "declared in deprecations.md" in findings[0].message


def test_rename_fix_keeps_receiver_formatting_and_comments(
    rules: list[DeclaredDeprecation],
) -> None:
    rule = rules[0]
    text = "import app.legacy_cache as lc\nx = lc.get_client(  # keep\n    timeout=3)\n"
    fixed = rule.fix_source(text, rule.check_example(text))
    assert fixed == "import app.legacy_cache as lc\nx = lc.client(  # keep\n    timeout=3)\n"


def test_receiver_change_is_an_unsafe_fix_only_where_the_new_root_is_bound(
    rules: list[DeclaredDeprecation],
) -> None:
    rule = rules[1]
    bound = "import audit\naudit_log.write_event(e)\n"
    unbound = "audit_log.write_event(e)\n"
    (finding,) = rule.check_example(bound)
    assert finding.applicability is Applicability.UNSAFE
    assert rule.fix_source(bound, [finding]) == "import audit\naudit.record(e)\n"
    (finding,) = rule.check_example(unbound)
    assert finding.applicability is Applicability.NONE
    assert rule.fix_source(unbound, [finding]) == unbound


def test_rules_survive_pickling_for_worker_processes(rules: list[DeclaredDeprecation]) -> None:
    clone = pickle.loads(pickle.dumps(rules[0]))
    assert (clone.code, clone.name, type(clone).__doc__) == (
        rules[0].code,
        rules[0].name,
        type(rules[0]).__doc__,
    )
    assert len(clone.check_example("legacy_cache.get_client()\n")) == 1


def _codes(tmp: pytest.TempPathFactory, docs: dict[str, str]) -> dict[str, str]:
    root = tmp.mktemp("project")
    (root / ".git").mkdir()
    for name, text in docs.items():
        (root / ".kiro/steering" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / ".kiro/steering" / name).write_text(text)
    rules = build_rules(Project(root, Config()))
    return {r.declaration.pattern: r.code for r in rules if isinstance(r, DeclaredDeprecation)}


def test_codes_stay_when_declarations_are_added_removed_or_reordered(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    one = "---\ndeprecations:\n  - pattern: a_mod.old\n---\n"
    two = "---\ndeprecations:\n  - pattern: b_mod.old\n  - pattern: a_mod.old\n---\n"
    before = _codes(tmp_path_factory, {"z.md": one, "a/b.md": two})
    assert before == {"b_mod.old": "SS182", "a_mod.old": "SS142"}
    # a new doc sorting first, with new declarations; the old ones reordered and moved
    new = "---\ndeprecations:\n  - pattern: c_mod.old\n  - pattern: d_mod.old\n---\n"
    moved = "---\ndeprecations:\n  - pattern: a_mod.old\n  - pattern: b_mod.old\n---\n"
    after = _codes(tmp_path_factory, {"0.md": new, "y.md": moved})
    assert {k: after[k] for k in before} == before
    assert len(set(after.values())) == 4
    # one removed: the other keeps its code
    only_b = "---\ndeprecations:\n  - pattern: b_mod.old\n---\n"
    assert _codes(tmp_path_factory, {"y.md": only_b}) == {"b_mod.old": "SS182"}


def test_a_declaration_may_name_its_code(tmp_path_factory: pytest.TempPathFactory) -> None:
    doc = (
        "---\ndeprecations:\n  - pattern: a_mod.old\n    code: SS150\n"
        "  - pattern: b_mod.old\n    code: SS150\n---\n"
    )
    codes = _codes(tmp_path_factory, {"d.md": doc})
    assert codes["a_mod.old"] == "SS150"  # the first to name a code keeps it
    assert codes["b_mod.old"] == "SS182"  # the second falls back to its hash


def test_colliding_hashes_get_distinct_codes() -> None:
    from steeringsync.rules.ss1xx_declared_deprecation import assign_codes, home_code
    from steeringsync.steering.declarations import Declaration

    patterns = [f"mod.old_{n}" for n in range(40)]
    homes = [home_code(p) for p in patterns]
    assert len(set(homes)) < len(homes)  # 40 in 99 slots: some share a home
    decls = [Declaration(p, None, "", Path("d.md"), 1, "front-matter") for p in patterns]
    codes = [code for _, code in assign_codes(decls)]
    assert len(set(codes)) == 40


def test_at_most_99_declared_rules_with_a_notice(write_tree: Tree) -> None:
    entries = "".join(f"  - pattern: mod.old_{n}\n" for n in range(105))
    root = write_tree({".kiro/steering/many.md": f"---\ndeprecations:\n{entries}---\n"})
    project = Project(root, Config())
    rules = declared_rules(project)
    assert len(rules) == 99 and {r.code for r in rules} == {f"SS{n}" for n in range(101, 200)}
    assert project.notices == [
        "6 doc-declared deprecations beyond the 99 codes SS101-SS199 ignored"
    ]


def test_check_reports_declared_rules_on_code(write_tree: Tree) -> None:
    root = write_tree(
        {".kiro/steering/deprecations.md": DOC, "app/x.py": "legacy_cache.get_client()\n"}
    )
    project = Project(root, Config())
    report = api.check(project, api.CheckOptions(paths=(root,), select=("SS1",)))
    assert [(f.code, f.path.name, f.location.line) for f in report.active] == [("SS117", "x.py", 1)]


def test_a_front_matter_module_deprecation_flags_imports_and_doc_examples(
    write_tree: Tree,
) -> None:
    # Lesson from the development corpus: `pattern: azure.ai.openai` names a module
    root = write_tree(
        {
            ".kiro/steering/ai.md": (
                "---\ndeprecations:\n  - pattern: azure.ai.openai\n    kind: module\n"
                "    replacement: openai\n    message: the SDK moved\n---\n"
                "Call the model:\n\n```python\nfrom azure.ai.openai import Client\n```\n"
            ),
            "app/a.py": "import azure.ai.openai\nfrom azure.ai import openai\nimport openai\n",
            "app/b.py": "from azure.ai.openai.models import Msg\nfrom azure.ai import other\n",
        }
    )
    project = Project.discover(root)
    report = api.check(project, api.CheckOptions(paths=(root,), select=("SS1", "SS303")))
    found = sorted(
        (f.code == "SS303", project.relative(f.path), f.location.line) for f in report.findings
    )
    assert found == [
        (False, "app/a.py", 1),
        (False, "app/a.py", 2),
        (False, "app/b.py", 1),
        (True, ".kiro/steering/ai.md", 11),
    ]
    message = next(f.message for f in report.findings if f.code != "SS303")
    assert message == (
        "module `azure.ai.openai` is deprecated (declared in ai.md): the SDK moved; use `openai`"
    )


def test_unsafe_renames_need_the_flag_and_safe_ones_do_not_wait_for_them(
    write_tree: Tree,
) -> None:
    doc = (
        "---\ndeprecations:\n"
        "  - pattern: legacy_cache.get_client\n    replacement: legacy_cache.client\n"
        "  - pattern: audit_log.write_event\n    replacement: audit.record\n---\n"
    )
    code = "import audit\n\nlegacy_cache.get_client()\naudit_log.write_event(e)\n"
    root = write_tree({".kiro/steering/d.md": doc, "app.py": code})
    project = Project(root, Config())
    api.check(project, api.CheckOptions(paths=(root,), fix=True, cache=False))
    safe_only = "import audit\n\nlegacy_cache.client()\naudit_log.write_event(e)\n"
    assert (root / "app.py").read_text() == safe_only
    api.check(project, api.CheckOptions(paths=(root,), fix=True, unsafe_fixes=True, cache=False))
    assert (
        root / "app.py"
    ).read_text() == "import audit\n\nlegacy_cache.client()\naudit.record(e)\n"
