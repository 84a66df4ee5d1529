"""The command line: flags in, engine.run(), a reporter out, an exit code.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from typing import Any

import click

from ztlint import __version__
from ztlint.config import Config, ConfigError, find_config, load_file, parse_size
from ztlint.model import Severity

SEVERITIES = [s.label for s in reversed(Severity)]


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def _load_config(config_path: str | None, paths: tuple[str, ...]) -> Config:
    if config_path is not None:
        return load_file(config_path)
    start = paths[0] if paths else "."
    found = find_config(start)
    return load_file(found) if found else Config()


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="ztlint")
def main() -> None:
    """ztlint: a static security linter for zero-trust systems."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
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
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Configuration file (.ztlint.yaml or pyproject.toml).",
)
@click.option(
    "--select",
    multiple=True,
    help="Only these rules: ids, names or families such as ZT3 (comma-separated, repeatable).",
)
@click.option(
    "--ignore",
    multiple=True,
    help="Skip these rules: ids, names or families (comma-separated, repeatable).",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    help="Lowest severity that makes the exit code 1 [default: low].",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes [default: CPU count; small scans run in process].",
)
@click.option("--exclude", multiple=True, help="Extra path globs to skip (repeatable).")
@click.option(
    "--max-file-size", help="Skip files larger than this (bytes, or e.g. 4MiB) [default: 2MiB]."
)
@click.option(
    "--include-tests", is_flag=True, help="Report findings in test code too, at level note."
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
    help="Colour in text output (NO_COLOR is honoured).",
)
def scan(
    paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    config_path: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    jobs: int | None,
    exclude: tuple[str, ...],
    max_file_size: str | None,
    include_tests: bool,
    category: str | None,
    sarif_suppressed: str,
    strict: bool,
    color: str,
) -> None:
    """Scan PATHS (files or folders; default: the current folder)."""
    from ztlint import engine

    try:
        config = _load_config(config_path, paths)
        overrides: dict[str, Any] = {}
        if select:
            overrides["select"] = _split(select)
        if ignore:
            overrides["ignore"] = config.ignore + _split(ignore)
        if fail_on:
            overrides["fail_on"] = Severity.parse(fail_on)
        if exclude:
            overrides["exclude"] = config.exclude + tuple(exclude)
        if max_file_size:
            overrides["max_file_size"] = parse_size("--max-file-size", max_file_size)
        if include_tests and config.tests == "ignore":
            overrides["tests"] = "report"
        config = dataclasses.replace(config, **overrides)
        progress = _Progress()
        try:
            report = engine.run(list(paths) or ["."], config, jobs=jobs, progress=progress)
        finally:
            progress.close()
    except ConfigError as exc:
        click.echo(f"ztlint: error: {exc}", err=True)
        sys.exit(2)

    use_color = False
    if fmt == "json":
        from ztlint.reporters import json as json_reporter

        text = json_reporter.render(report)
    elif fmt == "github":
        from ztlint.reporters import github

        text = github.render(report)
    elif fmt == "sarif":
        from ztlint.reporters import sarif

        text = sarif.render(report, category=category, omit_suppressed=sarif_suppressed == "omit")
    else:
        from ztlint.reporters import text as text_reporter

        use_color = color == "always" or (
            color == "auto"
            and output is None
            and sys.stdout.isatty()
            and not os.environ.get("NO_COLOR")
        )
        text = text_reporter.render(report, color=use_color)
    if output:
        try:
            with open(output, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        except OSError as exc:
            click.echo(f"ztlint: error: cannot write {output}: {exc.strerror}", err=True)
            sys.exit(2)
    else:
        # click strips ANSI codes when stdout is not a terminal unless told otherwise.
        click.echo(text, nl=False, color=True if fmt == "text" and use_color else None)
    sys.exit(report.exit_code(strict=strict))


@main.command("rules")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def rules_cmd(fmt: str) -> None:
    """List every rule: id, name, severity and what it reads."""
    import json

    from ztlint.registry import load_rules

    rules = load_rules()
    if fmt == "json":
        rows = [
            {
                "id": r.id,
                "name": r.name,
                "title": r.meta.title,
                "severity": r.meta.severity.label,
                "confidence": r.meta.confidence.label,
                "cwe": r.meta.cwe,
                "reads": list(r.covers),
            }
            for r in rules
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    width = max(len(r.name) for r in rules)
    for r in rules:
        reads = ", ".join(r.covers) or "engine"
        click.echo(f"{r.id}  {r.name:<{width}}  {r.meta.severity.label:<8}  {reads}")


@main.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Show the documentation of RULE (an id such as ZT101 or a name)."""
    from ztlint import docs
    from ztlint.registry import load_rules

    for r in load_rules():
        if rule in (r.name, r.id) or rule.upper() == r.id:
            click.echo(docs.render_page(r.meta, r.covers).split("\n", 1)[1], nl=False)
            return
    click.echo(f"ztlint: error: no rule named '{rule}' (see `ztlint rules`)", err=True)
    sys.exit(2)


if __name__ == "__main__":
    main()
