"""Reading source as an editor would: coding cookies, BOMs, binary and oversized files."""

from __future__ import annotations

from pathlib import Path

from steeringsync import api
from steeringsync.config import Config
from steeringsync.project import Project
from steeringsync.python.source import PythonSource

USE = "with unified_session_manager.get_db_session() as s:\n    pass\n"


def check(root: Path, config: Config | None = None) -> list[tuple[str, str, int]]:
    (root / ".git").mkdir(exist_ok=True)
    report = api.check(Project(root, config or Config()), api.CheckOptions(paths=(root,)))
    return [(f.path.name, f.code, f.location.line) for f in report.active]


def test_pep263_cookie_is_honoured(tmp_path: Path) -> None:
    text = "# -*- coding: latin-1 -*-\nname = 'café'\n" + USE
    (tmp_path / "legacy.py").write_bytes(text.encode("latin-1"))
    assert check(tmp_path) == [("legacy.py", "SS001", 3)]


def test_non_utf8_without_cookie_is_ss900_with_line(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_bytes(b"x = 1\nname = 'caf\xe9'\n" + USE.encode())
    assert check(tmp_path) == [("bad.py", "SS900", 2)]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbf" + USE.encode())
    assert check(tmp_path) == [("bom.py", "SS001", 1)]


def test_crlf_source(tmp_path: Path) -> None:
    (tmp_path / "crlf.py").write_bytes(("x = 1\r\n" + USE.replace("\n", "\r\n")).encode())
    assert check(tmp_path) == [("crlf.py", "SS001", 2)]


def test_binary_file_is_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "blob.py").write_bytes(b"\x00\x01get_db_session\x02")
    (tmp_path / "ok.py").write_text(USE)
    assert check(tmp_path) == [("blob.py", "SS901", 1), ("ok.py", "SS001", 1)]


def test_oversized_file_is_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_text(USE + "#" * 200 + "\n")
    findings = check(tmp_path, Config(max_file_size=100))
    assert findings == [("big.py", "SS901", 1)]


def test_deeply_nested_source_is_ss900_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "deep.py").write_text("x = " + "(" * 5000 + ")" * 5000 + "\nget_db_session\n")
    assert [code for _, code, _ in check(tmp_path)] == ["SS900"]


def test_syntax_error_only_reported_for_files_a_rule_looks_at(tmp_path: Path) -> None:
    # SS900 means "could not check this file"; a file no rule looks into is not parsed
    (tmp_path / "unrelated.py").write_text("def broken(:\n")
    (tmp_path / "related.py").write_text(
        "def broken(:\n    unified_session_manager.get_db_session()\n"
    )
    assert check(tmp_path) == [("related.py", "SS900", 1)]


def test_lines_are_the_parser_lines_not_str_splitlines() -> None:
    # U+2028 and form feed end a line for str.splitlines(), not for Python
    text = "a = '\u2028'\nb = 1\x0c  # here\nc = 2  # noqa: SS203\n"
    source = PythonSource(Path("m.py"), text.encode(), text)
    assert source.line(3) == "c = 2  # noqa: SS203"
    assert source.line(2) == "b = 1\x0c  # here"
    crlf = "a = 1\r\nb = 2\rc = 3\n"
    assert [PythonSource(Path("m.py"), crlf.encode(), crlf).line(n) for n in (1, 2, 3)] == [
        "a = 1",
        "b = 2",
        "c = 3",
    ]
