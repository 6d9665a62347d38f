"""Join the hand-judged verdicts with a corpus run and print the per-rule precision table.

    python benchmarks/precision/report.py RUN_DIR [--verdicts verdicts.csv]

``RUN_DIR`` holds the ``<owner>+<name>.json`` files of ``benchmarks/corpus.py run``. A
finding is matched to a verdict by repository, path, line and code (several findings on
one line are matched to as many verdicts, in order). Findings without a verdict and
verdicts without a finding (the run no longer reports them) are counted and listed, so
the table always says how much of the run it covers.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERDICTS = ("real", "wrong", "not-worth-it")
Key = tuple[str, str, int, str]


def load_run(run: Path) -> collections.Counter[Key]:
    findings: collections.Counter[Key] = collections.Counter()
    for path in sorted(run.glob("*.json")):
        repo = path.stem.replace("+", "/", 1)
        for finding in json.loads(path.read_text(encoding="utf-8")):
            findings[(repo, finding["path"], int(finding["line"]), finding["code"])] += 1
    return findings


def load_verdicts(path: Path) -> dict[Key, list[str]]:
    verdicts: dict[Key, list[str]] = collections.defaultdict(list)
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["verdict"] not in VERDICTS:
                raise SystemExit(f"{path}: unknown verdict {row['verdict']!r} in {row}")
            key = (row["repo"], row["path"], int(row["line"]), row["code"])
            verdicts[key].append(row["verdict"])
    return verdicts


def table(findings: collections.Counter[Key], verdicts: dict[Key, list[str]]) -> list[str]:
    per_rule: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    unjudged: list[Key] = []
    for key, count in sorted(findings.items()):
        judged = verdicts.get(key, [])
        per_rule[key[3]]["findings"] += count
        for n in range(count):
            if n < len(judged):
                per_rule[key[3]][judged[n]] += 1
            else:
                unjudged.append(key)
    stale = [k for k, v in verdicts.items() if len(v) > findings.get(k, 0)]
    lines = [
        "| rule | findings | sampled | real | wrong | not worth it | precision |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    total: collections.Counter[str] = collections.Counter()
    for rule in sorted(per_rule):
        counts = per_rule[rule]
        total.update(counts)
        lines.append(_row(rule, counts))
    lines.append(_row("**all**", total))
    lines.append("")
    lines.append(
        f"{len(unjudged)} findings without a verdict; {len(stale)} verdicts for findings "
        "the run no longer reports"
    )
    lines.extend(f"  unjudged: {' '.join(map(str, k))}" for k in unjudged)
    return lines


def _row(rule: str, counts: collections.Counter[str]) -> str:
    sampled = sum(counts[v] for v in VERDICTS)
    precision = f"{100 * counts['real'] / sampled:.0f}%" if sampled else "-"
    return (
        f"| {rule} | {counts['findings']} | {sampled} | {counts['real']} | {counts['wrong']} "
        f"| {counts['not-worth-it']} | {precision} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a directory written by corpus.py run")
    parser.add_argument("--verdicts", type=Path, default=HERE / "verdicts.csv")
    args = parser.parse_args(argv)
    print("\n".join(table(load_run(args.run), load_verdicts(args.verdicts))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
