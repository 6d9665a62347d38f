"""One ``KEY=VALUE`` line as docs and env files write it."""

from __future__ import annotations

import pytest

from steeringsync.drift.assignments import parse_line


@pytest.mark.parametrize(
    ("line", "shell", "key", "value", "quote"),
    [
        ("REDIS_URL=redis://localhost:6379/0", False, "REDIS_URL", "redis://localhost:6379/0", ""),
        ("export TIMEOUT=3600", True, "TIMEOUT", "3600", ""),
        ("export TIMEOUT=3600  # seconds", True, "TIMEOUT", "3600", ""),
        ('PREFIX="session:"', True, "PREFIX", "session:", '"'),
        ("PREFIX='a b' # note", True, "PREFIX", "a b", "'"),
        ("EMPTY=", True, "EMPTY", "", ""),
        ("EMPTY=   # nothing", True, "EMPTY", "", ""),
        ("$ DEBUG=true python app.py", True, "DEBUG", "true", ""),
        ("POOL_SIZE = 5 ; per worker", False, "POOL_SIZE", "5", ""),
        ("GREETING=hello world # hi", False, "GREETING", "hello world", ""),
        ("  URL=http://x/#frag", False, "URL", "http://x/#frag", ""),
        ("line\r", False, None, None, None),
    ],
)
def test_parses_the_forms_docs_use(
    line: str, shell: bool, key: str | None, value: str | None, quote: str | None
) -> None:
    parsed = parse_line(line, shell=shell)
    if key is None:
        assert parsed is None
        return
    assert parsed is not None
    assert (parsed.key, parsed.value, parsed.quote) == (key, value, quote)
    # the span points at exactly the value's characters, so sync can rewrite only them
    assert line[parsed.value_start : parsed.value_end] == value


@pytest.mark.parametrize(
    "line",
    ["PATH=$HOME/bin:$PATH", 'HOME_DIR="${HOME}/x"', "NOW=`date`"],
)
def test_shell_expansions_have_no_literal_value(line: str) -> None:
    parsed = parse_line(line, shell=True)
    assert parsed is not None and parsed.value is None


@pytest.mark.parametrize(
    "line",
    ["x=1", "lower_case=1", "# TIMEOUT=3600", "echo TIMEOUT=1", "_=1", "123=4", "A==b"],
)
def test_lines_that_are_not_settings(line: str) -> None:
    assert parse_line(line, shell=True) is None
