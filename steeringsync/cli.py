"""The command line: a thin layer over :mod:`steeringsync.api` that owns output and exit codes."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from steeringsync import __version__, api
from steeringsync import config as config_mod
from steeringsync.errors import SteeringSyncError, UsageError
from steeringsync.project import Project
from steeringsync.reporters import make_reporter
from steeringsync.reporters.escaping import clean_block, clean_text, safe_line
from steeringsync.rules import ALL_RULES, RULES_BY_CODE, build_rules
from steeringsync.types import ExitCode, Finding, OutputFormat

if TYPE_CHECKING:
    from steeringsync.drift.sync import SyncReport


def _patch_text(text: str) -> str:
    """A diff as printed: exact bytes into a pipe (``| git apply`` needs them, a BOM or a
    control character included), escaped on a terminal, where a person reads it."""
    isatty = getattr(sys.stdout, "isatty", None)
    return clean_block(text) if isatty is not None and isatty() else text


def _say(text: str, *, err: bool = False) -> None:
    """Print one line that may hold repository text (a path, a value), escaped."""
    click.echo(safe_line(clean_text(text)), err=err)


def _paths(paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """Refuse a path that reads as an option: pre-commit appends the names of committed
    files, and one named ``--exit-zero`` must not switch the check off."""
    for path in paths:
        if str(path).startswith("-"):
            raise UsageError(
                f"path {clean_text(str(path))!r} starts with '-'; "
                f"name it ./{clean_text(str(path))} if it really is a file"
            )
    return paths


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--select SS001,SS3 --select SS9`` -> ("SS001", "SS3", "SS9")."""
    codes = tuple(c.strip().upper() for v in values for c in v.split(",") if c.strip())
    for code in codes:
        if not code.isalnum() or not code[:1].isalpha():
            raise UsageError(f"{code!r} is not a rule code or prefix (e.g. SS001, SS3)")
    return codes


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="steeringsync")
def cli() -> None:
    """Keep Kiro steering docs (.kiro/steering) and Python code in sync."""


