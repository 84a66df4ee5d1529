"""The options of a scan (shared by scan and baseline) and the Config they make."""

from __future__ import annotations

import dataclasses
import os
from typing import Any

import click

from ztlint.commands.common import (
    F,
    split,
)
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
from ztlint.config.values import seconds
from ztlint.globs import InvalidGlob, check_globs
from ztlint.model import Severity


def scan_options(func: F) -> F:
    options = [
        click.argument("paths", nargs=-1, type=click.Path(exists=True, allow_dash=True)),
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
    config = file_config(opts["config_path"], paths or (".",))
    overrides: dict[str, Any] = {}
    # Values from flags are blamed on the flag, not the config file (configlines.where).
    flags: list[tuple[str, str]] = []
    if opts["select"]:
        overrides["select"] = split(opts["select"])
        flags.append(("select", "--select"))
    if opts["ignore"]:
        overrides["ignore"] = config.ignore + split(opts["ignore"])
        flags.extend((f"ignore={v}", "--ignore") for v in split(opts["ignore"]))
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
        overrides["file_timeout"] = seconds("--file-timeout", opts["file_timeout"])
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
    if opts.get("rules_dirs") or config.rules_dirs:
        # A folder inside a scanned tree is the repository's, however it is named (by
        # --rules, or by a trusted configuration outside the tree): a pull request can
        # change it, so it gets the limits of an in-tree folder.
        from ztlint.userrules import tree_holding

        trees = tuple(dict.fromkeys(scan_tree(p) for p in paths or (".",)))
        named = tuple((d, tree or tree_holding(d, trees)) for d, tree in config.rules_dirs)
        added_dirs = tuple(
            (os.path.abspath(d), tree_holding(d, trees)) for d in opts.get("rules_dirs") or ()
        )
        overrides["rules_dirs"] = named + added_dirs
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


def file_config(explicit: str | None, paths: tuple[str, ...]) -> Config:
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
