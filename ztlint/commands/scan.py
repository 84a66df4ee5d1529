"""`ztlint scan`: flags -> Config; engine.run (working tree, --staged or standard
input, with --baseline and --diff); a reporter; the exit code."""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from typing import Any

import click

from ztlint.commands.common import (
    SEVERITIES,
    PathCommand,
    cache_folder,
    checked_write,
    fail,
    run_scan,
    split,
    write,
)
from ztlint.commands.options import build_config, output_options, scan_options
from ztlint.config import Config, ConfigError
from ztlint.history import cli as history_cli
from ztlint.model import Severity
from ztlint.safeio import UnwritableError
from ztlint.terminal import announce_written, unwritable_folder, use_color

# What `--diff` holds when given without REF (only meaningful after --fix).
_FIX_PREVIEW = "\0fix-preview"


@click.command(cls=PathCommand)
@scan_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
    help="Output format; github writes workflow-command annotations.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES, case_sensitive=False),
    help="Lowest severity that makes the exit code 1 [default: low].",
)
@click.option(
    "--category", help="SARIF automationDetails category, for several analyses of one repository."
)
@click.option(
    "--sarif-suppressed",
    type=click.Choice(["keep", "omit"]),
    default="keep",
    show_default=True,
    help="Keep suppressed results in SARIF (with suppressions) or omit them.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when there are notifications (unparsable or skipped files).",
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour in text output; auto honours NO_COLOR, FORCE_COLOR and TERM=dumb.",
)
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(dir_okay=False),
    help="Report only findings not recorded in this baseline.",
)
@click.option(
    "--update-baseline",
    is_flag=True,
    help="With --baseline: rewrite it without the entries that no longer match.",
)
@click.option(
    "--diff",
    "diff_ref",
    metavar="REF",
    is_flag=False,
    flag_value=_FIX_PREVIEW,
    help="Report only findings on lines changed since git revision REF. With --fix and no "
    "REF: show the fixes as a unified diff and write nothing (as --fix-diff).",
)
@click.option(
    "--staged",
    is_flag=True,
    help="Scan the staged content of staged files (git index), not the working tree.",
)
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="With `-` as the path: read the file's content from standard input and scan it "
    "as PATH (its kind, place and config); the file on disk is not read.",
)
@output_options
@history_cli.history_options
def scan(**opts: Any) -> None:
    """Scan PATHS (files or folders; default: the current folder; `-`: standard input,
    with --stdin-filename)."""
    output = opts["output"]
    if opts["update_baseline"] and not opts["baseline_path"]:
        fail("--update-baseline needs --baseline FILE")
    if opts["diff_ref"] is not None and (opts.get("fix") or opts["diff_ref"] == _FIX_PREVIEW):
        # `--fix --diff` previews the fixes (ruff's spelling); a value click took for REF
        # there is a path to scan (`--fix --diff src/`).
        if not opts.get("fix"):
            fail("--diff needs a git revision REF (or --fix, to preview the fixes)")
        given = opts["diff_ref"]
        paths = opts["paths"] if given == _FIX_PREVIEW else (given, *opts["paths"])
        opts = {**opts, "fix": False, "fix_diff": True, "diff_ref": None, "paths": paths}
    fixing = opts.get("fix") or opts.get("fix_diff")
    if fixing and opts["staged"]:
        fail("--fix and --fix-diff fix the working tree; they cannot be used with --staged")
    if fixing and (opts.get("stdin_filename") or "-" in opts["paths"]):
        fail("--fix and --fix-diff fix files; they cannot be used with standard input")
    # Where the run will write, checked before the scan rather than after it.
    for target in (output, opts["baseline_path"] if opts["update_baseline"] else None):
        if target and (why := unwritable_folder(target)):
            fail(why)
    try:
        if opts["stdin_filename"] or "-" in opts["paths"]:
            from ztlint import buffer

            opts = buffer.stdin_opts(opts)
        # The baseline is scanned like any file: a real one raises nothing, and one in
        # the tree is the repository's to write (a credential in an extra key hid there).
        never = (output or "",)
        config = build_config(opts, never_scan=never)
        if fixing:
            from ztlint import fixer

            report = fixer.fix_and_rescan(opts, config, scan_report)
        else:
            report = scan_report(opts, config)
    except (ConfigError, UnwritableError) as exc:
        fail(str(exc))
        return
    text, _ = _render(report, opts)
    if output:
        write(output, text)
        shown = sum(1 for f in report.findings if f.active)
        announce_written(output, f"the {opts['fmt']} report", shown)
    else:
        # UTF-8 whatever the locale says (JSON and SARIF must be). As bytes, click leaves
        # colour codes alone; the text has them only when colour was asked for.
        click.echo(text.encode("utf-8"), nl=False)
    code = report.exit_code(strict=opts["strict"])
    sys.exit(0 if code == 1 and opts.get("exit_zero") else code)


