"""The conventions a command-line user expects of ztlint, outside the scan itself:
colour from the environment, Ctrl-C, and where the report went.

- Colour (`--color auto`): `NO_COLOR` (any non-empty value) turns it off, then
  `FORCE_COLOR` (non-empty) turns it on, then `TERM=dumb` turns it off; otherwise
  colour when standard output is a terminal. The order is CPython's (3.13) and the one
  no-color.org and force-color.org describe. A report written with `-o` is never
  coloured unless `--color always` asks for it.
- Ctrl-C stops with exit code 130 (128 + SIGINT, as shells report it) and one line on
  standard error, never a traceback or click's `Aborted!` with exit 1, which reads as
  "findings".
- `-o FILE` checks before the scan that FILE's folder exists and is writable, so a typo
  costs no full scan, and says on standard error what it wrote when standard error is a
  terminal (pipelines and CI logs stay as they were).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

import click

INTERRUPTED = 130


def use_color(choice: str, to_file: bool, stdout_tty: bool, env: Mapping[str, str]) -> bool:
    """Whether the text report gets colour: `choice` is --color's value."""
    if choice == "always":
        return True
    if choice == "never" or to_file:
        return False
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    if env.get("TERM") == "dumb":
        return False
    return stdout_tty


class Interruptible(click.Group):
    """A command group whose commands end with exit code 130 on Ctrl-C."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            # The progress line (if any) was cleared by its own `finally`.
            click.echo("ztlint: interrupted", err=True)
            sys.exit(INTERRUPTED)


def unwritable_folder(path: str) -> str | None:
    """Why a file cannot be written at `path` (its folder is missing, not a folder or
    not writable), as `cannot write PATH: reason`; None when it looks writable. Checked
    before a scan: the write itself still reports what this cannot foresee."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.exists(folder):
        return f"cannot write {path}: the folder {folder} does not exist"
    if not os.path.isdir(folder):
        return f"cannot write {path}: {folder} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot write {path}: the folder {folder} is not writable"
    if os.path.isdir(path):
        return f"cannot write {path}: it is a folder"
    return None


def stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def announce_written(path: str, what: str, findings: int) -> None:
    """One line on standard error saying what `-o` wrote, when a person is watching."""
    if stderr_is_terminal():
        counted = f"{findings} finding{'' if findings == 1 else 's'}"
        click.echo(f"ztlint: wrote {what} to {path} ({counted})", err=True)
