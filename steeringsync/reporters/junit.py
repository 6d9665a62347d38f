"""JUnit XML: a test suite per file, a failing test case per finding, as CI systems read it."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from steeringsync.reporters.base import Reporter
from steeringsync.reporters.escaping import clean_text
from steeringsync.types import Finding

if TYPE_CHECKING:
    from steeringsync.api import CheckReport


class JunitReporter(Reporter):
    def start(self) -> None:
        self.by_file: dict[Path, list[Finding]] = defaultdict(list)

    def handle(self, finding: Finding) -> None:
        self.by_file[finding.path].append(finding)

    def finish(self, report: CheckReport) -> None:
        # here, not at the top: every run imports the reporters, few write XML
        from xml.etree import ElementTree as ET

        total = sum(len(items) for items in self.by_file.values())
        root = ET.Element(
            "testsuites", name="steeringsync", tests=str(max(total, 1)), failures=str(total)
        )
        if not self.by_file:
            suite = ET.SubElement(root, "testsuite", name="steeringsync", tests="1", failures="0")
            ET.SubElement(suite, "testcase", name="No findings", classname="steeringsync")
        for path, items in self.by_file.items():
            shown = self.display_path(path)
            suite = ET.SubElement(
                root, "testsuite", name=shown, tests=str(len(items)), failures=str(len(items))
            )
            for finding in items:
                loc = finding.location
                case = ET.SubElement(
                    suite,
                    "testcase",
                    name=f"steeringsync.{finding.code}",
                    classname=shown,
                    file=shown,
                    line=str(loc.line),
                )
                message = clean_text(finding.full_message)
                failure = ET.SubElement(
                    case, "failure", message=message, type=finding.severity.value
                )
                failure.text = f"{shown}:{loc.line}:{loc.column}: {finding.code} {message}"
        ET.indent(root)
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.stream.write(ET.tostring(root, encoding="unicode"))
        self.stream.write("\n")
