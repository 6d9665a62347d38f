"""SS306 on the shapes its wrong findings on the development corpus had: each doc below is
cut down from a real steering doc, and a reader resolves each path as asserted."""

from __future__ import annotations

from pathlib import Path

from steeringsync.api import CheckOptions, check
from steeringsync.project import Project


def dead_paths(tmp_path: Path, doc: str, files: list[str], name: str = "structure.md") -> list[str]:
    root = tmp_path / "repo"
    for rel in [f".kiro/steering/{name}", *files]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(doc if rel.endswith(name) and ".kiro" in rel else "")
    project = Project.discover(root, cache=False)
    report = check(project, CheckOptions(paths=(root,), select=("SS306",), cache=False))
    return [f"{f.location.line} {f.message}" for f in report.active]


def test_a_folder_in_parentheses_in_a_heading_is_its_sections_folder(tmp_path: Path) -> None:
    # lazarus-ai: `## Core Modules (src/)` then a list of the modules in src/
    doc = "## Core Modules (src/)\n- `scanner.py`: scans\n- `gone.py`: removed since\n"
    assert dead_paths(tmp_path, doc, ["src/scanner.py"], "project-architecture.md") == [
        "3 `gone.py` does not exist (looked in `src/` and the root)"
    ]


def test_a_tree_rooted_at_a_sub_package_is_drawn_from_that_folder(tmp_path: Path) -> None:
    # harbor: a `store/` tree that is src/harbor/store/ (samples/ has another store/)
    doc = "### Stores\n```\nstore/\n├── base.py   # table access\n└── gone_store.py\n```\n"
    files = ["src/harbor/store/base.py", "samples/app/store/other.py"]
    assert dead_paths(tmp_path, doc, files, "design-principles.md") == [
        "5 `gone_store.py` does not exist (looked in `src/harbor/store/` and the root)"
    ]


def test_a_files_to_modify_list_names_files_wherever_they_are(tmp_path: Path) -> None:
    # homeflix: "## Files to Modify" then bold file names that live deep in the tree
    doc = (
        "# Cache warming\n## Files to Modify\n"
        "1. **`ep_control.py`** — start a thread\n2. **`card_menu.yaml`** — fix a flag\n"
    )
    files = ["var/www/app/endpoints/ep_control.py", "home/pi/card_menu.yaml"]
    assert dead_paths(tmp_path, doc, files, "cache-warming-spec.md") == []


def test_a_spec_file_name_is_found_among_the_kiro_specs(tmp_path: Path) -> None:
    # terraform-aws-weather-forecast: `tasks.md` is each spec's own file
    doc = "# Workflow\nWhen `tasks.md` has been accepted, comment on the issue.\n"
    assert dead_paths(tmp_path, doc, [".kiro/specs/login/tasks.md"], "workflow.md") == []


def test_another_programs_file_and_a_tree_outside_the_repository(tmp_path: Path) -> None:
    # Kiro-Settings-Manager: "Kiro's `settings.json`"; strategy_platform_service: a job
    # folder under /tmp with placeholders
    doc = (
        "# Scripts\n- `sync.sh` — merges rules into Kiro's `settings.json`\n\n"
        "```\n/tmp/jobs/{user_id}/\n├── config.json   # generated\n└── results/\n```\n"
    )
    assert dead_paths(tmp_path, doc, ["sync.sh"], "repository-context.md") == []


def test_prohibitions_and_history_in_other_languages(tmp_path: Path) -> None:
    # grupo-1 (pt): "NUNCA usar `requirements.txt`"; content-fabric (ru): duplicates
    # "from the old `mass_create_streams.sh`"
    doc = (
        "# Backend\n- NUNCA usar `pip`, `poetry` ou `requirements.txt`\n"
        "Дубли от старого `mass_create_streams.sh` на сервере.\n"
        "Run `deploy.sh` daily.\n"
    )
    assert dead_paths(tmp_path, doc, [], "backend.md") == ["4 `deploy.sh` does not exist"]


def test_labels_and_flows_in_code_blocks_are_no_tree(tmp_path: Path) -> None:
    # Kiro-Settings-Manager: a component map whose `Shared:` label heads a list
    doc = (
        "# Architecture\n```\nCLI (cli.py)\n  ├── ksm add    → add.py → installer.py\n"
        "  └── ksm rm     → rm.py  → remover.py\n\nShared:\n  manifest.py    — entries\n```\n"
        "```\nsrc/\n├── Shared:\n│   └── notes.py\n└── app.py\n```\n"
    )
    assert dead_paths(tmp_path, doc, ["src/cli.py", "src/app.py"], "architecture.md") == []


def test_a_template_tree_is_a_layout_by_example(tmp_path: Path) -> None:
    # AEROSTACK: "Universal Project Structure" rooted at `project-root/`
    for root in ("project-root/", "my-project/", "<name>/"):
        doc = f"# Frontend\n```\n{root}\n├── src/\n│   └── globals.css\n└── openapi.yaml\n```\n"
        assert dead_paths(tmp_path, doc, [], "frontend-architecture.md") == [], root
    # a tree of this repository under its own name still counts
    doc = "# Layout\n```\nharbor/\n├── src/\n│   └── gone.py\n└── README.md\n```\n"
    assert dead_paths(tmp_path, doc, ["README.md", "src/x.py"]) == [
        "5 `src/gone.py` does not exist"
    ]


