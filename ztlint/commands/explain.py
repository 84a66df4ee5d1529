"""`ztlint explain RULE`: a rule's documentation."""

from __future__ import annotations

import sys

import click

from ztlint.commands.common import fail
from ztlint.commands.rules import all_rules, rule_sources


@click.command()
@click.argument("rule")
@rule_sources
def explain(rule: str, config_path: str | None, rules_dirs: tuple[str, ...]) -> None:
    """Show the documentation of RULE (an id such as ZT101 or a name), with examples;
    rendered on a terminal when the `rich` extra is installed."""
    from ztlint import explain as explain_mod

    for r in all_rules(config_path, rules_dirs):
        if rule in (r.name, r.id) or rule.upper() == r.id:
            text = explain_mod.page(r.meta, r.covers)
            if not r.id.startswith("ZT"):
                text = _inert(text)
            click.echo(explain_mod.render(text, terminal=sys.stdout.isatty()), nl=False)
            return
    fail(f"no rule named '{rule}' (see `ztlint rules`)")


def _inert(text: str) -> str:
    """A user rule's documentation, which a repository's own rule folder may have
    written, shown as the reporters show scanned text (reporters.safe_text): control
    characters escaped, `##[` broken, and no line starting like a workflow command."""
    from ztlint.reporters import safe_text

    shown = safe_text.shown(text, keep_newlines=True)
    return "\n".join(safe_text.line_head(line) for line in shown.split("\n"))
