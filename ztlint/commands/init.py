"""`ztlint init`: a starter config and the hook and workflow snippets."""

from __future__ import annotations

import os

import click

from ztlint.commands.common import (
    fail,
    write,
)
from ztlint.terminal import unwritable_folder


@click.command()
@click.option("--force", is_flag=True, help="Overwrite an existing .ztlint.yaml.")
def init(force: bool) -> None:
    """Write a commented starter .ztlint.yaml and print the pre-commit and GitHub
    workflow snippets."""
    from ztlint.starter import CONFIG, PRE_COMMIT, WORKFLOW

    if os.path.lexists(".ztlint.yaml") and not force:
        fail(".ztlint.yaml exists; use --force to overwrite it")
    if why := unwritable_folder(".ztlint.yaml"):
        fail(why)
    write(".ztlint.yaml", CONFIG)
    click.echo("wrote .ztlint.yaml\n\nAdd to .pre-commit-config.yaml:\n")
    click.echo(PRE_COMMIT)
    click.echo("\nAnd as .github/workflows/ztlint.yml:\n")
    click.echo(WORKFLOW)
