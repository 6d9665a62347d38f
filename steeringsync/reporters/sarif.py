"""SARIF 2.1.0 output for GitHub code scanning; rule help is rendered from rule docstrings."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from steeringsync import __version__
from steeringsync.reporters.base import Reporter
from steeringsync.reporters.escaping import clean_block, clean_text, uri_path
from steeringsync.types import Finding, Severity

if TYPE_CHECKING:
    from steeringsync.api import CheckReport
    from steeringsync.rules.base import Rule

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/steeringsync/steeringsync"


def rule_descriptor(rule: type[Rule] | Rule) -> dict[str, Any]:
    # doc-declared rules take their name and text from the repository's docs
    doc = clean_block(rule.documentation())
    return {
        "id": rule.code,
        "name": clean_text(rule.name),
        "shortDescription": {"text": clean_text(rule.summary)},
        "fullDescription": {
            "text": clean_block(rule.doc_sections().get("What it does", rule.summary))
        },
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }


class SarifReporter(Reporter):
    def start(self) -> None:
        self.results: list[dict[str, Any]] = []

    def handle(self, finding: Finding) -> None:
        loc = finding.location
        region = {
            "startLine": loc.line,
            "startColumn": loc.column,
            "endLine": max(loc.end_line, loc.line),
            "endColumn": max(loc.end_column, 1),
        }
        self.results.append(
            {
                "ruleId": finding.code,
                "level": LEVELS[finding.severity],
                "message": {"text": self.message(finding)},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri_path(self.raw_path(finding.path))},
                            "region": region,
                        }
                    }
                ],
            }
        )

    def finish(self, report: CheckReport) -> None:
        from steeringsync.rules import ALL_RULES

        rules: list[type[Rule] | Rule] = list(ALL_RULES)
        rules.extend(r for r in report.rules if r.code not in {c.code for c in ALL_RULES})
        index = {r.code: i for i, r in enumerate(rules)}
        for result in self.results:
            result["ruleIndex"] = index.get(result["ruleId"], -1)
            if result["ruleIndex"] < 0:
                del result["ruleIndex"]
        log = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "steeringsync",
                            "version": __version__,
                            "informationUri": INFO_URI,
                            "rules": [rule_descriptor(r) for r in rules],
                        }
                    },
                    "results": self.results,
                }
            ],
        }
        json.dump(log, self.stream, indent=2, ensure_ascii=False)
        self.stream.write("\n")
