"""Documented settings: code blocks of each kind and settings tables, each with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from steeringsync.drift.doc_settings import extract
from steeringsync.steering.document import parse_text


def settings(text: str) -> list[tuple[str, str | None, int]]:
    return [(s.key, s.value, s.line) for s in extract(parse_text(Path("tech.md"), text))]


@pytest.mark.parametrize(
    "lang", ["bash", "sh", "shell", "console", "env", "dotenv", "ini", "properties", ""]
)
def test_every_settings_block_kind_is_read(lang: str) -> None:
    text = f"# Config\n\n```{lang}\nTIMEOUT=3600\n```\n"
    assert settings(text) == [("TIMEOUT", "3600", 4)]


@pytest.mark.parametrize("lang", ["python", "yaml", "json", "toml"])
def test_other_blocks_are_not_settings(lang: str) -> None:
    assert settings(f"```{lang}\nTIMEOUT = 3600\n```\n") == []


def test_export_quotes_comments_and_blanks_in_one_block() -> None:
    text = (
        "```bash\n"
        "# a comment line\n"
        "export REDIS_SESSION_TIMEOUT=7200  # seconds\n"
        'REDIS_SESSION_PREFIX="session:"\n'
        "SENTRY_DSN=\n"
        "CACHE_DIR=$HOME/cache\n"
        "```\n"
    )
    assert settings(text) == [
        ("REDIS_SESSION_TIMEOUT", "7200", 3),
        ("REDIS_SESSION_PREFIX", "session:", 4),
        ("SENTRY_DSN", "", 5),
        ("CACHE_DIR", None, 6),
    ]


# Lessons from the development corpus: shell lines that set no project setting.


@pytest.mark.parametrize("lang", ["bash", "sh", ""])
def test_command_prefixes_shell_variables_and_the_shells_own(lang: str) -> None:
    text = (
        f"```{lang}\n"
        "LIVE_TESTS=1 pytest -q\n"
        "GIT_EDITOR=true git rebase -i HEAD~3   # no editor\n"
        'GH_TOKEN="$GITHUB_TOKEN" gh pr list\n'
        "NO_COLOR=1 cargo test\n"
        "JAVA_VERSION=$(java -version 2>&1 | head -n 1)\n"
        "export PATH=$HOME/.local/bin:$PATH\n"
        "PORT=8080 && make run\n"
        "```\n"
    )
    found = settings(text)
    assert [k for k, _, _ in found] == ["PORT"]


def test_defaults_stated_in_bullets_and_prose() -> None:
    text = (
        "- `DRY_RUN` - Enable dry-run mode (default: true)\n"
        "- `KEY_PAIR_PATTERN` - Key pattern prefix (default: `packer_`)\n"
        "Pushes to (`PUSHGATEWAY_URL`, default `http://127.0.0.1:9091`) on completion.\n"
        "Smart default: if no `CLAUDE_API_KEY` or `OTHER`, sets it\n"
        "Port via `APP_PORT` in .env (default 8501).\n"
    )
    assert settings(text) == [
        ("DRY_RUN", "true", 1),
        ("KEY_PAIR_PATTERN", "packer_", 2),
        ("PUSHGATEWAY_URL", "http://127.0.0.1:9091", 3),
        ("APP_PORT", "8501", 5),
    ]


def test_settings_table_with_backticks_and_placeholders() -> None:
    text = (
        "Intro.\n\n"
        "| Variable | Description | Default |\n"
        "|---|---|---|\n"
        "| `REDIS_URL` | where | `redis://localhost:6379/0` |\n"
        "| **DB_SESSION_SYNC** | mirror | true |\n"
        "| `RATE_LIMIT` | computed | — |\n"
        "| not a name | x | 1 |\n"
    )
    assert settings(text) == [
        ("REDIS_URL", "redis://localhost:6379/0", 5),
        ("DB_SESSION_SYNC", "true", 6),
        ("RATE_LIMIT", None, 7),
    ]


@pytest.mark.parametrize(
    "header",
    ["| Setting | Value |", "| Key | Default value |", "| Env var | Default |"],
)
def test_table_header_variants(header: str) -> None:
    text = f"{header}\n|---|---|\n| `PORT` | `8080` |\n"
    assert settings(text) == [("PORT", "8080", 3)]


def test_tables_without_a_setting_and_value_column_are_ignored() -> None:
    text = "| Name | Owner |\n|---|---|\n| `PORT` | ops |\n"
    assert settings(text) == []


def test_lines_are_right_with_front_matter_and_crlf() -> None:
    text = "---\r\ninclusion: always\r\n---\r\n# T\r\n\r\n```env\r\nA_B=1\r\n```\r\n"
    [setting] = extract(parse_text(Path("t.md"), text))
    assert (setting.key, setting.value, setting.line) == ("A_B", "1", 7)


def test_indented_fence_in_a_list_keeps_columns_of_the_raw_line() -> None:
    text = "- step:\n\n  ```bash\n  TIMEOUT=30\n  ```\n"
    [setting] = extract(parse_text(Path("t.md"), text))
    line = text.split("\n")[setting.line - 1]
    assert line[setting.value_start : setting.value_end] == "30"


def test_a_block_for_the_readers_shell_profile_sets_no_project_setting() -> None:
    text = 'Add to `~/.zshrc`:\n\n```bash\nexport GITHUB_PERSONAL_ACCESS_TOKEN="ghp_x"\n```\n'
    assert settings(text) == []
