"""`ztlint new-rule ID NAME --kind K`: scaffold a declarative rule folder and fixtures."""

from __future__ import annotations

from pathlib import Path

import click

from ztlint.commands.common import fail, shown_text


@click.command("new-rule")
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
    from ztlint import newrule

    try:
        written = newrule.scaffold(rule_id, name, kind, Path(rules_dir), Path(fixtures_dir))
    except (newrule.ScaffoldError, OSError) as exc:
        fail(str(exc))
        return
    for path in written:
        click.echo(f"wrote {shown_text(str(path))}")
