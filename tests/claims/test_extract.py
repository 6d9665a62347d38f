"""Claims read from a doc: bases from headings and lists, tree paths, commands, names."""

from __future__ import annotations

from pathlib import Path

from steeringsync.claims.commands import CommandClaims, from_line, from_shell_block
from steeringsync.claims.extract import extract
from steeringsync.claims.repo import RepoIndex
from steeringsync.claims.resolve import judge
from steeringsync.steering.document import parse_text

FOLDERS = {"app", "app/core", "src", "web"}


def claims(text: str):  # type: ignore[no-untyped-def]
    return extract(parse_text(Path("doc.md"), text), ".kiro/steering", FOLDERS.__contains__)


def test_a_heading_about_a_folder_is_the_base_of_its_list() -> None:
    found = claims("### Core (`app/`)\n- `core/`\n  - `session.py`\n\n### Other\n- `x.py`\n")
    bases = {c.text: c.bases for c in found.paths}
    assert bases["core/"][0] == "app"
    assert bases["session.py"][0] == "app/core"  # nested items compose
    assert bases["x.py"] == ("", ".kiro/steering")


def test_tree_entries_get_their_full_paths() -> None:
    doc = (
        "```\nharbor/\n├── app/\n│   ├── core/\n│   │   └── session.py   # store\n"
        "│   └── main.py\n├── <name>/\n│   └── hidden.py\n└── README.md\n```\n"
    )
    paths = [(c.text, c.line, c.kind) for c in claims(doc).paths]
    assert paths == [
        ("app/", 3, "tree"),
        ("app/core/", 4, "tree"),
        ("app/core/session.py", 5, "tree"),
        ("app/main.py", 6, "tree"),
        ("README.md", 9, "tree"),
    ]


def test_an_indented_tree_and_a_class_hierarchy() -> None:
    indented = claims("```text\nsrc/\n  api/\n    routes.py\n  models/\n```\n").paths
    assert [c.text for c in indented] == ["api/", "api/routes.py", "models/"]
    assert indented[0].bases[0] == "src"  # the top line names an existing folder
    hierarchy = "```\nGenerator (generators.js)\n├── RestGenerator\n└── MovieGenerator\n```\n"
    assert claims(hierarchy).paths == []


def test_not_claims_by_sentence_and_section() -> None:
    text = (
        "Create `src/new.py`, e.g. `src/users.py`; never `src/old.py`.\n"
        "Lives in `src/real.py`.\n\n## Adding a module\n- `src/module.py`\n"
    )
    assert [c.text for c in claims(text).paths] == ["src/real.py"]


def test_commands_in_shell_blocks_and_inline_code() -> None:
    out = CommandClaims([], [], [])
    from_shell_block(
        "$ cd web && npm run build\npython -m app.main --port 1\n"
        "uv run pytest tests/test_a.py::t -k x\nmake lint test\n"
        "yarn workspace web dev\npnpm --filter api build\nsource .venv/bin/activate\n"
        "python manage.py \\\n  --settings=conf/dev.py\n",
        1,
        out,
    )
    assert [(s.tool, s.name, s.cwd, s.workspace) for s in out.scripts] == [
        ("npm", "build", "web", None),
        ("make", "lint", "web", None),
        ("make", "test", "web", None),
        ("npm", "dev", "web", "web"),
        ("npm", "build", "web", "api"),
    ]
    assert [m.module for m in out.modules] == ["app.main"]
    assert [(p.text, p.line) for p in out.paths] == [
        ("tests/test_a.py", 3),
        ("conf/dev.py", 8),
        ("manage.py", 8),
    ]
    inline = CommandClaims([], [], [])
    from_line("./scripts/deploy.sh --config=deploy.toml", 4, 10, "", inline)
    assert [(p.text, p.column) for p in inline.paths] == [
        ("deploy.toml", 39),
        ("scripts/deploy.sh", 10),
    ]


def test_python_names_in_prose() -> None:
    found = claims("Use `SessionManager`, `UserService.create()`, `save_all()`, `GitHub`, `x()`.\n")
    assert [(n.name, n.attribute) for n in found.names] == [
        ("SessionManager", None),
        ("UserService", "create"),
        ("save_all", None),
    ]


def test_slash_words_are_paths_only_under_an_existing_folder(tmp_path: Path) -> None:
    (tmp_path / "js" / "services").mkdir(parents=True)
    (tmp_path / "js" / "services" / "api.ts").write_text("")
    index = RepoIndex(tmp_path, frozenset({"js/services/api.ts"}))
    found = claims("Send `application/json` through `js/api`.\n").paths
    verdicts = {c.text: judge(c, index) for c in found}
    assert verdicts["application/json"] is None
    assert verdicts["js/api"] is not None
