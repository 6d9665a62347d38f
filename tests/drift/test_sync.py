"""``steeringsync sync``: golden before/after docs, byte-for-byte preservation, exit codes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from steeringsync.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures" / "drift"
DOC = ".kiro/steering/tech.md"
Tree = Callable[[dict[str, str]], Path]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def fixture_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "project", root)
    return root


def test_sync_rewrites_the_fixture_to_the_golden_doc(fixture_repo: Path, capsys) -> None:
    before = {p: p.read_bytes() for p in fixture_repo.rglob("*") if p.is_file()}
    code, out, err = run(capsys, "sync", str(fixture_repo))
    assert code == 0
    assert (fixture_repo / DOC).read_bytes() == (FIXTURES / "tech.synced.md").read_bytes()
    # only the doc changed; code and env files are the source, never touched
    changed = [p for p, data in before.items() if p.read_bytes() != data]
    assert changed == [fixture_repo / DOC]
    assert "changed `REDIS_SESSION_TIMEOUT` from `7200` to `3600`" in out
    assert "`CACHE_TTL` left alone" in err  # conflicting code defaults: not guessed
    assert "hunter2" not in out + err and "abc123" not in out + err


def test_sync_is_idempotent(fixture_repo: Path, capsys) -> None:
    assert run(capsys, "sync", str(fixture_repo))[0] == 0
    synced = (fixture_repo / DOC).read_bytes()
    code, out, err = run(capsys, "sync", str(fixture_repo))
    assert (code, out) == (0, "")
    assert "Nothing to sync." in err
    assert (fixture_repo / DOC).read_bytes() == synced
    assert run(capsys, "sync", "--check", str(fixture_repo))[0] == 0


def test_check_reports_without_writing(fixture_repo: Path, capsys) -> None:
    original = (fixture_repo / DOC).read_bytes()
    code, out, _ = run(capsys, "sync", "--check", str(fixture_repo))
    assert code == 1
    assert f"{DOC}:11: would change `REDIS_SESSION_TIMEOUT` from `7200` to `3600`" in out
    assert "would change `API_TOKEN` from `****` to `****`" in out
    assert (fixture_repo / DOC).read_bytes() == original


def test_diff_prints_a_patch_git_applies_without_writing(fixture_repo: Path, capsys) -> None:
    original = (fixture_repo / DOC).read_bytes()
    code, out, err = run(capsys, "sync", "--diff", str(fixture_repo))
    assert code == 1
    assert out.startswith(f"--- a/{DOC}\n+++ b/{DOC}\n")
    assert "-export REDIS_SESSION_TIMEOUT=7200  # seconds\n" in out
    assert "+export REDIS_SESSION_TIMEOUT=3600  # seconds\n" in out
    # the patch carries the doc's real bytes (the doc in the repository holds them already),
    # so that it applies; the messages for people stay masked
    assert '-REDIS_URL="redis://:hunter2@localhost:6379/0"\n' in out
    assert "hunter2" not in err
    assert (fixture_repo / DOC).read_bytes() == original
    _git_apply_check(fixture_repo, out)


def _git_apply_check(root: Path, patch: str) -> None:
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("needs git")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    proc = subprocess.run(
        ["git", "apply", "--check", "-"], cwd=root, input=patch.encode(), capture_output=True
    )
    assert proc.returncode == 0, proc.stderr.decode()
    subprocess.run(["git", "apply", "-"], cwd=root, input=patch.encode(), check=True)


def test_crlf_bom_and_every_other_byte_are_preserved(write_tree: Tree, capsys) -> None:
    doc = "---\r\ninclusion: always\r\n---\r\n# T\r\n\r\n```bash\r\nTIMEOUT=10   # s\r\n```\r\n"
    root = write_tree({"app.py": "import os\nT = os.getenv('TIMEOUT', '30')\n"})
    (root / ".kiro/steering").mkdir(parents=True)
    path = root / DOC
    path.write_bytes(b"\xef\xbb\xbf" + doc.encode())
    assert run(capsys, "sync", str(root))[0] == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + doc.replace("=10 ", "=30 ").encode()


@pytest.mark.parametrize(
    ("row", "default", "expected"),
    [
        # aligned: the closing pipe stays where it was
        ("| `PORT`  | `80`    |", "8080", "| `PORT`  | `8080`  |"),
        ("| `PORT`  | `8080`  |", "80", "| `PORT`  | `80`    |"),
        # not enough room: the row grows, every other row is untouched
        ("| `PORT`  | `80`    |", "65535000", "| `PORT`  | `65535000` |"),
        # a table that was not aligned stays as it was
        ("| `PORT` | `80` |", "8080", "| `PORT` | `8080` |"),
        ("| `PORT` | 80 |", "8080", "| `PORT` | 8080 |"),
    ],
)
def test_tables(write_tree: Tree, capsys, row: str, default: str, expected: str) -> None:
    header = "| Setting | Default |\n|---------|---------|\n"
    if row.startswith("| `PORT` |"):
        header = "| Setting | Default |\n|---|---|\n"
    root = write_tree(
        {
            DOC: header + row + "\n",
            "app.py": f"import os\nP = os.getenv('PORT', '{default}')\n",
        }
    )
    assert run(capsys, "sync", str(root))[0] == 0
    assert (root / DOC).read_text() == header + expected + "\n"


@pytest.mark.parametrize(
    ("line", "default", "expected"),
    [
        ('GREETING="hi"', "hello world", 'GREETING="hello world"'),
        ("GREETING=hi", "hello world", "GREETING='hello world'"),
        ("export DEBUG=false  # on in dev", "True", "export DEBUG=true  # on in dev"),
        ("WORKERS=", "4", "WORKERS=4"),
    ],
)
def test_values_are_written_in_the_docs_style(
    write_tree: Tree, capsys, line: str, default: str, expected: str
) -> None:
    key = expected.removeprefix("export ").split("=")[0]
    root = write_tree(
        {DOC: f"```bash\n{line}\n```\n", "app.py": f"import os\nos.getenv('{key}', {default!r})\n"}
    )
    assert run(capsys, "sync", str(root))[0] == 0
    assert (root / DOC).read_text() == f"```bash\n{expected}\n```\n"


@pytest.mark.parametrize(
    ("code", "note"),
    [
        ("import os\nT = os.getenv('TIMEOUT', compute())\n", "the code computes its default"),
        ("import os\nT = os.environ['TIMEOUT']\n", None),  # no default: nothing to say
        (
            "import os\nT = os.getenv('TIMEOUT', '30')\nU = os.getenv('TIMEOUT', '60')\n",
            "differently in two places (SS204)",
        ),
        (
            "import os\nT = os.getenv('TIMEOUT', '30')\nU = os.getenv('TIMEOUT', x)\n",
            "the code computes its default",
        ),
    ],
)
def test_never_invents_a_value(write_tree: Tree, capsys, code: str, note: str | None) -> None:
    root = write_tree({DOC: "```bash\nTIMEOUT=10\n```\n", "app.py": code})
    # sync --check agrees with check: drift that sync cannot settle still fails it
    drift = main(["check", "--select", "SS201", "--no-cache", str(root)])
    capsys.readouterr()
    assert run(capsys, "sync", "--check", str(root))[0] == drift
    code_, _, err = run(capsys, "sync", str(root))
    assert code_ == drift
    if drift:
        assert "sync cannot settle" in err
    assert (root / DOC).read_text() == "```bash\nTIMEOUT=10\n```\n"
    if note is None:
        assert "left alone" not in err
    else:
        assert f"{DOC}:2: `TIMEOUT` left alone: " in err and note in err


def test_from_env_file(write_tree: Tree, capsys) -> None:
    root = write_tree(
        {
            DOC: "```env\nQUEUE=jobs\nPORT=80\n```\n",
            "deploy/prod.env": "QUEUE=tasks\n",
            "app.py": "import os\nos.getenv('QUEUE', 'default')\nos.getenv('PORT', '8080')\n",
        }
    )
    code, _, _ = run(capsys, "sync", str(root), "--from", "env-file", str(root / "deploy/prod.env"))
    assert code == 0
    # the env file is the only source: PORT, which it does not set, is left alone
    assert (root / DOC).read_text() == "```env\nQUEUE=tasks\nPORT=80\n```\n"


def test_usage_errors_exit_2(write_tree: Tree, capsys) -> None:
    root = write_tree({DOC: "x\n"})
    code, _, err = run(capsys, "sync", str(root), "--from", "env-file", str(root / "missing.env"))
    assert code == 2 and "no such env file" in err
    code, _, err = run(capsys, "sync", str(root / "nope"))
    assert code == 2 and "no such file" in err
    code, _, _ = run(capsys, "sync", str(root), "--from", "code", "x")
    assert code == 2


@pytest.mark.parametrize(
    "doc",
    [
        b"# T\r\n\r\n```bash\r\nTIMEOUT=10\r\n```\r\n",  # CRLF
        b"\xef\xbb\xbf# T\n\n```bash\nTIMEOUT=10\n```\n",  # a BOM
        b"```bash\nTIMEOUT=10\n```",  # no newline at the end
        b"| Setting | Default |\n|---|---|\n| `TIMEOUT` | `10` |",
    ],
    ids=["crlf", "bom", "no-final-newline", "table"],
)
def test_diff_applies_with_git_whatever_the_bytes(write_tree: Tree, capsys, doc: bytes) -> None:
    root = write_tree({"app.py": "import os\nT = os.getenv('TIMEOUT', '30')\n"})
    (root / DOC).parent.mkdir(parents=True, exist_ok=True)
    (root / DOC).write_bytes(doc)
    code, out, _ = run(capsys, "sync", "--diff", str(root))
    assert code == 1
    _git_apply_check(root, out)
    assert (root / DOC).read_bytes() == doc.replace(b"10", b"30")


def _ss201(root: Path, capsys: pytest.CaptureFixture[str]) -> int:
    main(["check", "--select", "SS201", "--output-format", "json", "--no-cache", str(root)])
    import json

    return len(json.loads(capsys.readouterr().out))


def test_a_value_an_env_file_disputes_is_left_alone(write_tree: Tree, capsys) -> None:
    root = write_tree(
        {
            DOC: "```bash\nTIMEOUT=10\n```\n",
            "app.py": "import os\nos.getenv('TIMEOUT', '30')\n",
            ".env.example": "TIMEOUT=10\n",
        }
    )
    code, _, err = run(capsys, "sync", str(root))
    assert code == 1  # the drift remains, and sync says it cannot settle it
    assert "`TIMEOUT` left alone: the code and .env.example:1 disagree" in err
    assert (root / DOC).read_text() == "```bash\nTIMEOUT=10\n```\n"


def test_sync_never_adds_drift_and_check_agrees(fixture_repo: Path, capsys) -> None:
    before = _ss201(fixture_repo, capsys)
    assert before > 0
    check_code = run(capsys, "sync", "--check", str(fixture_repo))[0]
    assert check_code == 1
    _, out, _ = run(capsys, "sync", str(fixture_repo))
    changed = out.count(": changed `")
    after = _ss201(fixture_repo, capsys)
    # each rewritten line agrees with every source now: its finding is gone, none is added
    assert changed > 0 and after == before - changed
    # what remains is what sync said it cannot settle, and --check says so too
    code, _, err = run(capsys, "sync", "--check", str(fixture_repo))
    assert code == (1 if after else 0)
    assert err.count("sync cannot settle") == after
