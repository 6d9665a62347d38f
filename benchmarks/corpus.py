"""The development corpus: export public repositories with steering docs at pinned commits,
run ``steeringsync check`` on each and print findings per rule.

    python benchmarks/corpus.py export [--dest DIR] [--mirror-dir DIR]
    python benchmarks/corpus.py run [--dest DIR] [--out DIR] [-- extra check args]

``export`` writes each repository's tree at its pinned commit (``benchmarks/corpus.toml``)
to ``DEST/<owner>+<name>/`` (default ``benchmarks/.corpus``, git-ignored), regular files
only, with a ``.git`` whose ``HEAD`` is the pinned commit and which holds its whole
history, as a user's checkout does: rules that ask git (ignored files, renames) see what
they would see there (``--one-commit`` makes a ``.git`` of the pinned tree alone, the
older export). A bare mirror under ``--mirror-dir/<owner>+<name>/repo`` is used when
present, else the repository is fetched from GitHub. ``run`` checks every exported tree with
``--format json --no-cache`` and writes ``OUT/<owner>+<name>.json``; the hand-judged
verdicts in ``benchmarks/precision/`` refer to those findings.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
LIST = HERE / "corpus.toml"


def load_list() -> list[dict[str, object]]:
    with LIST.open("rb") as f:
        return list(tomllib.load(f)["repo"])


def slug(name: str) -> str:
    return name.replace("/", "+")


def _archive(git_dir: Path, commit: str, dest: Path) -> None:
    """Write the tree of ``commit`` under ``dest``: regular files only (a snapshot may lack
    blobs of 4 MiB and more, and links are not followed into or out of the corpus)."""
    git = ["git", f"--git-dir={git_dir}"]
    listing = subprocess.run(
        [*git, "ls-tree", "-r", "-z", commit], capture_output=True, check=True
    ).stdout
    entries = []
    for item in listing.split(b"\0"):
        if not item:
            continue
        meta, _, path = item.partition(b"\t")
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode in (b"100644", b"100755"):
            entries.append((sha, path.decode("utf-8", "surrogateescape"), mode == b"100755"))
    batch = subprocess.run(
        [*git, "cat-file", "--batch"],
        input=b"".join(sha + b"\n" for sha, _, _ in entries),
        capture_output=True,
        check=True,
    ).stdout
    pos = 0
    root = dest.resolve()
    for _sha, rel, executable in entries:
        end = batch.index(b"\n", pos)
        header = batch[pos:end].split()
        pos = end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        data = batch[pos : pos + size]
        pos += size + 1
        target = (root / rel).resolve()
        if not target.is_relative_to(root):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if executable:  # as a checkout has it (`git status` then shows no mode change)
            target.chmod(0o755)


def _clone(name: str, commit: str, into: Path, *, history: bool) -> Path:
    subprocess.run(["git", "init", "-q", "--bare", str(into)], check=True)
    url = f"https://github.com/{name}.git"
    depth = [] if history else ["--depth=1"]
    subprocess.run(["git", f"--git-dir={into}", "fetch", "-q", *depth, url, commit], check=True)
    return into


def _init_history(dest: Path, git_dir: Path, commit: str) -> None:
    """A ``.git`` holding the history of ``commit``, with ``HEAD`` (detached) and the index
    at it, over the tree ``_archive`` wrote, so ``git log`` sees the renames a user's
    clone sees. Nothing is checked out (the work tree stays the regular files written
    above) and git writes only inside ``dest/.git``."""
    dot_git = dest / ".git"
    # a local clone copies the object store as it is: a snapshot that lacks its largest
    # blobs cannot be fetched from (pack-objects fails on a missing object). Copied, not
    # hard-linked: the export shares no file with the mirror
    subprocess.run(
        ["git", "clone", "-q", "--bare", "--local", "--no-hardlinks", "--no-tags",
         str(git_dir.resolve()), str(dot_git)],
        check=True,
    )  # fmt: skip
    git = ["git", f"--git-dir={dot_git}", f"--work-tree={dest}"]
    subprocess.run([*git, "config", "core.bare", "false"], check=True)
    subprocess.run([*git, "remote", "remove", "origin"], check=False, capture_output=True)
    # no branch or tag of the mirror's later commits: history is what `HEAD` reaches
    refs = subprocess.run(
        [*git, "for-each-ref", "--format=%(refname)"], capture_output=True, text=True, check=True
    ).stdout.split()
    subprocess.run([*git, "update-ref", "--no-deref", "HEAD", commit], check=True)
    for ref in refs:
        subprocess.run([*git, "update-ref", "-d", ref], check=True)
    subprocess.run([*git, "read-tree", commit], check=True)


def _init_checkout(dest: Path, name: str, commit: str) -> None:
    """A one-commit git repository over the exported tree (rules may ask git)."""
    env_git = ["git", "-C", str(dest), "-c", "user.name=corpus", "-c", "user.email=corpus@invalid"]
    subprocess.run([*env_git, "init", "-q"], check=True)
    subprocess.run([*env_git, "add", "-A", "-f"], check=True)
    msg = f"{name}@{commit}"
    subprocess.run([*env_git, "commit", "-q", "--no-verify", "-m", msg], check=True)


def export(dest: Path, mirror_dir: Path | None, *, history: bool = True) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for entry in load_list():
        name, commit = str(entry["name"]), str(entry["commit"])
        target = dest / slug(name)
        stamp = target / ".corpus-commit"
        want = commit + ("" if history else " one-commit")
        if stamp.is_file() and stamp.read_text().strip() == want:
            continue
        if target.exists():
            shutil.rmtree(target)
        target.mkdir()
        mirror = mirror_dir / slug(name) / "repo" if mirror_dir else None
        with tempfile.TemporaryDirectory() as tmp:
            if mirror is not None and mirror.is_dir():
                git_dir = mirror
            else:
                git_dir = _clone(name, commit, Path(tmp) / "g", history=history)
            _archive(git_dir, commit, target)
            if history:
                _init_history(target, git_dir, commit)
        if not history:
            _init_checkout(target, name, commit)
        stamp.write_text(want + "\n")
        print(f"exported {name} @ {commit[:10]}", file=sys.stderr)


def run(dest: Path, out: Path, extra: list[str]) -> int:
    out.mkdir(parents=True, exist_ok=True)
    per_rule: collections.Counter[str] = collections.Counter()
    rows = []
    for entry in load_list():
        name = str(entry["name"])
        tree = dest / slug(name)
        if not tree.is_dir():
            print(f"missing {tree}: run export first", file=sys.stderr)
            return 2
        cmd = [sys.executable, "-m", "steeringsync", "check", "--format", "json", "--no-cache"]
        started = time.perf_counter()
        proc = subprocess.run([*cmd, *extra, "."], cwd=tree, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        (out / f"{slug(name)}.json").write_text(proc.stdout)
        try:
            findings = json.loads(proc.stdout)
        except json.JSONDecodeError:
            findings = []
            print(f"{name}: exit {proc.returncode}: {proc.stderr.strip()[:300]}", file=sys.stderr)
        codes = collections.Counter(f["code"] for f in findings if not f.get("suppressed"))
        per_rule.update(codes)
        rows.append((name, proc.returncode, len(findings), elapsed))
    print("| repository | exit | findings | seconds |\n|---|---:|---:|---:|")
    for name, rc, n, secs in rows:
        print(f"| {name} | {rc} | {n} | {secs:.2f} |")
    print("\n| rule | findings |\n|---|---:|")
    for code, n in sorted(per_rule.items()):
        print(f"| {code} | {n} |")
    print(f"\n{sum(per_rule.values())} findings in {len(rows)} repositories")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    exp = sub.add_parser("export")
    exp.add_argument("--dest", type=Path, default=HERE / ".corpus")
    exp.add_argument("--mirror-dir", type=Path)
    exp.add_argument(
        "--one-commit",
        action="store_true",
        help="a .git of the pinned tree alone (no history: git renames are not seen)",
    )
    r = sub.add_parser("run")
    r.add_argument("--dest", type=Path, default=HERE / ".corpus")
    r.add_argument("--out", type=Path, default=HERE / ".corpus-results")
    r.add_argument("extra", nargs="*", help="more `check` arguments, after --")
    args = parser.parse_args(argv)
    if args.cmd == "export":
        export(args.dest, args.mirror_dir, history=not args.one_commit)
        return 0
    return run(args.dest, args.out, args.extra)


if __name__ == "__main__":
    sys.exit(main())