def test_a_sentence_about_a_folder_is_read_in_the_docs_context(tmp_path: Path) -> None:
    # harbor: "- `store/` is the ONLY layer that touches DynamoDB" in rules about
    # src/harbor/; a listing `- `routes/`: handlers` still places it at the root
    doc = (
        "# Architecture\n### Rules\n- Backend code ONLY in `src/harbor/`.\n"
        "- `store/` is the ONLY layer that touches DynamoDB.\n"
        "### Web\n- `routes/`: route handlers\n"
    )
    files = ["src/harbor/store/base.py", "admin/routes/x.py"]
    assert dead_paths(tmp_path, doc, files, "architecture.md") == [
        "6 `routes/` does not exist; moved to `admin/routes/`?"
    ]


def test_a_list_of_folders_after_a_package_tree_is_about_that_package(tmp_path: Path) -> None:
    # extended-data-types: "Module Categories" after a tree of src/extended_data_types/
    doc = (
        "# Structure\n```\nsrc/pkg/\n├── __init__.py\n└── [category]/\n```\n"
        "## Module Categories\n- **`yaml_utils/`**: YAML\n- **`compat/`**: compatibility\n"
    )
    files = ["src/pkg/__init__.py", "src/pkg/yaml_utils/x.py"]
    assert dead_paths(tmp_path, doc, files) == ["9 `compat/` does not exist"]


def test_hypotheticals_and_lists_introduced_as_generated(tmp_path: Path) -> None:
    # AEROSTACK: "If a monorepo has a root-level `landing/` (or `showcase/`)"; sqlitch:
    # "Generated files must be identical:" then `sqitch.conf` below it
    doc = (
        "# Publishing\n"
        "If a monorepo has a root-level `landing/` (or `showcase/`) folder, skip it.\n"
        "4. **File format validation** - Generated files must be identical:\n"
        "   - Configuration files (`sqitch.conf`)\n"
        "5. **Layout**:\n   - Plan files (`plan.txt`)\n"
    )
    assert dead_paths(tmp_path, doc, [], "publish.md") == ["6 `plan.txt` does not exist"]


def test_packages_in_a_dependencies_section_are_no_paths(tmp_path: Path) -> None:
    # extended-data-types: "## Core Dependencies" lists `ruamel.yaml`
    doc = "# Tech\n## Core Dependencies\n- **Serialization**: `pyyaml`, `ruamel.yaml`\n"
    assert dead_paths(tmp_path, doc, [], "tech.md") == []


def test_a_tree_entry_marked_optional_is_no_claim(tmp_path: Path) -> None:
    # harbor: `constructs/  # Custom L3 constructs (if needed)`
    doc = (
        "# CDK\n```\ninfrastructure/\n├── lib/\n│   ├── constructs/   # L3 constructs (if needed)\n"
        "│   └── stack.ts\n└── gone.ts\n```\n"
    )
    files = ["infrastructure/lib/stack.ts"]
    assert dead_paths(tmp_path, doc, files, "cdk.md") == [
        "7 `gone.ts` does not exist (looked in `infrastructure/` and the root)"
    ]


def test_a_doc_titled_as_standards_gives_layouts_as_advice(tmp_path: Path) -> None:
    # AEROSTACK: component-library.md, titled "Component Library Standards"
    doc = (
        "---\ntitle: Component Library Standards\ninclusion: always\n---\n"
        "### shadcn/ui Components (`components/ui/`)\nKeep `openapi.yaml` current.\n"
    )
    assert dead_paths(tmp_path, doc, ["web/src/components/ui/button.tsx"], "library.md") == []
    # "Guidelines" in a title is as often this project's own: its paths count
    for title in ("Components", "Project Architecture Guidelines"):
        own = doc.replace("Component Library Standards", title)
        assert dead_paths(tmp_path, own, ["web/src/components/ui/button.tsx"], "library.md")


def test_a_tree_entry_moves_only_along_its_whole_path(tmp_path: Path) -> None:
    # hosterizer: `environments/` in a `terraform/` tree is no `bruno/api/environments/`
    doc = "# Layout\n```\nterraform/\n├── environments/\n└── modules/\n```\n"
    files = ["terraform/modules/aws/main.tf", "bruno/api/environments/dev.bru"]
    assert dead_paths(tmp_path, doc, files) == [
        "4 `environments/` does not exist (looked in `terraform/` and the root)"
    ]


def test_a_doc_that_says_it_is_a_template_gives_layouts_as_advice(tmp_path: Path) -> None:
    # AEROSTACK structure.md: "> **CUSTOMIZE THIS FILE** for each engagement."
    doc = "# Structure\n> **CUSTOMIZE THIS FILE** for each engagement.\n\nSee `packages/web/`.\n"
    assert dead_paths(tmp_path, doc, ["README.md"]) == []
