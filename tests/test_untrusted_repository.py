"""A hostile repository, one attack each (issue #15): run in a subprocess under memory and
time limits; nothing outside is touched, findings are still reported, no secret or control
sequence reaches any output format."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from steeringsync import __version__

MEMORY = 2 * 1024**3  # address space of the run: an allocation bomb fails, not the machine
TIMEOUT = 60  # seconds, generous on a loaded 2-core machine; the attacks took minutes
DEPRECATED = "with unified_session_manager.get_db_session() as s:\n    s.query(1)\n"
SECRET = "s3cr3t-" + "Zq9" * 8
FORMATS = ("text", "json", "sarif", "github")


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "steeringsync", *args],
        cwd=root,
        capture_output=True,
        timeout=TIMEOUT,
        preexec_fn=_limit,
        env={**os.environ, **(env or {})},
    )
    proc.elapsed = time.monotonic() - started  # type: ignore[attr-defined]
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    return proc


def repo(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def outside(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A folder beside the repository, and a snapshot of it to compare after the run."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "keep.bin").write_bytes(b"keep")
    (folder / ".tmp-old").write_bytes(b"old")
    (folder / "victim.md").write_text("REDIS_URL=redis://outside\n")
    (folder / "victim.py").write_text(DEPRECATED)
    os.utime(folder / ".tmp-old", (0, 0))
    return folder, snapshot(folder)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def assert_clean(out: bytes) -> None:
    """No terminal control sequence and no workflow command an attacker wrote."""
    assert b"\x1b" not in out and b"\r" not in out.replace(b"\r\n", b"")
    for line in out.split(b"\n"):
        assert not line.lstrip().startswith((b"::add-mask", b"::stop-commands", b"##[")), line


def all_formats(root: Path, *args: str) -> dict[str, subprocess.CompletedProcess]:
    results = {}
    for fmt in FORMATS:
        proc = run(root, "check", "--format", fmt, *args)
        assert_clean(proc.stdout)
        assert_clean(proc.stderr)
        if fmt in ("json", "sarif"):
            json.loads(proc.stdout)  # valid whatever the file names
        results[fmt] = proc
    return results


# -- writes and deletes outside the repository --------------------------------------------


def test_committed_cache_symlink_writes_and_deletes_nothing_outside(tmp_path: Path) -> None:
    folder, before = outside(tmp_path)
    root = repo(tmp_path, {"app/a.py": DEPRECATED})
    (root / ".steeringsync_cache").mkdir()
    (root / ".steeringsync_cache" / __version__).symlink_to(folder)
    (root / ".steeringsync_cache" / ".gitignore").symlink_to(tmp_path / "created-by-link")
    for _ in range(2):
        proc = run(root, "check")
        assert proc.returncode == 1 and b"SS001" in proc.stdout
    assert snapshot(folder) == before
    assert not (tmp_path / "created-by-link").exists()


def test_sync_never_writes_through_a_symlinked_doc_or_steering_dir(tmp_path: Path) -> None:
    folder, before = outside(tmp_path)
    code = "import os\nURL = os.getenv('REDIS_URL', 'redis://new')\n"
    root = repo(tmp_path, {"app/settings.py": code})
    (root / ".kiro/steering").mkdir(parents=True)
    (root / ".kiro/steering/linked.md").symlink_to(folder / "victim.md")
    run(root, "sync")
    assert snapshot(folder) == before
    (root / ".kiro/steering/linked.md").unlink()
    (root / ".kiro/steering").rmdir()
    (root / ".kiro/steering").symlink_to(folder)
    proc = run(root, "sync")
    assert snapshot(folder) == before
    assert b"outside the repository" in proc.stderr


@pytest.mark.parametrize("steering_dir", ["../outside", "/", "/etc", "docs/../../outside"])
def test_steering_dir_leaving_the_root_is_a_configuration_error(
    tmp_path: Path, steering_dir: str
) -> None:
    folder, before = outside(tmp_path)
    root = repo(
        tmp_path, {"pyproject.toml": f'[tool.steeringsync]\nsteering-dir = "{steering_dir}"\n'}
    )
    for args in (("check",), ("sync",)):
        proc = run(root, *args)
        assert proc.returncode == 2
        assert b"steering-dir" in proc.stderr and b"inside the repository" in proc.stderr
    assert snapshot(folder) == before


def test_fix_never_rewrites_a_symlink_target_nor_replaces_the_link(tmp_path: Path) -> None:
    folder, before = outside(tmp_path)
    config = (
        '[tool.steeringsync.session-migration]\nreplacement-import = "from db import db_manager"\n'
    )
    root = repo(tmp_path, {"app/real.py": DEPRECATED, "pyproject.toml": config})
    (root / "evil.py").symlink_to(folder / "victim.py")
    proc = run(root, "check", "--fix", "evil.py")
    assert b"outside the repository" in proc.stderr
    run(root, "check", "--fix", ".")
    assert snapshot(folder) == before
    assert (root / "evil.py").is_symlink()
    assert "db_manager" in (root / "app/real.py").read_text()  # the real file is fixed


# -- the check switched off by a file name ---------------------------------------------------


@pytest.mark.parametrize("name", ["--exit-zero", "--ignore=SS", "-q"])
def test_a_file_named_like_an_option_is_refused(tmp_path: Path, name: str) -> None:
    root = repo(tmp_path, {"a.py": DEPRECATED, name: "#!/usr/bin/env python\n"})
    proc = run(root, "check", "--", name, "a.py")  # as the hook entry passes names
    assert proc.returncode == 2
    assert b"starts with '-'" in proc.stderr
    hooks = Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml"
    entries = [line for line in hooks.read_text().splitlines() if "entry:" in line]
    assert entries and all(line.rstrip().endswith(" --") for line in entries)


# -- findings hidden by a committed or copied cache ------------------------------------------


def test_a_forged_cache_never_hides_findings(tmp_path: Path) -> None:
    root = repo(tmp_path, {"app/a.py": DEPRECATED})
    shared = tmp_path / "shared-cache"
    mine = {"STEERINGSYNC_CACHE_DIR": str(shared), "XDG_CACHE_HOME": str(tmp_path / "me")}
    assert run(root, "check", env=mine).returncode == 1
    # the attacker knows everything but this user's secret: rewrite every entry to
    # "nothing found", trusted, and sign it with a key of their own
    import hashlib
    import hmac

    from steeringsync.cache import MAC_BYTES, MAGIC

    for blob in shared.rglob("*.bin"):
        data = json.loads(blob.read_bytes()[len(MAGIC) + MAC_BYTES :])
        for entry in data.values():
            entry[1], entry[3] = True, None
        body = json.dumps(data).encode()
        mac = hmac.new(b"attacker" * 4, blob.stem.encode() + b"\0" + body, hashlib.sha256)
        blob.write_bytes(MAGIC + mac.digest() + body)
    proc = run(root, "check", env=mine)
    assert proc.returncode == 1 and b"SS001" in proc.stdout
    other = {"STEERINGSYNC_CACHE_DIR": str(shared), "XDG_CACHE_HOME": str(tmp_path / "other")}
    assert b"SS001" in run(root, "check", env=other).stdout


def test_a_committed_cache_of_the_old_format_is_never_read(tmp_path: Path) -> None:
    # 33 bytes of marshal claiming 2**31-1 items: 13 GiB if anything unmarshalled it
    bomb = b"SSCACHE2" + b"\0" * 20 + b"(\xff\xff\xff\x7f"
    root = repo(tmp_path, {"app/a.py": DEPRECATED})
    folder = root / ".steeringsync_cache" / __version__
    folder.mkdir(parents=True)
    for name in ("0" * 32 + ".bin", "steering-docs.dat"):
        (folder / name).write_bytes(bomb)
    proc = run(root, "check")
    assert proc.returncode == 1 and b"SS001" in proc.stdout


# -- CI exhausted ----------------------------------------------------------------------------


def test_gitignore_pointing_at_dev_zero(tmp_path: Path) -> None:
    root = repo(tmp_path, {"app/a.py": DEPRECATED})
    (root / ".gitignore").symlink_to("/dev/zero")
    proc = run(root, "check")
    assert proc.returncode == 1 and b"SS001" in proc.stdout


def test_fifos_and_devices_are_never_opened(tmp_path: Path) -> None:
    """A FIFO would block the run forever on open or read; a device would never end."""
    root = repo(tmp_path, {"app/a.py": DEPRECATED, ".kiro/steering/ok.md": "# Ok\n"})
    for rel in (".gitignore", ".env.example", ".kiro/steering/fifo.md", "app/fifo.py"):
        os.mkfifo(root / rel)
    (root / "pyproject.toml").symlink_to("/dev/zero")
    (root / "app" / "zero.py").symlink_to("/dev/zero")
    for proc in all_formats(root).values():
        assert proc.returncode == 1 and b"SS001" in proc.stdout
    assert run(root, "sync").returncode in (0, 1)


def test_yaml_alias_bomb_in_front_matter(tmp_path: Path) -> None:
    lines = ['a: &a ["xxxxxxxxxx","xxxxxxxxxx","xxxxxxxxxx","xxxxxxxxxx","xxxxxxxxxx"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]")
    lines.append("inclusion: *j")
    doc = "---\n" + "\n".join(lines) + "\n---\n# Doc\n"
    root = repo(tmp_path, {".kiro/steering/bomb.md": doc, "app/a.py": DEPRECATED})
    for proc in all_formats(root).values():
        assert proc.returncode == 1 and proc.elapsed < 20  # type: ignore[attr-defined]
    out = run(root, "check").stdout
    assert b"SS301" in out and b"more than" in out and b"SS001" in out


def test_backtracking_globs_in_file_match_pattern_and_gitignore(tmp_path: Path) -> None:
    evil = "**x**x**x**x**x**x**x**x**y"
    doc = f'---\ninclusion: fileMatch\nfileMatchPattern: "{evil}"\n---\n# Doc\n'
    root = repo(
        tmp_path,
        {
            ".kiro/steering/globs.md": doc,
            ".gitignore": evil + "\n" + evil + "/\n",
            "app/a.py": DEPRECATED,
        },
    )
    (root / ("x" * 250)).write_text("")
    deep = root / "/".join(["x" * 60] * 20)
    deep.mkdir(parents=True)
    (deep / ("x" * 200)).write_text("")
    proc = run(root, "check")
    assert proc.returncode == 1 and b"SS001" in proc.stdout
    assert proc.elapsed < 30  # type: ignore[attr-defined]


def test_brace_expansion_is_bounded(tmp_path: Path) -> None:
    braces = "{" + ",".join(f"a{i}" for i in range(40_000)) + "}"
    doc = f'---\ninclusion: fileMatch\nfileMatchPattern: "src/{braces}/{braces}.py"\n---\n# D\n'
    small = "{" + ",".join(f"b{i}" for i in range(150)) + "}"
    doc2 = f'---\ninclusion: fileMatch\nfileMatchPattern: "{small}{small}{small}"\n---\n# D\n'
    root = repo(
        tmp_path,
        {".kiro/steering/b.md": doc, ".kiro/steering/c.md": doc2, "app/a.py": DEPRECATED},
    )
    proc = run(root, "check")
    assert proc.returncode == 1 and b"SS001" in proc.stdout


def test_huge_docs_are_skipped_and_big_ones_are_fast(tmp_path: Path) -> None:
    links = "".join(f"See [x](missing{i}.md) and #[[file:gone{i}.py]].\n" for i in range(40_000))
    big = links[: 1024 * 1024 - 10]  # just under the limit: every link checked
    root = repo(
        tmp_path,
        {
            ".kiro/steering/huge.md": links + links,
            ".kiro/steering/big.md": big[: big.rfind("\n") + 1] + "<!-- noqa -->\n",
            "app/a.py": DEPRECATED,
        },
    )
    proc = run(root, "check", "--format", "json")
    found = json.loads(proc.stdout)
    huge = [f for f in found if f["path"].endswith("huge.md")]
    assert [f["code"] for f in huge] == ["SS300"] and "skipped" in huge[0]["message"]
    assert sum(f["path"].endswith("big.md") for f in found) > 10_000
    assert proc.elapsed < 45  # type: ignore[attr-defined]


def test_symlink_loops_and_deep_trees_are_reported_not_fatal(tmp_path: Path) -> None:
    root = repo(tmp_path, {"app/a.py": DEPRECATED})
    (root / "self").symlink_to("self")
    (root / "app" / "loop").symlink_to(root / "app")
    chain = [root / "d"]
    for _ in range(1_200):  # os.makedirs (and rmtree) recurse once per level
        chain.append(chain[-1] / "d")
    for folder in chain:
        folder.mkdir()
    (chain[-1] / "deep.py").write_text(DEPRECATED)
    try:
        proc = run(root, "check")
        assert proc.returncode == 1 and b"app/a.py" in proc.stdout
        assert b"deeper than" in proc.stderr
    finally:
        (chain[-1] / "deep.py").unlink()
        for folder in reversed(chain):
            folder.rmdir()


# -- secrets leaked --------------------------------------------------------------------------


def test_env_file_linked_to_the_process_environment(tmp_path: Path) -> None:
    doc = "# Tech\n\n```env\nREDIS_URL=redis://cache\n```\n"
    root = repo(tmp_path, {".kiro/steering/tech.md": doc, "app/a.py": DEPRECATED})
    (root / ".env.sample").symlink_to("/proc/self/environ")
    env = {"CI_JOB_TOKEN": SECRET, "REDIS_URL": SECRET}
    for proc in all_formats(root).values():
        assert SECRET.encode() not in proc.stdout + proc.stderr
    assert SECRET.encode() not in run(root, "check", env=env).stdout


SECRET_VALUES = {
    "AUTH": SECRET,
    "BEARER": SECRET,
    "DBPASSWORD": SECRET,
    "SECRETKEY": SECRET,
    "GITHUB_PAT": SECRET,
    "STRIPE_SK": SECRET,
    "CONN_STR": f"Server=db;User Id=app;Password={SECRET};",
    "REDIS_URL": f"redis://{SECRET}@cache:6379/0",
    "DATABASE_URL": f"postgres://app:{SECRET}/x@y@db/app",
    "API_URL": f"https://api.example.com/v1?password={SECRET}&x=1",
    "SENTRY_ENDPOINT": f"https://{SECRET}@o1.ingest.sentry.io/5",
    "SLACK_HOOK": f"https://hooks.slack.com/services/T0/B0/{SECRET}",
    "UPSTREAM": "ghp_" + SECRET.replace("-", "") + "abcdef",
}


def test_secret_values_are_masked_in_every_format(tmp_path: Path) -> None:
    reads = "".join(f"{k} = os.getenv({k!r}, 'code-default')\n" for k in SECRET_VALUES)
    example = "".join(f"{k}={v}\n" for k, v in SECRET_VALUES.items())
    doc = "# Settings\n\n```env\n" + example + "```\n"
    root = repo(
        tmp_path,
        {
            "app/settings.py": "import os\n" + reads,
            ".env.example": example,
            ".kiro/steering/tech.md": doc,
        },
    )
    results = all_formats(root)
    assert b"SS201" in results["text"].stdout  # the drift is still reported
    for proc in results.values():
        out = proc.stdout + proc.stderr
        assert SECRET.encode() not in out and SECRET.replace("-", "").encode() not in out


def test_sync_from_env_file_refuses_secret_values(tmp_path: Path) -> None:
    code = "import os\nKEY = os.getenv('UPSTREAM_URL', 'https://api')\n"
    doc = "# Tech\n\n```env\nUPSTREAM_URL=https://api\n```\n"
    root = repo(tmp_path, {"app/s.py": code, ".kiro/steering/tech.md": doc})
    (tmp_path / "real.env").write_text(f"UPSTREAM_URL=https://deploy:{SECRET}@api\n")
    proc = run(root, "sync", "--from", "env-file", str(tmp_path / "real.env"))
    assert SECRET not in (root / ".kiro/steering/tech.md").read_text()
    assert b"--allow-secrets" in proc.stderr
    assert SECRET.encode() not in proc.stdout + proc.stderr
    run(root, "sync", "--from", "env-file", str(tmp_path / "real.env"), "--allow-secrets")
    assert SECRET in (root / ".kiro/steering/tech.md").read_text()


# -- output injection ------------------------------------------------------------------------


def test_control_sequences_and_workflow_commands_never_reach_output(tmp_path: Path) -> None:
    message = "erased\x1b[2K\x1b[1A\rAll checks passed.\n::add-mask::x"
    doc = (
        "---\ndeprecations:\n  - pattern: legacy.old_call\n"
        f"    message: {json.dumps(message)}\n---\n# D\n"
        "See [x](\x1b]8;;evil\x07gone.md).\n"
    )
    config = '[tool.steeringsync]\nsteering-dir = "docs\\n::stop-commands::token"\n'
    root = repo(
        tmp_path,
        {
            ".kiro/steering/d.md": doc,
            "app/\x1b[31mred.py": "import legacy\nlegacy.old_call()\n" + DEPRECATED,
            "::add-mask::x.py": DEPRECATED,
        },
    )
    (root / os.fsdecode(b"app/bad\xff\xfe.py")).write_text(DEPRECATED)
    results = all_formats(root)
    for proc in results.values():
        assert proc.returncode == 1
    sarif = json.loads(results["sarif"].stdout)
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    ]
    assert "app/bad%FF%FE.py" in uris
    assert b"app/bad\\xff\\xfe.py" in results["text"].stdout  # surrogate-escaped, lossless
    (root / "pyproject.toml").write_text(config)
    for fmt in FORMATS:
        proc = run(root, "check", "--format", fmt)
        assert_clean(proc.stdout)
        assert_clean(proc.stderr)
