"""Time ``steeringsync check`` cold, warm and after ten edits, next to grep and ast-grep.

Usage: ``python benchmarks/bench_check.py [--files N] [--reps R] [--corpus DIR]``

The corpus is rebuilt only when missing or built for another size: this interpreter's
standard library and installed packages (.py files, sorted, so the same machine gives the
same corpus), plus one generated application file per 50 with the deprecated
``with unified_session_manager.get_db_session() as session:`` (two sites each) and
``os.getenv`` settings, and a ``.kiro/steering/tech.md`` documenting some of them.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
GENERATED_EVERY = 50  # one generated file per this many files
SITES_PER_FILE = 2
STEERING = """\
# Tech stack

Sessions live in Redis; database work goes through `db_manager`.

```env
REDIS_SESSION_TIMEOUT=3600
SESSION_COOKIE_NAME=sid
DB_POOL_SIZE=10
```
"""
GENERATED = '''\
"""Generated module {n} for the steeringsync benchmark."""

import os

from app.session import unified_session_manager

TIMEOUT = int(os.getenv("REDIS_SESSION_TIMEOUT", "3600"))
POOL = int(os.getenv("DB_POOL_SIZE", "{pool}"))


def load_{n}(model):
    with unified_session_manager.get_db_session() as session:
        return session.query(model).all()


def count_{n}(model):
    with unified_session_manager.get_db_session() as session:
        return session.query(model).count()
'''
# --claims: a structure doc as steering docs write them (listed files, a tree, commands, a
# Python block, prose names; some claims dead), so the dead-claim rules have work
STRUCTURE = """\
# Project structure

## Layout

- `app/` holds the application, one module per feature:
{listed}
- `app/session.py` defines `unified_session_manager` (being retired)
- `app/services/user_service.py` holds `UserService`
- `docs/architecture.md` explains the design
- `vendor/` is third-party code, never edited

```
app/
├── 00/
│   ├── module_0000.py
│   └── module_0001.py
├── 01/
│   └── module_0100.py
└── services/
    └── user_service.py
pyproject.toml
```

## Commands

```bash
python app/00/module_0000.py
pytest tests/test_app.py
make lint
```

## Code

```python
from app.session import unified_session_manager
from app.services.user_service import UserService
```

Every module has `load_0()`-style loaders such as `load_3()` and `count_7()`; sessions
come from `get_db_session()`. `UserService.create()` and `DatabaseManager` are gone;
`Config` and `main()` are where they always were.
"""
AST_GREP_PATTERN = "with unified_session_manager.get_db_session() as $S: $$$BODY"


def source_files() -> list[Path]:
    """Real .py files: the stdlib (with its site-packages), then this venv's packages."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    purelib = Path(sysconfig.get_paths()["purelib"])
    found: list[Path] = []
    for base in (stdlib, purelib):
        for directory, dirs, files in os.walk(base):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            found.extend(Path(directory, f) for f in sorted(files) if f.endswith(".py"))
    return found


def build_corpus(root: Path, total: int, claims: bool = False) -> int:
    """Create the corpus unless it exists for ``total``; returns the generated file count."""
    generated = total // GENERATED_EVERY
    stamp = root / "CORPUS"
    kind = f"{total}{' claims' if claims else ''}\n"
    if stamp.exists() and stamp.read_text() == kind:
        return generated
    shutil.rmtree(root, ignore_errors=True)
    real = source_files()[: total - generated]
    if len(real) < total - generated:
        sys.exit(f"only {len(real)} .py files available; use --files {len(real) + generated}")
    for i, src in enumerate(real):
        dest = root / "vendor" / f"{i // 500:03d}" / f"{i:05d}_{src.name}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    for n in range(generated):
        dest = root / "app" / f"{n // 100:02d}" / f"module_{n:04d}.py"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(GENERATED.format(n=n, pool=10 + n % 3))
    (root / ".kiro" / "steering").mkdir(parents=True)
    (root / ".kiro" / "steering" / "tech.md").write_text(STEERING)
    if claims:
        (root / ".kiro" / "steering" / "structure.md").write_text(structure_doc())
    (root / "pyproject.toml").write_text('[project]\nname = "corpus"\n')
    old = time.time() - 3600  # settled files, as in a real checkout
    for directory, _, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(directory, name), (old, old))
    stamp.write_text(kind)
    return generated


