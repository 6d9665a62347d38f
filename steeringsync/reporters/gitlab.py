"""GitLab Code Quality report: a JSON array GitLab shows in merge requests.

Each finding's fingerprint is the baseline's (rule, file, normalised line and neighbours,
occurrence), so GitLab tracks a finding across commits that only move it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from steeringsync.baseline import fingerprints
from steeringsync.reporters.base import Reporter
from steeringsync.reporters.escaping import clean_text
from steeringsync.types import Finding, Severity

if TYPE_CHECKING:
    from steeringsync.api import CheckReport

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


class GitlabReporter(Reporter):
    def start(self) -> None:
        self.found: list[Finding] = []

    def handle(self, finding: Finding) -> None:
        self.found.append(finding)

    def finish(self, report: CheckReport) -> None:
        items = []
        for finding, entry in fingerprints(self.found, self.display_path):
            loc = finding.location
            items.append(
                {
                    "description": f"{finding.code} {clean_text(finding.full_message)}",
                    "check_name": finding.code,
                    "fingerprint": entry.fingerprint,
                    "severity": SEVERITIES[finding.severity],
                    "location": {
                        "path": self.display_path(finding.path),
                        "lines": {"begin": loc.line, "end": max(loc.end_line, loc.line)},
                    },
                }
            )
        json.dump(items, self.stream, indent=2, ensure_ascii=False)
        self.stream.write("\n")
