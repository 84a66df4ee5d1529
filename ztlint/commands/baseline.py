"""`ztlint baseline`: record the findings of today so later scans report only new ones."""

from __future__ import annotations

from typing import Any

import click

from ztlint.commands.common import (
    PathCommand,
    cache_folder,
    fail,
    run_scan,
    write,
)
from ztlint.commands.options import build_config, scan_options
from ztlint.config import (
    ConfigError,
)
from ztlint.history import cli as history_cli
from ztlint.terminal import unwritable_folder


@click.command("baseline", cls=PathCommand)
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
    from ztlint.post import baseline as baseline_mod

    if why := unwritable_folder(opts["output"]):
        fail(why)
    try:
        config = build_config(opts, never_scan=(opts["output"],))
        if history_cli.wanted(opts):
            report = history_cli.report(opts, config, cache_folder(opts))
        else:
            report = run_scan(opts, config)
    except ConfigError as exc:
        fail(str(exc))
        return
    recorded = baseline_mod.create(report, salt=baseline_mod.existing_salt(opts["output"]))
    write(opts["output"], baseline_mod.dumps(recorded))
    click.echo(f"ztlint: recorded {len(recorded.entries)} finding(s) in {opts['output']}")
