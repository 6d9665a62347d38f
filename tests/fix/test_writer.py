"""The fix writer: compile check, atomic replace, mode kept, untouched when unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from steeringsync.fix.writer import UnsafeResult, verify, write_atomic


def test_unchanged_content_leaves_the_file_and_its_mtime_alone(tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_bytes(b"x = 1\n")
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    assert write_atomic(target, b"x = 1\n") is False
    assert target.stat().st_mtime_ns == 1_000_000_000


def test_changed_content_replaces_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_bytes(b"x = 1\n")
    target.chmod(0o700)
    assert write_atomic(target, b"x = 2\r\n") is True
    assert target.read_bytes() == b"x = 2\r\n"
    assert target.stat().st_mode & 0o777 == 0o700
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.py"]


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "m.py"
    target.write_bytes(b"x = 1\n")

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        write_atomic(target, b"x = 2\n")
    assert target.read_bytes() == b"x = 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.py"]


def test_verify_rejects_source_that_does_not_compile(tmp_path: Path) -> None:
    with pytest.raises(UnsafeResult, match="would not compile"):
        verify(b"def f():\n    break\n", tmp_path / "m.py")  # compile-time error only


def test_verify_honours_the_coding_cookie(tmp_path: Path) -> None:
    verify("# -*- coding: latin-1 -*-\ns = 'K\u00e4se'\n".encode("latin-1"), tmp_path / "m.py")
