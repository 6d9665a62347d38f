"""The base of the SS2xx drift rules: one shared collector, one shared model per check."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from steeringsync.drift.doc_settings import DocSetting
from steeringsync.drift.model import DriftModel, build
from steeringsync.drift.reads import CodeRead
from steeringsync.project import Project
from steeringsync.rules.base import FactCollector, ProjectRule
from steeringsync.types import Finding, Location


class DriftRule(ProjectRule):
    def collectors(self) -> Sequence[FactCollector]:
        # imported here: the collector module needs the rules package, which imports this
        from steeringsync.drift.code_settings import SettingsCollector

        return (SettingsCollector(),)

    def check_project(
        self, project: Project, facts: dict[str, list[tuple[Path, Any]]]
    ) -> Iterable[Finding]:
        return list(self.check_drift(build(project, facts)))

    def check_drift(self, model: DriftModel) -> Iterable[Finding]:
        raise NotImplementedError


def value_location(setting: DocSetting) -> Location:
    end = max(setting.value_end, setting.value_start)
    return Location(setting.line, setting.value_start + 1, setting.line, end + 1)


def key_location(setting: DocSetting) -> Location:
    start = setting.key_column + 1
    return Location(setting.line, start, setting.line, start + len(setting.key))


def code_location(read: CodeRead) -> Location:
    s = read.setting
    return Location(s.line, s.column, s.end_line, s.end_column)
