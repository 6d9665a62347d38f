"""The fixture repository: deliberate drift of every kind, exactly the expected findings."""

from __future__ import annotations

import shutil
from pathlib import Path

from steeringsync import api
from steeringsync.drift.sync import sync
from steeringsync.project import Project

FIXTURE = Path(__file__).parent.parent / "fixtures" / "drift" / "project"
DOC = ".kiro/steering/tech.md"

EXPECTED = [
    ("SS201", DOC, 11),  # REDIS_SESSION_TIMEOUT 7200 vs 3600 (export, inline comment)
    ("SS201", DOC, 12),  # REDIS_URL: credentials in the documented URL (masked)
    ("SS201", DOC, 13),  # API_TOKEN: a secret (masked)
    ("SS202", DOC, 15),  # LEGACY_MODE: nothing reads it
    ("SS201", DOC, 16),  # WORKERS documented blank, code defaults to 4
    ("SS201", DOC, 19),  # QUEUE_NAME vs the code default and vs .env.example: once
    ("SS201", DOC, 25),  # SESSION_MAX_LIFETIME in an aligned table
    ("SS201", DOC, 27),  # APP_PORT: pydantic-settings field with env_prefix
    ("SS201", DOC, 34),  # POOL_SIZE in an ini block
    ("SS203", "app/settings.py", 19),  # FEATURE_X is read but undocumented
    ("SS204", "app/worker.py", 3),  # CACHE_TTL 600 here, 300 in settings.py
]
# Not findings: DEBUG=True vs "true" (boolean case), CACHE_DIR=$HOME/... (an expansion),
# RATE_LIMIT (computed default), SENTRY_DSN (set by .env.example), INTERNAL_KNOB (noqa),
# TEST_DB_URL (test code), MAX_ITEMS (a python block), and .env's values (never read).


def findings(root: Path) -> list[tuple[str, str, int]]:
    project = Project.discover(root)
    report = api.check(project, api.CheckOptions(paths=(root,), select=("SS2",)))
    return sorted((f.code, project.relative(f.path), f.location.line) for f in report.active)


def test_exactly_the_expected_findings(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    assert findings(root) == sorted(EXPECTED)


def test_after_sync_only_what_sync_cannot_decide_remains(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    report = sync(Project.discover(root))
    assert len(report.changes) == 8 and report.written == [root / DOC]
    # SS202/SS203 need a person; SS204 is code against code, which no doc edit can fix
    assert findings(root) == sorted(f for f in EXPECTED if f[0] != "SS201")


def test_secrets_never_reach_a_message(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    project = Project.discover(root)
    report = api.check(project, api.CheckOptions(paths=(root,)))
    text = "\n".join(f.message for f in report.findings)
    for secret in ("hunter2", "abc123", "dev-token", "real-secret"):
        assert secret not in text
    assert "redis://:****@localhost:6379/0" in text