def _use_color(stream: TextIO) -> bool:
    """Colour on a terminal unless NO_COLOR is set (no-color.org); FORCE_COLOR forces it."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--output-format",
    "--format",
    "output_format",
    type=click.Choice([f.value for f in OutputFormat]),
    default=OutputFormat.TEXT.value,
    show_default=True,
    help="Output format: text (grouped by file), concise, full (with source), json, sarif, "
    "github, gitlab (Code Quality), junit.",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--select", multiple=True, help="Only these rule codes or prefixes (comma-separated; ALL)."
)
@click.option(
    "--extend-select", multiple=True, help="Add these codes or prefixes to the selection."
)
@click.option(
    "--ignore", multiple=True, help="Skip these rule codes or prefixes (comma-separated)."
)
@click.option("--extend-exclude", multiple=True, help="Also exclude these globs.")
@click.option("--statistics", is_flag=True, help="Show counts per rule (suppressed ones too).")
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="pyproject.toml or steeringsync.toml to use instead of the discovered one.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--exit-non-zero-on-fix", is_flag=True, help="Exit 1 when --fix rewrote a file, even if clean."
)
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option("--no-prefilter", is_flag=True, hidden=True, help="Parse every file (testing).")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes for parsing (default: one per CPU; small runs stay in-process).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="STEERINGSYNC_CACHE_DIR",
    help="Where to keep the result cache (default: the per-user cache folder; "
    "env STEERINGSYNC_CACHE_DIR).",
)
@click.option("--fix", is_flag=True, help="Apply safe fixes, then report what remains.")
@click.option("--fix-only", is_flag=True, help="Apply safe fixes; report nothing else.")
@click.option("--show-fixes", is_flag=True, help="List what --fix changed, per file and rule.")
@click.option("--diff", is_flag=True, help="Print the diff --fix would apply; write nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix/--diff, apply unsafe fixes too.")
@click.option(
    "--add-noqa", is_flag=True, help="Add a noqa comment to every finding's line (adoption)."
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Record today's findings in this file; later runs with --baseline skip them.",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Report only findings not recorded in this baseline file.",
)
@click.option(
    "--stdin-filename",
    type=click.Path(path_type=Path),
    help="Check standard input as the contents of this file (for editors).",
)
@click.option(
    "--show-settings", is_flag=True, help="Print the resolved settings and rules, then exit."
)
def check(
    paths: tuple[Path, ...],
    output_format: str,
    output_file: Path | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    statistics: bool,
    config_file: Path | None,
    exit_zero: bool,
    exit_non_zero_on_fix: bool,
    quiet: bool,
    no_prefilter: bool,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    fix: bool,
    fix_only: bool,
    show_fixes: bool,
    diff: bool,
    unsafe_fixes: bool,
    add_noqa: bool,
    write_baseline: Path | None,
    baseline_file: Path | None,
    stdin_filename: Path | None,
    show_settings: bool,
) -> int:
    """Check Python files under PATHS (default: .) and the project's steering docs."""
    paths = _paths(paths) or (Path("."),)
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"{clean_text(str(path))}: no such file or directory")
    if config_file is not None and not config_file.is_file():
        raise UsageError(f"{clean_text(str(config_file))}: no such configuration file")
    if baseline_file is not None and not baseline_file.is_file():
        raise UsageError(f"{clean_text(str(baseline_file))}: no such baseline file")
    exclusive = [n for n, on in (("--fix", fix or fix_only), ("--diff", diff),
                                 ("--add-noqa", add_noqa)) if on]  # fmt: skip
    if len(exclusive) > 1:
        raise UsageError(f"{' and '.join(exclusive)} cannot be combined")
    if stdin_filename is not None and (exclusive or write_baseline):
        raise UsageError("--stdin-filename only checks; it cannot fix or write a baseline")
    start = stdin_filename.parent if stdin_filename is not None else paths[0]
    if not start.exists():
        start = Path(".")
    base = cache_dir.absolute() if cache_dir is not None else None
    project = Project.discover(start, config_file, cache=not no_cache, cache_base=base)
    if extend_exclude:
        extra = (*project.config.extend_exclude, *extend_exclude)
        project.config = config_mod.with_overrides(project.config, extend_exclude=extra)
    options = api.CheckOptions(
        paths=paths,
        select=_codes(select) or None,
        extend_select=_codes(extend_select),
        ignore=_codes(ignore),
        prefilter=not no_prefilter,
        jobs=jobs,
        cache=not no_cache,
        fix=fix or fix_only,
        diff=diff,
        unsafe_fixes=unsafe_fixes,
        baseline=baseline_file if write_baseline is None else None,
    )
    if show_settings:
        _show_settings(project, options)
        return ExitCode.CLEAN
    if stdin_filename is not None:
        path = stdin_filename if stdin_filename.is_absolute() else Path.cwd() / stdin_filename
        report = api.check_source(project, options, path, sys.stdin.buffer.read())
    else:
        report = api.check(project, options)
    for notice in report.notices:
        _say(f"note: {notice}", err=True)
    if diff:  # like ruff: the diff is the output; exit 1 when there is a change
        for text in report.diffs:
            click.echo(_patch_text(text), nl=False)
        changes = len(report.diffs)
        click.echo(f"Would fix {changes} file{'s' if changes != 1 else ''}.", err=True)
        return ExitCode.FINDINGS if report.diffs else ExitCode.CLEAN
    if write_baseline is not None:
        count = api.write_baseline(project, report, write_baseline)
        click.echo(f"Wrote {count} finding(s) to the baseline {write_baseline}.", err=True)
        return ExitCode.CLEAN
    if add_noqa:
        from steeringsync.fix.noqa_edits import add_noqa as add

        added, files = add(project, report.active)
        click.echo(f"Added {added} noqa comment(s) to {len(files)} file(s).", err=True)
        return ExitCode.CLEAN
    fmt = OutputFormat(output_format)
    _write_report(report, output_file, fmt, quiet=quiet or fix_only, statistics=statistics,
                  show_fixes=show_fixes or fix_only, fix_only=fix_only)  # fmt: skip
    if exit_non_zero_on_fix and report.fixed_files:
        return ExitCode.FINDINGS
    if report.active and not (exit_zero or fix_only):
        return ExitCode.FINDINGS
    return ExitCode.CLEAN