def scan_report(opts: dict[str, Any], config: Config) -> Any:
    """Run the scan `opts` describe: working tree, --staged or standard input, with
    --baseline and --diff (engine.run applies them). Shared with the GitHub Action's
    script."""
    from ztlint.discovery import display_root

    if history_cli.wanted(opts):
        return history_cli.report(opts, config, cache_folder(opts))
    cwd = os.getcwd()
    baseline = _baseline(opts, cwd)
    if opts["staged"]:
        from ztlint import gitdiff
        from ztlint.buffer import relocated

        # The staged blobs are written under a temporary folder with their repository
        # paths, so report paths are relative to the top of the work tree.
        root = gitdiff.toplevel(cwd)
        diff = _diff(opts, config, root, cwd)
        with tempfile.TemporaryDirectory(prefix="ztlint-staged-") as tmp:
            staged = gitdiff.write_staged(cwd, tmp)
            moved = relocated(config, root, tmp)
            wanted = [
                os.path.relpath(os.path.realpath(p), root).replace(os.sep, "/")
                for p in opts["paths"]
            ]
            staged = [
                rel
                for rel in staged
                if not wanted
                or any(w == "." or rel == w or rel.startswith(w + "/") for w in wanted)
            ]
            nothing = not staged
            if nothing:  # nothing to scan: an empty folder still gives a full report
                staged = [tempfile.mkdtemp(dir=tmp)]
            report = run_scan(opts, moved, staged, tmp, baseline, diff)
            if nothing:  # no file in scope: no config exception could have matched
                report = _without_unused_exceptions(report)
    elif opts.get("stdin_place") is not None:
        from ztlint import buffer

        def run_copy(targets: list[str], moved: Config, where: str) -> Any:
            return run_scan(opts, moved, targets, where, baseline)

        report = buffer.scan_stdin(opts, config, run_copy, sys.stdin.buffer)
    else:
        root = display_root([os.path.join(cwd, p) for p in opts["paths"]] or [cwd], cwd)
        report = run_scan(opts, config, baseline=baseline, diff=_diff(opts, config, root, cwd))
    if opts["baseline_path"] and opts["update_baseline"]:
        from ztlint.post import baseline as baseline_mod

        checked_write(opts["baseline_path"], baseline_mod.dumps(report.baseline_kept))
    return report


def _baseline(opts: dict[str, Any], cwd: str) -> Any:
    """The baseline --baseline names, as a scan uses it (ztlint.post.baseline.Use)."""
    if not opts["baseline_path"]:
        return None
    from ztlint.post import baseline as baseline_mod

    loaded = baseline_mod.load(opts["baseline_path"])
    if opts["diff_ref"]:
        return baseline_mod.reviewed_at(loaded, opts["baseline_path"], opts["diff_ref"], cwd)
    return baseline_mod.Use(loaded)


def _diff(opts: dict[str, Any], applied: Config, root: str, cwd: str) -> Any:
    """What --diff REF asks of the scan (ztlint.post.diff.Diff), or None. `applied` is
    the config as read, before --staged moves it."""
    if not opts["diff_ref"]:
        return None
    from ztlint import gitdiff
    from ztlint.post.diff import Diff

    changes = gitdiff.changed_since(opts["diff_ref"], cwd)

    def weakenings(report: Any) -> Any:
        return _config_weakenings(opts, applied, report, root, cwd)

    return Diff(changes, root, weakenings)


def _without_unused_exceptions(report: Any) -> Any:
    from ztlint.notices import UNUSED_EXCEPTION

    notes = tuple(n for n in report.notifications if n.code != UNUSED_EXCEPTION)
    return dataclasses.replace(report, notifications=notes)


def _config_weakenings(
    opts: dict[str, Any], config: Config, report: Any, root: str, cwd: str
) -> Any:
    """config-weakens-scan, after every filter: the config it reports on cannot hide it."""
    from ztlint import configdiff

    scan = configdiff.DiffScan(
        ref=opts["diff_ref"],
        start=opts["paths"][0] if opts["paths"] else ".",
        explicit=bool(opts["config_path"]),
        select=split(opts["select"]),
        ignore=split(opts["ignore"]),
        fail_on=Severity.parse(opts["fail_on"]) if opts.get("fail_on") else None,
    )
    return configdiff.add_findings(report, config, scan, root, cwd)


def _render(report: Any, opts: dict[str, Any]) -> tuple[str, bool]:
    fmt = opts["fmt"]
    if fmt == "json":
        from ztlint.reporters import json as json_reporter

        return json_reporter.render(report), False
    if fmt == "sarif":
        from ztlint.reporters import sarif

        return sarif.render(
            report, category=opts["category"], omit_suppressed=opts["sarif_suppressed"] == "omit"
        ), False
    if fmt == "github":
        from ztlint.reporters import github

        return github.render(report), False
    from ztlint.reporters import text as text_reporter

    colored = use_color(opts["color"], opts["output"] is not None, sys.stdout.isatty(), os.environ)
    return text_reporter.render(report, color=colored, **_text_modes(opts)), colored


def _text_modes(opts: dict[str, Any]) -> dict[str, Any]:
    """The text report's mode options (--output-format, --statistics, -q, -v)."""
    return {
        "mode": opts.get("output_format") or "full",
        "statistics": bool(opts.get("statistics")),
        "quiet": bool(opts.get("quiet")),
        "verbose": bool(opts.get("verbose")),
    }
