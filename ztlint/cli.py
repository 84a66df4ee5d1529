"""The command line: flags in, engine.run(), a reporter out, an exit code. Each command
is a module of ztlint.commands; this module joins them into one group.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error.
"""

from __future__ import annotations

import click

from ztlint import __version__
from ztlint.commands import baseline, explain, init, newrule, rules, scan, server
from ztlint.terminal import Interruptible


@click.group(cls=Interruptible, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="ztlint")
def main() -> None:
    """ztlint: a static security linter for zero-trust systems."""


for _command in (
    scan.scan,
    baseline.baseline_cmd,
    rules.rules_cmd,
    explain.explain,
    init.init,
    newrule.new_rule,
    server.server,
):
    main.add_command(_command)


if __name__ == "__main__":
    main()
