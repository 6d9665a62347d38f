"""Score a corpus run against the hand-labelled claims in ``claims.csv``.

    python benchmarks/corpus.py run --dest DIR --out RUN
    python benchmarks/precision/claims_score.py RUN

For the repositories labelled in ``claims.csv`` (every claim of their steering docs:
ok / dead-moved / dead-gone / not-a-claim), prints the recall of dead claims, the false
positives per rule (reported claims a person labelled ok or not-a-claim, plus findings
on no labelled claim), and how often the suggested new location of a moved path is right.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = HERE / "claims.csv"
CODES = ("SS306", "SS307", "SS308")
DEAD = ("dead-moved", "dead-gone")
_MOVED_RE = re.compile(r"moved to `([^`]+)`\?")
# the rule that reads each kind of claim
RULE_OF_KIND = {
    "path": "SS306",
    "command": "SS307",
    "script": "SS307",
    "module": "SS308",
    "name": "SS308",
}


def load_findings(run: Path, repo: str) -> list[dict[str, object]]:
    data = json.loads((run / f"{repo}.json").read_text(encoding="utf-8"))
    return [f for f in data if f.get("code") in CODES]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="the --out folder of `corpus.py run`")
    parser.add_argument("--labels", type=Path, default=LABELS)
    args = parser.parse_args(argv)
    rows = list(csv.DictReader(args.labels.open(encoding="utf-8")))
    findings = {repo: load_findings(args.run, repo) for repo in sorted({r["repo"] for r in rows})}
    used: set[tuple[str, int]] = set()  # (repo, index of finding)
    dead = reported_dead = 0
    moved = moved_right = suggested = 0
    live: collections.Counter[str] = collections.Counter()
    false_pos: collections.Counter[str] = collections.Counter()
    misses: list[str] = []
    wrong: list[str] = []
    for row in rows:
        repo, doc = row["repo"], ".kiro/steering/" + row["doc"]
        hits = [
            (i, f)
            for i, f in enumerate(findings[repo])
            if f["path"] == doc
            and f["line"] == int(row["line"])
            and f"`{row['claim']}" in str(f["message"])
        ]
        used.update((repo, i) for i, _ in hits)
        label = row["label"]
        where = f"{repo} {row['doc']}:{row['line']} `{row['claim']}`"
        if label in DEAD:
            dead += 1
            reported_dead += bool(hits)
            if not hits:
                misses.append(f"{where} ({label})")
            if label == "dead-moved":
                moved += 1
                said = [m.group(1) for _, f in hits if (m := _MOVED_RE.search(str(f["message"])))]
                suggested += bool(said)
                if said and said[0].rstrip("/") == row["moved_to"].rstrip("/"):
                    moved_right += 1
                else:
                    wrong.append(
                        f"{where}: said {said[0] if said else 'nothing'}, is {row['moved_to']}"
                    )
        else:
            live[RULE_OF_KIND[row["kind"]]] += 1
            for _, f in hits:
                false_pos[str(f["code"])] += 1
                misses.append(f"{where} ({label}, reported {f['code']})")
    docs = {(r["repo"], ".kiro/steering/" + r["doc"]) for r in rows}
    stray = [
        (repo, f)
        for repo, found in findings.items()
        for i, f in enumerate(found)
        if (repo, i) not in used and (repo, f["path"]) in docs
    ]
    for _, f in stray:
        false_pos[str(f["code"])] += 1
    print(f"{len(rows)} labelled claims in {len(findings)} repositories")
    print(
        f"dead claims: {dead}; reported: {reported_dead}; recall {reported_dead / max(dead, 1):.1%}"
    )
    print()
    print("| rule | live claims | false positives | share of live |")
    print("|---|---:|---:|---:|")
    for code in CODES:
        share = false_pos[code] / max(live[code], 1)
        print(f"| {code} | {live[code]} | {false_pos[code]} | {share:.1%} |")
    total_live, total_fp = sum(live.values()), sum(false_pos.values())
    print(f"| all | {total_live} | {total_fp} | {total_fp / max(total_live, 1):.1%} |")
    print()
    print(
        f"moved paths: {moved}; a location suggested for {suggested}; right for {moved_right} "
        f"({moved_right / max(moved, 1):.1%} of moved paths, "
        f"{moved_right / max(suggested, 1):.1%} of suggestions)"
    )
    if misses or stray or wrong:
        print("\nnot as labelled:")
        for line in misses:
            print(f"  {line}")
        for repo, f in stray:
            print(
                f"  {repo} {f['path']}:{f['line']}: {f['code']} {f['message']} (no labelled claim)"
            )
        for line in wrong:
            print(f"  moved: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
