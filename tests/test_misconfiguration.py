"""No silent misconfiguration: an unknown code is an error with the nearest valid ones,
a malformed or unknown noqa suppresses nothing and is itself reported (SS902), every rule
honours the documented noqa forms, and a nested pyproject.toml never hides the docs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from steeringsync.cli import main

Tree = Callable[[dict[str, str]], Path]
DEPRECATED = "with unified_session_manager.get_db_session() as s:\n    s.query(M).all()\n"
DOC = ".kiro/steering/tech.md"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def found(capsys: pytest.CaptureFixture[str], *argv: str) -> list[tuple[str, str, int]]:
    main(["check", "--no-cache", "--output-format", "json", *argv])
    items = json.loads(capsys.readouterr().out)
    return [(i["code"], i["path"], i["line"]) for i in items]


@pytest.fixture
def project(write_tree: Tree, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_tree({"app/views.py": DEPRECATED, DOC: "# Tech\n"})
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--select", "SS999"], "--select: unknown rule code or prefix 'SS999' (did you mean SS9"),
        (
            ["--ignore", "SS0011"],
            "--ignore: unknown rule code or prefix 'SS0011' (did you mean SS001",
        ),
        (["--extend-select", "XY1"], "--extend-select: unknown rule code or prefix 'XY1'"),
        (["--select", "SS3,SS42"], "'SS42'"),
    ],
)
def test_unknown_codes_on_the_command_line_exit_2(
    project: Path, capsys, argv: list[str], expected: str
) -> None:
    code, out, err = run(capsys, "check", *argv)
    assert code == 2 and out == ""
    assert expected in err


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("select = ['SS999']", "`tool.steeringsync.select`"),
        ("extend-select = ['SS8']", "`tool.steeringsync.extend-select`"),
        ("ignore = ['SS30']\nselect = ['SS1', 'SS777']", "`tool.steeringsync.select`"),
        ("[tool.steeringsync.per-file-ignores]\n'tests/**' = ['SS0X1']", "per-file-ignores"),
    ],
)
def test_unknown_codes_in_configuration_exit_2(project: Path, capsys, toml: str, key: str) -> None:
    header = "" if toml.startswith("[") else "[tool.steeringsync]\n"
    (project / "pyproject.toml").write_text(header + toml + "\n")
    code, out, err = run(capsys, "check")
    assert code == 2 and out == ""
    assert err.startswith(f"steeringsync: error: {project / 'pyproject.toml'}: ")
    assert key in err and "unknown rule code" in err


def test_select_all_means_every_rule(project: Path, capsys) -> None:
    assert found(capsys, "--select", "ALL") == [("SS001", "app/views.py", 1)]
    assert run(capsys, "check", "--select", "ALL", "--ignore", "SS0")[0] == 0
    (project / "pyproject.toml").write_text("[tool.steeringsync]\nselect = ['ALL']\n")
    assert run(capsys, "check")[0] == 1


def test_declared_range_prefix_is_valid_without_declarations(project: Path, capsys) -> None:
    assert run(capsys, "check", "--ignore", "SS1")[0] == 1


@pytest.mark.parametrize("comment", ["# noqa: BOGUS", "# noqa:", "# noqa: SS999", "# noqa:SS0001"])
def test_a_bad_noqa_suppresses_nothing_and_is_reported(project: Path, capsys, comment: str) -> None:
    (project / "app/views.py").write_text(DEPRECATED.replace("as s:", f"as s:  {comment}"))
    assert found(capsys) == [("SS001", "app/views.py", 1), ("SS902", "app/views.py", 1)]


def test_unused_noqa_is_reported_and_fixed(project: Path, capsys) -> None:
    (project / "app/views.py").write_text(
        "x = 1  # noqa: SS001\n"  # nothing to suppress
        "y = 2  # noqa: SS001, E501  keep the reason\n"  # E501 is another tool's
        "z = 3  # noqa: E501\n"  # not ours: left alone
        + DEPRECATED.replace("as s:", "as s:  # noqa: SS001, SS303")  # SS303 unused there
    )
    (project / DOC).write_text("# Tech\n\nText. <!-- noqa: SS302 -->\n")
    items = found(capsys)
    assert items == [
        ("SS902", ".kiro/steering/tech.md", 3),
        ("SS902", "app/views.py", 1),
        ("SS902", "app/views.py", 2),
        ("SS902", "app/views.py", 4),
    ]
    code, out, _ = run(capsys, "check", "--no-cache", "--fix", "--show-fixes")
    assert code == 0, out
    assert "4 x SS902" not in out and "SS902 (unused-noqa)" in out
    assert (project / "app/views.py").read_text() == (
        "x = 1\n"
        "y = 2  # noqa: E501  keep the reason\n"
        "z = 3  # noqa: E501\n" + DEPRECATED.replace("as s:", "as s:  # noqa: SS001")
    )
    assert (project / DOC).read_text() == "# Tech\n\nText.\n"
    assert found(capsys) == []


def test_noqa_inside_a_string_is_not_a_directive(project: Path, capsys) -> None:
    (project / "app/views.py").write_text('HELP = "add # noqa: SS999 to silence"\n')
    assert found(capsys) == []


DRIFT = {
    DOC: "# Tech\n\n```bash\nTIMEOUT=10{noqa}\nUNUSED_SETTING=1{noqa2}\n```\n",
    "app/settings.py": "import os\nT = os.getenv('TIMEOUT', '30')\n",
}


def test_drift_rules_honour_the_documented_noqa_forms(
    write_tree: Tree, monkeypatch, capsys
) -> None:
    files = {k: v.format(noqa="", noqa2="") for k, v in DRIFT.items()}
    monkeypatch.chdir(write_tree(files))
    assert found(capsys) == [("SS201", DOC, 4), ("SS202", DOC, 5)]
    doc = DRIFT[DOC].format(noqa="  # noqa: SS201", noqa2="  # noqa: SS202")
    (Path.cwd() / DOC).write_text(doc)
    assert found(capsys) == []


def test_drift_rules_honour_html_noqa_on_table_rows(write_tree: Tree, monkeypatch, capsys) -> None:
    doc = "| Setting | Default |\n|---|---|\n| `TIMEOUT` | `10` | <!-- noqa: SS201 -->\n"
    monkeypatch.chdir(write_tree({DOC: doc, "app/settings.py": DRIFT["app/settings.py"]}))
    assert found(capsys) == []


def test_a_nested_pyproject_does_not_hide_the_steering_docs(
    write_tree: Tree, monkeypatch, capsys
) -> None:
    root = write_tree(
        {
            DOC: "# Tech\n\nSee #[[file:docs/missing.md]].\n",
            "packages/pkg/pyproject.toml": "[project]\nname = 'pkg'\n",
            "packages/pkg/src/pkg/__init__.py": "",
        }
    )
    monkeypatch.chdir(root / "packages/pkg")
    code, out, err = run(capsys, "check", "--no-cache", "--output-format", "concise")
    assert code == 1 and "no steering directory" not in err
    assert "../../.kiro/steering/tech.md:3:5: SS302" in out
    code, out, _ = run(capsys, "check", "--show-settings")
    assert code == 0
    assert f"Project root: {root}" in out
    assert f"Configuration root: {root / 'packages/pkg'}" in out
