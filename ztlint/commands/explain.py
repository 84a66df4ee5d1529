"""`ztlint explain RULE`: a rule's documentation."""

from __future__ import annotations

import re
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


# Terminal control (C0 but tab and newline, DEL, C1: CSI, OSC hyperlinks, title changes).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _inert(text: str) -> str:
    """A user rule's documentation, which a repository's own rule folder may have
    written: control characters shown as U+FFFD, and a line that starts like a CI
    runner's workflow command (`::error::`, `##[`) indented so no runner acts on it."""
    text = _CONTROL.sub("\ufffd", text)
    return re.sub(r"(?m)^(?=::|##\[)", " ", text)