def _write_report(
    report: api.CheckReport,
    output_file: Path | None,
    fmt: OutputFormat,
    *,
    quiet: bool,
    statistics: bool,
    show_fixes: bool,
    fix_only: bool,
) -> None:
    stream: TextIO
    if output_file is None:
        stream = sys.stdout
    else:
        try:
            stream = output_file.open("w", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{output_file}: cannot write: {exc.strerror or exc}") from None
    try:
        if statistics:
            _print_statistics(report, fmt, stream)
        elif fix_only:
            if report.fixes:
                from steeringsync.reporters.summary import write_fixes

                write_fixes(make_reporter(fmt, stream), report)
        else:
            reporter = make_reporter(
                fmt, stream, quiet=quiet, color=_use_color(stream), show_fixes=show_fixes
            )
            reporter.report(report)
    finally:
        if output_file is not None:
            stream.close()


def _show_settings(project: Project, options: api.CheckOptions) -> None:
    """What this run would use: roots, configuration, docs and rules (like ruff's)."""
    config = project.config
    out = [
        f"Project root: {project.root}",
        f"Configuration root: {project.config_root}",
        f"Configuration: {config.source or '(defaults)'}",
        f"Steering directory: {project.steering_dir}",
        "Steering docs:",
        *(f"  {project.relative(p)}" for p in project.doc_paths),
        "Settings:",
    ]
    for f in dataclasses.fields(config):
        if f.name != "source":
            out.append(f"  {f.name.replace('_', '-')} = {getattr(config, f.name)!r}")
    out.append("Enabled rules:")
    out.extend(f"  {r.code}  {r.name}" for r in api.enabled_rules(project, options))
    click.echo("\n".join(clean_text(line) for line in out))


def _print_statistics(report: api.CheckReport, fmt: OutputFormat, stream: TextIO) -> None:
    rows = report.statistics()
    names = {r.code: r for r in report.rules}
    if fmt is OutputFormat.JSON:
        import json

        items = [
            {
                "code": code,
                "name": names[code].name if code in names else "",
                "count": count,
                "suppressed": suppressed,
            }
            for code, count, suppressed in rows
        ]
        stream.write(json.dumps(items, indent=2, ensure_ascii=True) + "\n")
        return
    for code, count, suppressed in rows:
        name = names[code].name if code in names else ""
        extra = f" ({suppressed} suppressed)" if suppressed else ""
        stream.write(safe_line(clean_text(f"{count:>6}  {code}  {name}{extra}")) + "\n")


@cli.command("sync")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--check", "check_only", is_flag=True, help="Write nothing; exit 1 if a value would change."
)
@click.option("--diff", is_flag=True, help="Print the changes as a diff instead of writing them.")
@click.option(
    "--from",
    "source",
    nargs=2,
    type=(click.Choice(["env-file"]), click.Path(path_type=Path)),
    default=None,
    metavar="env-file PATH",
    help="Take the values from this env file instead of the code's defaults.",
)
@click.option(
    "--allow-secrets",
    is_flag=True,
    help="With --from, also write values that look like secrets into the docs.",
)
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False))
def sync_command(
    path: Path | None,
    check_only: bool,
    diff: bool,
    source: tuple[str, Path] | None,
    allow_secrets: bool,
    config_file: Path | None,
) -> int:
    """Rewrite the settings documented in the steering docs to the code's defaults, and
    paths that moved (SS306/SS307) to their one new location.

    Exit 0 when nothing is (or was) out of date; with --check or --diff, exit 1 when
    something would change.
    """
    from steeringsync.drift import sync as drift_sync  # only `sync` needs it
    from steeringsync.drift.secrets import mask

    start = path or Path(".")
    if path is not None:
        _paths((path,))
    if not start.exists():
        raise UsageError(f"{clean_text(str(start))}: no such file or directory")
    if config_file is not None and not config_file.is_file():
        raise UsageError(f"{clean_text(str(config_file))}: no such configuration file")
    env_file = source[1] if source else None
    if env_file is not None and not env_file.is_file():
        raise UsageError(f"{clean_text(str(env_file))}: no such env file")
    project = Project.discover(start, config_file)
    dry = check_only or diff
    report = drift_sync.sync(project, env_file, write=not dry, allow_secrets=allow_secrets)
    for note in (*project.notices, *report.notes):
        _say(f"note: {note}", err=True)
    if diff:
        for text in report.diffs:
            click.echo(_patch_text(text), nl=False)
    else:
        for change in report.changes:
            old, new = (mask(change.key, v) for v in (change.old, change.new))
            verb = "would change" if dry else "changed"
            what = "path" if change.key == "path" else f"`{change.key}`"
            _say(
                f"{project.relative(change.path)}:{change.line}: {verb} "
                f"{what} from `{old}` to `{new}`"
            )
    # what `check` would still call drift (SS201) once these changes are made: sync and
    # check must agree, so a drift sync cannot settle is reported and fails --check
    remaining = [] if env_file is not None else _unsettled(project, start, config_file, report)
    for finding in remaining:
        click.echo(
            f"{project.relative(finding.path)}:{finding.location.line}: sync cannot settle: "
            f"{clean_text(finding.message)}",
            err=True,
        )
    if not report.changes and not remaining:
        click.echo("Nothing to sync.", err=True)
        return ExitCode.CLEAN
    if not report.changes:
        click.echo(f"Nothing sync can change; {len(remaining)} drift finding(s) remain.", err=True)
        return ExitCode.FINDINGS
    if dry:
        return ExitCode.FINDINGS
    click.echo(
        f"Updated {len(report.changes)} value(s) or path(s) in {len(report.written)} doc(s).",
        err=True,
    )
    return ExitCode.FINDINGS if remaining else ExitCode.CLEAN


