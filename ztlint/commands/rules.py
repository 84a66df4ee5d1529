"""`ztlint rules`: list every rule."""

from __future__ import annotations

import click


@click.command("rules")
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
