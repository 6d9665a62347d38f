"""Dependencies point one way: the package's import graph has no cycle.

Every import counts (top-level, inside functions, under ``TYPE_CHECKING``): a reader
following the imports must never come back where they started. The layers read top to
bottom: CLI -> API -> parallel driver -> engine -> fix pipeline -> rules and fact
collectors -> parsers and the project model -> types; what a lower layer must call back
(a fix step, an example runner) is handed to it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import steeringsync

PACKAGE = Path(steeringsync.__file__).parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            for target in targets:
                # `import a.b.c` also runs a and a.b; count the deepest module it names
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_package_imports_form_no_cycle() -> None:
    graph = import_graph()
    assert "steeringsync.engine" in graph["steeringsync.api"]  # the graph is really drawn
    assert cycles(graph) == []


def test_the_engine_is_handed_the_fix_pipeline_and_rules_never_import_the_engine() -> None:
    graph = import_graph()
    assert not any(m.startswith("steeringsync.fix") for m in graph["steeringsync.engine"])
    assert "steeringsync.engine" not in graph["steeringsync.rules.base"]
    assert "steeringsync.engine" not in graph["steeringsync.fix.pipeline"]
    for steering in ("steeringsync.steering.declarations", "steeringsync.steering.globs"):
        assert "steeringsync.project" not in graph[steering]


def test_a_cycle_is_found_when_there_is_one() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