def _unsettled(
    project: Project, start: Path, config_file: Path | None, report: SyncReport
) -> list[Finding]:
    """The SS201 findings ``check`` reports once the sync's changes are made."""
    after = Project.discover(start, config_file) if report.written else project
    dry = not report.written
    changing = {(c.path, c.line) for c in report.changes} if dry else set()
    found = api.check(after, api.CheckOptions(select=("SS201",), cache=False)).active
    return [f for f in found if (f.path, f.location.line) not in changing]


@cli.command("rules")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False))
def list_rules(config_file: Path | None) -> int:
    """List every rule: code, name, fixable, summary (doc-declared rules too)."""
    project = Project.discover(Path("."), config_file)
    for rule in build_rules(project):
        fix = "fix" if rule.fix_applicability.value != "none" else "   "
        origin = f"  (declared in {project.relative(rule.origin)})" if rule.origin else ""
        _say(f"{rule.code}  {rule.name:<32} {fix}  {rule.summary}{origin}")
    return ExitCode.CLEAN


@cli.command("rule")
@click.argument("code")
def show_rule(code: str) -> int:
    """Print a rule's documentation."""
    code = code.upper()
    rule = RULES_BY_CODE.get(code)
    if rule is None:
        project = Project.discover(Path("."))
        declared = {r.code: r for r in build_rules(project)}
        if code not in declared:
            known = ", ".join(r.code for r in ALL_RULES)
            raise UsageError(f"unknown rule {clean_text(code)!r} (known: {known})")
        rule_doc = f"# {code} ({declared[code].name})\n\n{declared[code].documentation()}"
        click.echo(clean_block(rule_doc))
        return ExitCode.CLEAN
    click.echo(f"# {rule.code} ({rule.name})\n\n{rule.documentation()}")
    return ExitCode.CLEAN


@cli.command("init")
@click.argument("path", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Replace the config table and hook if present.")
@click.option("--no-config", is_flag=True, help="Leave [tool.steeringsync] out.")
@click.option("--no-pre-commit", is_flag=True, help="Leave .pre-commit-config.yaml out.")
@click.option("--no-kiro-hook", is_flag=True, help="Leave the Kiro agent hook out.")
def init_command(
    path: Path | None, force: bool, no_config: bool, no_pre_commit: bool, no_kiro_hook: bool
) -> int:
    """Scaffold the configuration, a pre-commit entry and a Kiro agent hook; safe to re-run."""
    from steeringsync.discovery import find_root
    from steeringsync.scaffold import InitOptions, init

    start = path or Path(".")
    if not start.is_dir():
        raise UsageError(f"{start}: no such directory")
    root = find_root(start)
    options = InitOptions(
        config=not no_config, pre_commit=not no_pre_commit, kiro_hook=not no_kiro_hook, force=force
    )
    for step in init(root, options):
        detail = f": {step.detail}" if step.detail else ""
        click.echo(f"{step.outcome:>11}  {step.path}{detail}")
    return ExitCode.CLEAN


@cli.command("server")
def server_command() -> int:
    """Run the language server on stdin/stdout (for editors; needs the `server` extra)."""
    try:
        from steeringsync.server.protocol import serve
    except ImportError as exc:  # pygls is an optional dependency
        raise UsageError(
            f"the language server needs pygls ({exc}); install steeringsync[server]"
        ) from None
    serve()
    return ExitCode.CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code; never lets a traceback reach the user."""
    try:
        result = cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except click.exceptions.Exit as exc:  # --help, --version
        return int(exc.exit_code)
    except click.ClickException as exc:  # its message may quote a path: escaped
        ctx = getattr(exc, "ctx", None)
        if ctx is not None and isinstance(exc, click.UsageError):
            click.echo(ctx.get_usage(), err=True)
        _say(f"Error: {exc.format_message()}", err=True)
        return ExitCode.ERROR
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return ExitCode.ERROR
    except SteeringSyncError as exc:
        _say(f"steeringsync: error: {exc}", err=True)
        return ExitCode.ERROR
    except KeyboardInterrupt:
        return ExitCode.ERROR
    except Exception as exc:  # an internal error: a bug, reported briefly
        _say(f"steeringsync: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("Please report this with the command you ran.", err=True)
        return ExitCode.INTERNAL
    return int(result) if isinstance(result, int) else ExitCode.CLEAN