def structure_doc() -> str:
    """STRUCTURE with 25 listed modules that exist and 5 that do not."""
    live = [f"app/{n // 100:02d}/module_{n:04d}.py" for n in range(0, 200, 8)]
    dead = [f"app/{n // 100:02d}/module_{n:04d}.py" for n in range(900, 950, 10)]
    return STRUCTURE.format(listed="\n".join(f"  - `{p}`" for p in live + dead))


def run(cmd: list[str], cwd: Path) -> tuple[float, int, bytes, float]:
    """Wall seconds, peak RSS in KiB of the process tree, stdout, and CPU seconds (user
    and system, of the process and the workers it waited for)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} exited {proc.returncode}")
    return wall, usage.ru_maxrss, out, usage.ru_utime + usage.ru_stime


def findings(out: bytes) -> list[tuple[str, str, str]]:
    """(code, path, the whole finding as canonical JSON), sorted."""
    items = json.loads(out)
    return sorted((f["code"], f["path"], json.dumps(f, sort_keys=True)) for f in items)


CHANGED = [f"app/00/module_{n:04d}.py" for n in range(10)]


def touch_changed(root: Path, rep: int) -> None:
    """Edit ten generated files (a real content change), as a pre-commit run would see."""
    for name in CHANGED:
        path = root / name
        text = path.read_text().split("\n# edit", 1)[0]
        path.write_text(f"{text}\n# edit {rep}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument(
        "--claims",
        action="store_true",
        help="add a structure doc with claims, and time the runs without the claim rules too",
    )
    args = parser.parse_args()
    if not (BIN / "ast-grep").exists():
        sys.exit(f"{BIN / 'ast-grep'} not found: install it with pip install -e '.[bench]'")
    # bytecode, as pip writes it on install: with PYTHONDONTWRITEBYTECODE set (some CI
    # images and sandboxes), a source checkout would be recompiled on every run
    import steeringsync

    compileall.compile_dir(Path(steeringsync.__file__).parent, quiet=1)
    suffix = "-claims" if args.claims else ""
    default = Path(tempfile.gettempdir()) / f"steeringsync-bench-{args.files}{suffix}"
    root = args.corpus or default
    generated = build_corpus(root.resolve(), args.files, args.claims)
    from steeringsync.cache import cache_dir  # outside the checkout, per user

    cache = cache_dir(root.resolve())
    ss = [str(BIN / "steeringsync"), "check", ".", "--format", "json", "--exit-zero"]
    ast_grep = [str(BIN / "ast-grep"), "run", "-l", "python", "-p", AST_GREP_PATTERN, "."]
    grep = ["grep", "-rn", "--include=*.py", "get_db_session", "."]
    rows: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    rss: dict[str, int] = {}
    outs: dict[str, list[tuple[str, str, str]]] = {}

    def timed(
        name: str, cmd: list[str], reps: int, before: object = None, compare: bool = True
    ) -> None:
        for rep in range(reps):
            if callable(before):
                before(rep)
            wall, peak, out, seconds = run(cmd, root)
            rows.setdefault(name, []).append(wall)
            cpu.setdefault(name, []).append(seconds)
            rss[name] = max(rss.get(name, 0), peak)
            if cmd[0].endswith("steeringsync") and compare:
                outs.setdefault(name, findings(out))

    run(grep, root)  # warm the page cache once so every tool reads from memory
    timed("grep -r (with-pattern)", grep, args.reps)
    timed("ast-grep (with-pattern)", ast_grep, max(3, args.reps // 2))
    timed("check cold", ss, args.reps, lambda _: shutil.rmtree(cache, ignore_errors=True))
    timed("check warm", ss, args.reps)
    timed("check 10 changed, warm", ss, args.reps, lambda rep: touch_changed(root, rep))
    # what the pre-commit hook runs: only the changed files are named (the others still
    # give their facts to the project rules, from the cache)
    only_changed = [*ss[:2], *CHANGED, *ss[3:]]
    touch = lambda rep: touch_changed(root, rep + 100)  # noqa: E731
    timed("check only the 10 changed (pre-commit)", only_changed, args.reps, touch, False)
    touch_changed(root, -1)
    timed("check --jobs 1 --no-cache", [*ss, "--jobs", "1", "--no-cache"], 1)
    timed("check --no-prefilter --no-cache", [*ss, "--no-prefilter", "--no-cache"], 1)
    if args.claims:  # the same runs without the dead-claim rules, alternating with them
        off = [*ss, "--ignore", "SS306,SS307,SS308"]
        clear = lambda _: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
        for _ in range(args.reps):
            timed("check cold, claim rules off", off, 1, clear, False)
            timed("check cold, claim rules on", ss, 1, clear)
        run(off, root)  # the cold runs above cleared each other's cache: warm both
        run(ss, root)
        for _ in range(args.reps):
            timed("check warm, claim rules off", off, 1, None, False)
            timed("check warm, claim rules on", ss, 1)
    report(rows, cpu, rss, args.files, generated)
    check_equal(outs, generated)
    check_partial(root, ss, only_changed)


def report(
    rows: dict[str, list[float]],
    cpu: dict[str, list[float]],
    rss: dict[str, int],
    files: int,
    generated: int,
) -> None:
    base = statistics.median(rows["ast-grep (with-pattern)"])
    print(
        f"\n{files} files ({generated} generated, {generated * SITES_PER_FILE} sites), "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}\n"
    )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print("| run | median s | vs ast-grep | CPU s | runs | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, walls in rows.items():
        med = statistics.median(walls)
        seconds = statistics.median(cpu[name])
        peak = f"{rss[name] / 1024:.0f}" if "check" in name else ""
        print(f"| {name} | {med:.3f} | {med / base:.2f} | {seconds:.3f} | {len(walls)} | {peak} |")
    cold = statistics.median(rows["check cold"])
    warm = statistics.median(rows["check warm"])
    changed = statistics.median(rows["check 10 changed, warm"])
    named = statistics.median(rows["check only the 10 changed (pre-commit)"])
    if "check cold, claim rules off" in cpu:
        print("\nDead-claim rules (CPU s, alternating runs):")
        for run in ("cold", "warm"):
            on = statistics.median(cpu[f"check {run}, claim rules on"])
            off = statistics.median(cpu[f"check {run}, claim rules off"])
            print(f"  {run}: {off:.3f} off, {on:.3f} on: x{on / off:.2f}")
    print("\nTargets:")
    print(f"  cold <= 1/4 ast-grep ({base / 4:.3f} s): {cold:.3f} s {_ok(cold <= base / 4)}")
    print(f"  warm <= 0.3 s: {warm:.3f} s {_ok(warm <= 0.3)}")
    print(f"  10 changed <= 0.5 s: {changed:.3f} s {_ok(changed <= 0.5)}")
    print(f"  10 changed, only they named <= 0.5 s: {named:.3f} s {_ok(named <= 0.5)}")


def _ok(passed: bool) -> str:
    return "ok" if passed else "MISSED"


def check_equal(outs: dict[str, list[tuple[str, str, str]]], generated: int) -> None:
    reference = outs["check cold"]
    for name, found in outs.items():
        assert found == reference, f"findings differ: {name} vs check cold"
    sites = sum(1 for f in reference if f[0] == "SS001" and f[1].startswith("app/"))
    assert sites == generated * SITES_PER_FILE, f"expected {generated * 2} SS001, got {sites}"
    print(f"  findings identical across {len(outs)} configurations ({len(reference)} findings)")


def check_partial(root: Path, full: list[str], partial: list[str]) -> None:
    """The pre-commit run reports the full run's findings in its files and in the docs."""
    everything = findings(run(full, root)[2])
    named = findings(run(partial, root)[2])
    expected = [f for f in everything if f[1] in CHANGED or not f[1].endswith(".py")]
    assert named == expected, "the pre-commit run differs from the full run on its files"
    print(f"  pre-commit run: the full run's {len(named)} findings on its files and docs")


if __name__ == "__main__":
    main()
