"""The command line: flags in, engine.run(), a reporter out, an exit code.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import click

from ztlint import __version__
from ztlint.config import (
    MIN_CONFIDENCE_CHOICES,
    Config,
    ConfigError,
    config_tree,
    find_config,
    load_file,
    parse_min_confidence,
    parse_size,
    scan_tree,
)
from ztlint.globs import InvalidGlob, check_globs
from ztlint.history import cli as history_cli
from ztlint.model import Severity
from ztlint.safeio import UnwritableError, linked_folder, write_text
from ztlint.terminal import Interruptible, announce_written, unwritable_folder, use_color

SEVERITIES = [s.label for s in reversed(Severity)]
F = Callable[..., Any]


# What `--diff` holds when given without REF (only meaningful after --fix).
_FIX_PREVIEW = "\0fix-preview"


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


class _Progress:
    """A one-line counter on stderr, only on a terminal and only for long scans."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < 200:
            return
        now = time.monotonic()
        if now - self.last < 0.1 and done != total:
            return
        self.last = now
        self.shown = True
        sys.stderr.write(f"\rztlint: scanned {done}/{total} files")
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _fail(message: str) -> None:
    # The message may quote the scanned repository (a config key, a path): shown safe.
    from ztlint.reporters.safe_text import shown

    click.echo(f"ztlint: error: {shown(message)}", err=True)
    sys.exit(2)


def _write(path: str, text: str) -> None:
    """Write an output file without following a link planted at `path`; exit 2 when
    it cannot be written."""
    try:
        _checked_write(path, text)
    except UnwritableError as exc:
        _fail(str(exc))


def _checked_write(path: str, text: str) -> None:
    """write_text, refused when a folder on the way below the working folder is a link
    the scanned tree may have planted (`reports -> /home/runner`), as the Action
    refuses for its SARIF."""
    link = linked_folder(path, os.getcwd())
    if link:
        raise UnwritableError(f"cannot write {path}: {link} is a symbolic link")
    write_text(path, text)


# --- options shared by scan and baseline --------------------------------------------


