"""Joined ``fileMatchPattern`` globs on the development corpus: found, fixed, verified.

    python benchmarks/joined_patterns.py [--dest DIR]

For every exported repository (``benchmarks/corpus.py export``), reads each steering doc's
front matter with PyYAML alone (not steeringsync's parser) and lists the glob strings
joined with a top-level ``,`` or ``|``. Each repository holding one is copied to a
temporary directory (the export is never touched), ``steeringsync check --fix --select
SS309`` runs on the copy, and the script verifies, per doc, that

- SS309 reported every joined glob before the fix,
- PyYAML reads the fixed front matter back with the joined globs split in place and every
  other key unchanged, and only the joined value's lines differ,
- ``check --select SS309`` is clean afterwards, and a second ``--fix`` changes nothing.

Prints a table of counts; exits 1 when any doc fails.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
FRONT_MATTER_RE = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def top_level_split(glob: str) -> list[str] | None:
    """The parts of a glob joined at top-level `,`/`|` (outside {} and ()); None if not joined."""
    parts, depth, current, joined = [], 0, "", False
    for char in glob:
        if char in "{(":
            depth += 1
        elif char in "})" and depth:
            depth -= 1
        if char in ",|" and depth == 0:
            parts.append(current)
            current, joined = "", True
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()] if joined else None


def front_matter(path: Path) -> dict[str, Any] | None:
    match = FRONT_MATTER_RE.match(path.read_bytes().decode("utf-8", "replace"))
    if not match:
        return None
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def joined_globs(data: dict[str, Any]) -> list[str]:
    value = data.get("fileMatchPattern")
    items = value if isinstance(value, list) else [value]
    return [g for g in items if isinstance(g, str) and top_level_split(g) is not None]


def expected_after(data: dict[str, Any]) -> dict[str, Any]:
    value = data["fileMatchPattern"]
    items = value if isinstance(value, list) else [value]
    flat: list[Any] = []
    for item in items:
        parts = top_level_split(item) if isinstance(item, str) else None
        flat.extend(parts if parts is not None else [item])
    return {**data, "fileMatchPattern": flat}


def steeringsync(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("steeringsync")
    command = [str(exe), "check", "--no-cache", "--select", "SS309", *args, "."]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)


def reported(root: Path) -> set[tuple[str, int]]:
    out = steeringsync(root, "--format", "json").stdout
    return {(f["path"], f["line"]) for f in json.loads(out or "[]")}


def verify_repo(repo: Path, docs: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Problems per doc (empty lists when all is well)."""
    problems: dict[str, list[str]] = {rel: [] for rel in docs}
    with tempfile.TemporaryDirectory(prefix="joined-") as tmp:
        copy = Path(tmp) / repo.name
        shutil.copytree(repo, copy, symlinks=True)
        before = {rel: (copy / rel).read_bytes() for rel in docs}
        found = {path for path, _ in reported(copy)}
        for rel in docs:
            if rel not in found:
                problems[rel].append("not reported by SS309")
        steeringsync(copy, "--fix")
        for rel, data in docs.items():
            after_bytes = (copy / rel).read_bytes()
            after = front_matter(copy / rel)
            if after != expected_after(data):
                problems[rel].append(f"reads back as {after!r}")
            old_lines = before[rel].splitlines(keepends=True)
            new_lines = after_bytes.splitlines(keepends=True)
            if len(old_lines) == len(new_lines):
                changed = [
                    i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b
                ]
                if any(b"fileMatchPattern" not in old_lines[i] for i in changed):
                    problems[rel].append(f"lines other than the pattern's changed: {changed}")
            elif not isinstance(data["fileMatchPattern"], list):
                problems[rel].append("the line count changed")
        if reported(copy):
            problems[next(iter(docs))].append("SS309 still reports after --fix")
        second = {rel: (copy / rel).read_bytes() for rel in docs}
        steeringsync(copy, "--fix")
        if any((copy / rel).read_bytes() != second[rel] for rel in docs):
            problems[next(iter(docs))].append("a second --fix changed a doc")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=HERE / ".corpus")
    args = parser.parse_args(argv)
    repos = sorted(p for p in args.dest.iterdir() if (p / ".kiro" / "steering").is_dir())
    total_docs = file_match_docs = 0
    joined: dict[Path, dict[str, dict[str, Any]]] = {}
    for repo in repos:
        for path in sorted((repo / ".kiro" / "steering").rglob("*.md")):
            total_docs += 1
            data = front_matter(path)
            if data is None or "fileMatchPattern" not in data:
                continue
            file_match_docs += 1
            if joined_globs(data):
                joined.setdefault(repo, {})[path.relative_to(repo).as_posix()] = data
    failures = 0
    fixed = 0
    print("| repository | doc | globs | result |\n|---|---|---:|---|")
    for repo, docs in joined.items():
        problems = verify_repo(repo, docs)
        for rel, data in docs.items():
            globs = len(expected_after(data)["fileMatchPattern"])
            result = "; ".join(problems[rel]) or "fixed, verified"
            failures += bool(problems[rel])
            fixed += not problems[rel]
            print(f"| {repo.name.replace('+', '/')} | {rel} | {globs} | {result} |")
    found = sum(len(d) for d in joined.values())
    print(
        f"\n{len(repos)} repositories, {total_docs} steering docs, {file_match_docs} with a "
        f"fileMatchPattern, {found} with a joined glob ({len(joined)} repositories); "
        f"{fixed} fixed and verified, {failures} failed"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
