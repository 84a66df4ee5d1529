"""What the commands share: writing output files, failing with exit 2, the progress
counter, the argument check of commands that take paths, and running the engine."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

import click

from ztlint.config import (
    Config,
)
from ztlint.model import Severity
from ztlint.safeio import UnwritableError, linked_folder, write_text

SEVERITIES = [s.label for s in reversed(Severity)]


F = Callable[..., Any]


def split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


class Progress:
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


def fail(message: str) -> None:
    # The message may quote the scanned repository (a config key, a path): shown safe.
    from ztlint.reporters.safe_text import shown

    click.echo(f"ztlint: error: {shown(message)}", err=True)
    sys.exit(2)


def write(path: str, text: str) -> None:
    """Write an output file without following a link planted at `path`; exit 2 when
    it cannot be written."""
    try:
        checked_write(path, text)
    except UnwritableError as exc:
        fail(str(exc))


def checked_write(path: str, text: str) -> None:
    """write_text, refused when a folder on the way below the working folder is a link
    the scanned tree may have planted (`reports -> /home/runner`), as the Action
    refuses for its SARIF."""
    link = linked_folder(path, os.getcwd())
    if link:
        raise UnwritableError(f"cannot write {path}: {link} is a symbolic link")
    write_text(path, text)


def cache_folder(opts: dict[str, Any]) -> Any:
    from ztlint import cache

    use_cache = opts.get("cache")
    if use_cache is None:
        use_cache = cache.enabled_by_default()
    return cache.default_dir() if use_cache else None


def run_scan(
    opts: dict[str, Any],
    config: Config,
    targets: list[str] | None = None,
    cwd: str | None = None,
    baseline: Any = None,
    diff: Any = None,
) -> Any:
    from ztlint import engine

    progress = Progress()
    try:
        return engine.run(
            targets or list(opts["paths"]) or ["."],
            config,
            jobs=opts["jobs"],
            progress=progress,
            cwd=cwd,
            cache_dir=cache_folder(opts),
            baseline=baseline,
            diff=diff,
        )
    finally:
        progress.close()


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
                    f"{shown_text(arg)} is both an option and a file here; a file name is "
                    f"never taken as an option: pass files after `--` or as ./{shown_text(arg)}",
                    ctx,
                )
        return super().parse_args(ctx, args)


def shown_text(text: str) -> str:
    from ztlint.gitrun import safe_text

    return safe_text(text)
