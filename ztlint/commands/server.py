"""`ztlint server`: the Language Server for editors (ztlint.lsp)."""

from __future__ import annotations

import click

from ztlint.commands.common import (
    fail,
)


@click.command()
def server() -> None:
    """Run the Language Server (LSP over stdio) for editors: diagnostics on open,
    change and save, quick fixes and suppressions. Needs the `lsp` extra."""
    try:
        from ztlint import lsp
    except ImportError as exc:
        fail(f"ztlint server needs pygls: pip install 'ztlint[lsp]' ({exc.name} is missing)")
        return
    lsp.serve()