def scan_options(func: F) -> F:
    options = [
        click.argument("paths", nargs=-1, type=click.Path(exists=True, allow_dash=True)),
        click.option(
            "--config",
            "config_path",
            type=click.Path(exists=True, dir_okay=False),
            help="Configuration file (.ztlint.yaml or pyproject.toml).",
        ),
        click.option(
            "--select",
            multiple=True,
            help="Only these rules: ids, names or families such as ZT3 (comma-separated, repeatable).",
        ),
        click.option(
            "--ignore",
            multiple=True,
            help="Skip these rules: ids, names or families (comma-separated, repeatable).",
        ),
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=1),
            help="Worker processes [default: CPU count; small scans run in process].",
        ),
        click.option("--exclude", multiple=True, help="Extra path globs to skip (repeatable)."),
        click.option(
            "--max-file-size",
            help="Skip files larger than this (bytes, or e.g. 4MiB) [default: 2MiB].",
        ),
        click.option(
            "--file-timeout",
            type=click.FloatRange(min=0),
            metavar="SECONDS",
            help="Give up on a file that takes longer, with a notification (0: no limit) "
            "[default: 60].",
        ),
        click.option(
            "--allow-unchecked",
            is_flag=True,
            help="Do not fail the run for files a budget left unchecked (timed out, too "
            "large to parse).",
        ),
        click.option(
            "--min-confidence",
            type=click.Choice(MIN_CONFIDENCE_CHOICES, case_sensitive=False),
            help="Show findings of at least this confidence; `pedantic` shows everything, "
            "including gated modes and guesses the default hides [default: high].",
        ),
        click.option(
            "--include-nonproduction",
            "--include-tests",
            "include_tests",
            is_flag=True,
            help="Check test, example and docs files with every rule too and report their "
            "findings at level note (--include-tests is an alias).",
        ),
        click.option(
            "--semgrep",
            "semgrep_configs",
            multiple=True,
            metavar="CONFIG",
            help="Also run semgrep with this local rule file or folder, or `builtin` for "
            "ztlint's taint rules (repeatable; semgrep must be installed separately).",
        ),
        click.option(
            "--rules",
            "rules_dirs",
            multiple=True,
            metavar="DIR",
            type=click.Path(exists=True, file_okay=False),
            help="Also run the declarative rules in DIR (a rule folder such as "
            "ACME001-name/, or a folder of them; repeatable). Never Python: see "
            "README 'Your own rules'.",
        ),
        click.option(
            "--semgrep-bin",
            metavar="PATH",
            help="The semgrep executable [default: semgrep on PATH].",
        ),
        click.option(
            "--cache/--no-cache",
            default=None,
            help="Reuse results for unchanged files from the user's cache folder "
            "($ZTLINT_CACHE_DIR, else the platform's, e.g. ~/.cache/ztlint) [default: on; "
            "off when CI is set].",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def output_options(func: F) -> F:
    """`scan`'s options for the text report's shape, the exit code and --fix."""
    options = [
        click.option(
            "--output-format",
            type=click.Choice(["full", "concise", "grouped"]),
            help="Shape of the text report: full (source line, help and docs link per "
            "finding), concise (one line each) or grouped (by rule) [default: full].",
        ),
        click.option(
            "--statistics",
            is_flag=True,
            help="Text report: counts per rule instead of the findings.",
        ),
        click.option("-q", "--quiet", is_flag=True, help="Text report: only the verdict line."),
        click.option(
            "-v",
            "--verbose",
            is_flag=True,
            help="Text report: every notification, not grouped by kind.",
        ),
        click.option(
            "--exit-zero",
            is_flag=True,
            help="Exit 0 even when findings reach --fail-on (errors still exit 2).",
        ),
        click.option(
            "--fix",
            is_flag=True,
            help="Apply the fixes rules compute to the files they report on, then scan again "
            "and report what remains.",
        ),
        click.option(
            "--fix-diff",
            is_flag=True,
            help="Show the fixes --fix would apply as a unified diff; write nothing (exit 1 "
            "when there is one).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def build_config(opts: dict[str, Any], never_scan: tuple[str, ...] = ()) -> Config:
    """The configuration for a scan: the config file, then the command-line options
    (`opts` as click parses `scan`; the GitHub Action builds the same)."""
    paths: tuple[str, ...] = opts["paths"]
    if "-" in paths:
        raise ConfigError(
            "reading standard input (`-`) needs `ztlint scan - --stdin-filename PATH`"
        )
    config = _file_config(opts["config_path"], paths or (".",))
    overrides: dict[str, Any] = {}
    # Values from flags are blamed on the flag, not the config file (configlines.where).
    flags: list[tuple[str, str]] = []
    if opts["select"]:
        overrides["select"] = _split(opts["select"])
        flags.append(("select", "--select"))
    if opts["ignore"]:
        overrides["ignore"] = config.ignore + _split(opts["ignore"])
        flags.extend((f"ignore={v}", "--ignore") for v in _split(opts["ignore"]))
    if flags:
        overrides["origins"] = config.origins + tuple(flags)
    if opts.get("fail_on"):
        overrides["fail_on"] = Severity.parse(opts["fail_on"])
    try:
        check_globs("--exclude", opts["exclude"])
    except InvalidGlob as bad:
        raise ConfigError(str(bad)) from None
    excludes = tuple(opts["exclude"]) + _exact_globs(never_scan, paths)
    if excludes:
        overrides["exclude"] = config.exclude + excludes
    if opts["max_file_size"]:
        overrides["max_file_size"] = parse_size("--max-file-size", opts["max_file_size"])
    if opts.get("file_timeout") is not None:
        overrides["file_timeout"] = opts["file_timeout"]
    if opts.get("allow_unchecked"):
        overrides["allow_unchecked"] = True
    if opts.get("min_confidence"):
        overrides["min_confidence"] = parse_min_confidence(opts["min_confidence"])
    if opts["include_tests"] and config.tests == "ignore":
        overrides["tests"] = "report"
    if opts.get("semgrep_configs"):
        cwd = os.getcwd()
        added = tuple((c, cwd) for c in opts["semgrep_configs"])
        overrides["semgrep_configs"] = tuple(dict.fromkeys(config.semgrep_configs + added))
    if opts.get("semgrep_bin"):
        overrides["semgrep_bin"] = opts["semgrep_bin"]
    if opts.get("rules_dirs"):
        # A folder inside a scanned tree is the repository's: it may not quote values.
        from ztlint.userrules import tree_holding

        trees = tuple(dict.fromkeys(scan_tree(p) for p in paths or (".",)))
        added_dirs = tuple((os.path.abspath(d), tree_holding(d, trees)) for d in opts["rules_dirs"])
        overrides["rules_dirs"] = config.rules_dirs + added_dirs
    return dataclasses.replace(config, **overrides)


def _exact_globs(files: tuple[str, ...], paths: tuple[str, ...]) -> tuple[str, ...]:
    """Exclude globs that match exactly `files` (the report, the baseline) and nothing
    else: anchored at the report root and with glob characters quoted. A bare name
    would skip every file of that name in the tree (a key named
    `keys/.ztlint-baseline.json` was never scanned)."""
    from ztlint.discovery import display_root

    cwd = os.getcwd()
    root = display_root([os.path.join(cwd, p) for p in paths] or [cwd], cwd)
    out = []
    for path in files:
        if not path:
            continue
        full = os.path.join(
            os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path)
        )
        rel = os.path.relpath(full, root).replace(os.sep, "/")
        if rel != ".." and not rel.startswith("../"):
            out.append("/" + "".join("\\" + c if c in "*?[\\" else c for c in rel))
    return tuple(out)


def _file_config(explicit: str | None, paths: tuple[str, ...]) -> Config:
    """The config file's configuration, trusted or not (ztlint.config): a --config
    file inside a scanned tree, or one the lookup finds, is read as data only."""
    if explicit:
        trees = tuple(dict.fromkeys(scan_tree(p) for p in paths))
        return load_file(explicit, config_tree(explicit, trees))
    start = next((p for p in paths if not _linked_out(p)), ".")
    tree = scan_tree(start)
    found = find_config(start, tree)
    return load_file(found, tree) if found else Config()


def _linked_out(path: str) -> bool:
    """A path named below the working folder whose real path a link sends outside it
    (`deploy/app` with `deploy -> /elsewhere`): discovery does not read it, and the
    config lookup does not start there either."""
    from ztlint.gitrun import inside

    cwd = os.path.abspath(os.getcwd())
    named = os.path.normpath(os.path.join(cwd, path))
    return inside(named, cwd) and not inside(os.path.realpath(named), os.path.realpath(cwd))


def _cache_dir(opts: dict[str, Any]) -> Any:
    from ztlint import cache

    use_cache = opts.get("cache")
    if use_cache is None:
        use_cache = cache.enabled_by_default()
    return cache.default_dir() if use_cache else None


def _run(
    opts: dict[str, Any],
    config: Config,
    targets: list[str] | None = None,
    cwd: str | None = None,
    marker_added: Any = None,
) -> Any:
    from ztlint import engine

    progress = _Progress()
    try:
        from ztlint import cache

        use_cache = opts.get("cache")
        if use_cache is None:
            use_cache = cache.enabled_by_default()
        return engine.run(
            targets or list(opts["paths"]) or ["."],
            config,
            jobs=opts["jobs"],
            progress=progress,
            cwd=cwd,
            cache_dir=cache.default_dir() if use_cache else None,
            marker_added=marker_added,
        )
    finally:
        progress.close()


# --- commands ---------------------------------------------------------------------


class PathCommand(click.Command):
    """A command that takes file names after its options. pre-commit appends the
    staged file names to the hook's arguments with no `--` before them, so a file in
    the repository named `--ignore=ALL` or `--semgrep-bin=sh` would be read as an
    option. An argument before `--` that looks like an option and names an existing
    file is refused (exit 2): the run fails visibly rather than obey a file name."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for arg in args:
            if arg == "--" and not os.path.lexists(arg):
                break  # a file named `--` would end the options and go unscanned itself
            if arg.startswith("-") and arg != "-" and os.path.lexists(arg):
                raise click.UsageError(
                    f"{_shown(arg)} is both an option and a file here; a file name is "
                    f"never taken as an option: pass files after `--` or as ./{_shown(arg)}",
                    ctx,
                )
        return super().parse_args(ctx, args)


def _shown(text: str) -> str:
    from ztlint.gitrun import safe_text

    return safe_text(text)


@click.group(cls=Interruptible, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="ztlint")
def main() -> None:
    """ztlint: a static security linter for zero-trust systems."""


@main.command(cls=PathCommand)
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
        _fail("--update-baseline needs --baseline FILE")
    if opts["diff_ref"] is not None and (opts.get("fix") or opts["diff_ref"] == _FIX_PREVIEW):
        # `--fix --diff` previews the fixes (ruff's spelling); a value click took for REF
        # there is a path to scan (`--fix --diff src/`).
        if not opts.get("fix"):
            _fail("--diff needs a git revision REF (or --fix, to preview the fixes)")
        given = opts["diff_ref"]
        paths = opts["paths"] if given == _FIX_PREVIEW else (given, *opts["paths"])
        opts = {**opts, "fix": False, "fix_diff": True, "diff_ref": None, "paths": paths}
    fixing = opts.get("fix") or opts.get("fix_diff")
    if fixing and opts["staged"]:
        _fail("--fix and --fix-diff fix the working tree; they cannot be used with --staged")
    if fixing and (opts.get("stdin_filename") or "-" in opts["paths"]):
        _fail("--fix and --fix-diff fix files; they cannot be used with standard input")
    # Where the run will write, checked before the scan rather than after it.
    for target in (output, opts["baseline_path"] if opts["update_baseline"] else None):
        if target and (why := unwritable_folder(target)):
            _fail(why)
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
        _fail(str(exc))
        return
    text, _ = _render(report, opts)
    if output:
        _write(output, text)
        shown = sum(1 for f in report.findings if f.active)
        announce_written(output, f"the {opts['fmt']} report", shown)
    else:
        # UTF-8 whatever the locale says (JSON and SARIF must be). As bytes, click leaves
        # colour codes alone; the text has them only when colour was asked for.
        click.echo(text.encode("utf-8"), nl=False)
    code = report.exit_code(strict=opts["strict"])
    sys.exit(0 if code == 1 and opts.get("exit_zero") else code)


def scan_report(opts: dict[str, Any], config: Config) -> Any:
    """Run the scan `opts` describe: working tree or --staged, then --diff and
    --baseline filtering. Shared with the GitHub Action's script."""
    from ztlint import baseline as baseline_mod
    from ztlint import gitdiff
    from ztlint.discovery import display_root

    if history_cli.wanted(opts):
        return history_cli.report(opts, config, _cache_dir(opts))
    cwd = os.getcwd()
    applied = config  # as read, before --staged moves it
    # Under --diff, a review marker of another tool (`#nosec`) that the change itself
    # adds does not lower its finding: the change cannot vouch for itself.
    changes = gitdiff.changed_since(opts["diff_ref"], cwd) if opts["diff_ref"] else None
    marks: dict[str, Any] = {}

    def marker_added(finding: Any) -> bool:
        root = marks.get("root")
        if changes is None or root is None:
            return False
        path = os.path.join(root, *finding.path.split("/"))
        return any(changes.touches(path, n, n) for n in finding.acknowledged)

    if opts["staged"]:
        # The staged blobs are written under a temporary folder with their repository
        # paths, so report paths are relative to the top of the work tree.
        root = gitdiff.toplevel(cwd)
        marks["root"] = root
        with tempfile.TemporaryDirectory(prefix="ztlint-staged-") as tmp:
            staged = gitdiff.write_staged(cwd, tmp)
            config = _relocated(config, root, tmp)
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
            report = _run(opts, config, targets=staged, cwd=tmp, marker_added=marker_added)
            if nothing:  # no file in scope: no config exception could have matched
                report = _without_unused_exceptions(report)
    elif opts.get("stdin_place") is not None:
        from ztlint import buffer

        def run_copy(targets: list[str], moved: Config, where: str) -> Any:
            return _run(opts, moved, targets=targets, cwd=where, marker_added=marker_added)

        root = opts["stdin_place"].tree
        report = buffer.scan_stdin(opts, config, run_copy, sys.stdin.buffer)
    else:
        root = display_root([os.path.join(cwd, p) for p in opts["paths"]] or [cwd], cwd)
        marks["root"] = root
        report = _run(opts, config, marker_added=marker_added)
    # The baseline applies to every finding, before --diff drops those on unchanged
    # lines: an entry whose own finding was dropped would otherwise look moved and hide
    # the same line copied into a new file.
    if opts["baseline_path"]:
        baseline = baseline_mod.load(opts["baseline_path"])
        if opts["diff_ref"]:
            baseline, report = _reviewed_baseline(baseline, report, opts, cwd)
        report, still = baseline_mod.apply(report, baseline)
        if opts["update_baseline"]:
            _checked_write(opts["baseline_path"], baseline_mod.dumps(still))
    if changes is not None:
        kept = tuple(f for f in report.findings if _touched(changes, root, f))
        report = dataclasses.replace(report, findings=kept)
    if opts["diff_ref"]:
        report = _config_weakenings(opts, applied, report, root, cwd)
    return report


def _without_unused_exceptions(report: Any) -> Any:
    from ztlint.engine import UNUSED_EXCEPTION

    notes = tuple(n for n in report.notifications if n.code != UNUSED_EXCEPTION)
    return dataclasses.replace(report, notifications=notes)


def _reviewed_baseline(
    baseline: Any, report: Any, opts: dict[str, Any], cwd: str
) -> tuple[Any, Any]:
    """Under --diff, a baseline inside the work tree counts only with the entries it
    held at the base revision; those the change added are named in a warning."""
    from ztlint import baseline as baseline_mod
    from ztlint import gitdiff

    path, ref = opts["baseline_path"], opts["diff_ref"]
    in_tree, old = gitdiff.committed_blob(ref, path, cwd)
    if not in_tree:
        return baseline, report  # the user's own file, outside the repository
    before = None
    if old is not None:
        try:
            before = baseline_mod.parse(f"{path} at {ref}", old)
        except ConfigError:
            before = None
    kept, added = baseline_mod.reviewed(baseline, before)
    if added:
        notes = (*report.notifications, baseline_mod.unreviewed_note(added, _shown(ref)))
        report = dataclasses.replace(
            report, notifications=tuple(sorted(notes, key=lambda n: n.sort_key))
        )
    return kept, report


def _config_weakenings(
    opts: dict[str, Any], config: Config, report: Any, root: str, cwd: str
) -> Any:
    """config-weakens-scan, after every filter: the config it reports on cannot hide it."""
    from ztlint import configdiff

    scan = configdiff.DiffScan(
        ref=opts["diff_ref"],
        start=opts["paths"][0] if opts["paths"] else ".",
        explicit=bool(opts["config_path"]),
        select=_split(opts["select"]),
        ignore=_split(opts["ignore"]),
        fail_on=Severity.parse(opts["fail_on"]) if opts.get("fail_on") else None,
    )
    return configdiff.add_findings(report, config, scan, root, cwd)


def _relocated(config: Config, top: str, tmp: str) -> Config:
    """The configuration as seen from the copy of the index under `tmp`: exceptions are
    relative to the config file's folder, which maps to the same place in the copy."""
    source, _, section = config.source.partition(" [")
    base = config.base_dir or top

    def moved(path: str) -> str:
        rel = os.path.relpath(path, top)
        return path if rel.startswith("..") else os.path.normpath(os.path.join(tmp, rel))

    return dataclasses.replace(
        config,
        base_dir=moved(base),
        source=(moved(source) + (f" [{section}" if section else "")) if source else source,
    )


def _touched(changes: Any, root: str, finding: Any) -> bool:
    """Whether a change touches the finding's span or the node of its entity."""
    path = os.path.join(root, *finding.path.split("/"))
    if changes.touches(path, finding.span.start_line, finding.span.end_line):
        return True
    return finding.entity_lines is not None and changes.touches(path, *finding.entity_lines)


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


@main.command("baseline", cls=PathCommand)
@scan_options
@click.option(
    "-o",
    "--output",
    default=".ztlint-baseline.json",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Where to write the baseline.",
)
@history_cli.history_options
def baseline_cmd(**opts: Any) -> None:
    """Record today's findings in PATHS so that later scans report only new ones."""
    from ztlint import baseline as baseline_mod

    if why := unwritable_folder(opts["output"]):
        _fail(why)
    try:
        config = build_config(opts, never_scan=(opts["output"],))
        if history_cli.wanted(opts):
            report = history_cli.report(opts, config, _cache_dir(opts))
        else:
            report = _run(opts, config)
    except ConfigError as exc:
        _fail(str(exc))
        return
    recorded = baseline_mod.create(report, salt=baseline_mod.existing_salt(opts["output"]))
    _write(opts["output"], baseline_mod.dumps(recorded))
    click.echo(f"ztlint: recorded {len(recorded.entries)} finding(s) in {opts['output']}")


def _rule_sources(func: F) -> F:
    """`--rules DIR` and `--config FILE` for the commands that list or explain rules."""
    func = click.option(
        "--rules",
        "rules_dirs",
        multiple=True,
        metavar="DIR",
        type=click.Path(exists=True, file_okay=False),
        help="Also the declarative rules in DIR (repeatable).",
    )(func)
    return click.option(
        "--config",
        "config_path",
        type=click.Path(exists=True, dir_okay=False),
        help="Configuration file whose rules-dirs to read [default: the one found here].",
    )(func)


def _all_rules(config_path: str | None, rules_dirs: tuple[str, ...]) -> Any:
    from ztlint import rulesources

    try:
        return rulesources.load(_file_config(config_path, (".",)), rules_dirs)
    except ConfigError as exc:
        _fail(str(exc))


@main.command("rules")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@_rule_sources
def rules_cmd(fmt: str, config_path: str | None, rules_dirs: tuple[str, ...]) -> None:
    """List every rule: id, name, severity, what it reads and where it comes from
    (built-in, a rule folder, a plugin)."""
    from ztlint import ruleslist

    click.echo(ruleslist.render(_all_rules(config_path, rules_dirs), fmt), nl=False)


@main.command()
@click.argument("rule")
@_rule_sources
def explain(rule: str, config_path: str | None, rules_dirs: tuple[str, ...]) -> None:
    """Show the documentation of RULE (an id such as ZT101 or a name), with examples;
    rendered on a terminal when the `rich` extra is installed."""
    from ztlint import explain as explain_mod

    for r in _all_rules(config_path, rules_dirs):
        if rule in (r.name, r.id) or rule.upper() == r.id:
            text = explain_mod.page(r.meta, r.covers)
            click.echo(explain_mod.render(text, terminal=sys.stdout.isatty()), nl=False)
            return
    _fail(f"no rule named '{rule}' (see `ztlint rules`)")


@main.command()
@click.option("--force", is_flag=True, help="Overwrite an existing .ztlint.yaml.")
def init(force: bool) -> None:
    """Write a commented starter .ztlint.yaml and print the pre-commit and GitHub
    workflow snippets."""
    from ztlint.starter import CONFIG, PRE_COMMIT, WORKFLOW

    if os.path.lexists(".ztlint.yaml") and not force:
        _fail(".ztlint.yaml exists; use --force to overwrite it")
    if why := unwritable_folder(".ztlint.yaml"):
        _fail(why)
    _write(".ztlint.yaml", CONFIG)
    click.echo("wrote .ztlint.yaml\n\nAdd to .pre-commit-config.yaml:\n")
    click.echo(PRE_COMMIT)
    click.echo("\nAnd as .github/workflows/ztlint.yml:\n")
    click.echo(WORKFLOW)


@main.command("new-rule")
@click.argument("rule_id", metavar="ID")
@click.argument("name")
@click.option(
    "--kind",
    required=True,
    help="A language (python, go, ...) or a structured kind (yaml, kubernetes, compose, json, toml).",
)
@click.option(
    "--dir", "rules_dir", default="rules", show_default=True, help="Where the rule folder goes."
)
@click.option(
    "--fixtures",
    "fixtures_dir",
    default="fixtures",
    show_default=True,
    help="Where its fixtures go (FIXTURES/ID/).",
)
def new_rule(rule_id: str, name: str, kind: str, rules_dir: str, fixtures_dir: str) -> None:
    """Scaffold a declarative rule folder ID-NAME (rule.yaml, docs.md, a query) and a
    positive and a negative fixture; never overwrites."""
    from pathlib import Path

    from ztlint import newrule

    try:
        written = newrule.scaffold(rule_id, name, kind, Path(rules_dir), Path(fixtures_dir))
    except (newrule.ScaffoldError, OSError) as exc:
        _fail(str(exc))
        return
    for path in written:
        click.echo(f"wrote {_shown(str(path))}")


@main.command()
def server() -> None:
    """Run the Language Server (LSP over stdio) for editors: diagnostics on open,
    change and save, quick fixes and suppressions. Needs the `lsp` extra."""
    try:
        from ztlint import lsp
    except ImportError as exc:
        _fail(f"ztlint server needs pygls: pip install 'ztlint[lsp]' ({exc.name} is missing)")
        return
    lsp.serve()


if __name__ == "__main__":
    main()
