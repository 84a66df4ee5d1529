"""`ztlint rules`: list every rule, with where it comes from; and the options that add
user rule folders to the commands that list or explain rules."""

from __future__ import annotations

from typing import Any

import click

from ztlint.commands.common import F, fail
from ztlint.config import ConfigError


def rule_sources(func: F) -> F:
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


def all_rules(config_path: str | None, rules_dirs: tuple[str, ...]) -> Any:
    """Built-in rules, installed plugins' and the user's rule folders."""
    from ztlint import rulesources
    from ztlint.commands.options import file_config

    try:
        return rulesources.load(file_config(config_path, (".",)), rules_dirs)
    except ConfigError as exc:
        fail(str(exc))


@click.command("rules")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@rule_sources
def rules_cmd(fmt: str, config_path: str | None, rules_dirs: tuple[str, ...]) -> None:
    """List every rule: id, name, severity, what it reads and where it comes from
    (built-in, a rule folder, a plugin)."""
    from ztlint import ruleslist

    click.echo(ruleslist.render(all_rules(config_path, rules_dirs), fmt), nl=False)
